"""A tiny Marian in the layout of `Helsinki-NLP/opus-mt-tc-big-ar-en`, the "best" translation model.

What differs from opus-mt-ar-en, and what a bug that assumes opus-mt-ar-en's ids would trip on: one vocabulary
for both sides (`separate_vocabs: false`) over two SentencePiece models, `</s>` in the middle of `vocab.json`
(tc-big's eos is 25894, not 0), `<pad>` the last id and the decoder's start, ReLU, static sinusoidal positions
up to 1,024. Trained for a few steps only: the tests check behaviour, never wording.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import sentencepiece as spm
import torch

from tests.tiny_models import ENGLISH, _fit, _keep_only, _to_pytorch_bin, _train_spm


def build_marian_big(folder: Path, text: str, seed: int = 0) -> Path:
    """The tc-big layout: `source.spm`, `target.spm` (one joint model), `vocab.json`, `pytorch_model.bin`."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    ids = dict(pad_id=-1, bos_id=-1, eos_id=1, unk_id=0)
    shutil.copy(_train_spm(text.splitlines(), work / "src", 400, seed, **ids), folder / "source.spm")
    shutil.copy(_train_spm(ENGLISH.splitlines(), work / "tgt", 200, seed, **ids), folder / "target.spm")
    shutil.rmtree(work)
    pieces: list[str] = []
    for name in ("source.spm", "target.spm"):
        processor = spm.SentencePieceProcessor(model_file=str(folder / name))
        pieces += [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces = list(dict.fromkeys(piece for piece in pieces if piece not in {"<unk>", "</s>", "<s>", "<pad>"}))
    # As in tc-big: one vocabulary for both sides, `</s>` far from 0 (its eos is 25894 of 61109), `<pad>` last.
    middle = len(pieces) // 2
    ordered = ["<unk>", *pieces[:middle], "</s>", *pieces[middle:], "<pad>"]
    vocab = {piece: i for i, piece in enumerate(ordered)}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    eos, pad = vocab["</s>"], vocab["<pad>"]
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                source_lang="ar", target_lang="en", separate_vocabs=False)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=1024,
        pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad, forced_eos_token_id=eos,
        scale_embedding=True, activation_function="relu", share_encoder_decoder_embeddings=True,
        static_position_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    sources = [line for line in text.splitlines() if line.strip()]
    targets = ENGLISH.splitlines()
    _fit(model, tokenizer, [(src, targets[i % len(targets)]) for i, src in enumerate(sources)], steps=60)
    with torch.no_grad():
        model.get_input_embeddings().weight[pad].zero_()
    model.generation_config.update(max_length=512, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(folder)
    _to_pytorch_bin(folder, model)
    tokenizer.save_pretrained(folder)
    _keep_only(folder / "tokenizer_config.json", {"source_lang", "target_lang", "separate_vocabs"})
    return folder
