"""Full-size opus-mt-ar-en, mT5-base (XLSum) and BERT-base NER with random weights, in the real Hub file layouts.

Speed does not depend on the weights' values, only on the architecture and on how many tokens go in and out, so
the benchmark builds the real architectures with random weights and tokenizers learnt on the seed story (as
`tests/tiny_models.py` does), sized so that the story has the workload's shape: about 55 Marian tokens a
sentence, about 500 mT5 tokens in all, about 700 word pieces. Each folder is built once and reused while its
`bench-spec.json` matches `SPECS`.

The filler pieces that bring each vocabulary to its real size are partly written in Arabic script, in the
share the real vocabularies are estimated to hold, because the output-vocabulary restriction keeps or drops
pieces by script (`models/vocabulary.py`) and its speed depends on how many it keeps:

- mT5 (250,100 pieces): 50,000 Arabic-script pieces (20%). No per-script count of mT5's vocabulary is
  published; the closest public figure is vocabulary trimming of XLM-R's 250,002-piece SentencePiece
  vocabulary, also trained on CommonCrawl, to the pieces seen in Arabic mC4 text: 49,871 kept
  (`vocabtrimmer/xlm-roberta-base-trimmed-ar`), which includes the Latin pieces, digits and punctuation Arabic
  pages contain; mT5 trims to 30,000–90,000 pieces for other single languages (`vocabtrimmer/mt5-*-trimmed-*`).
  Pieces of Persian, Urdu, Pashto and the other Arabic-script languages are kept too, so 20% errs on the side
  of keeping more (a slower restricted summary), not fewer.
- opus-mt-ar-en (62,834 entries, one shared vocabulary): 30,000 Arabic-script pieces (48%). Its vocabulary is
  the union of a source and a target SentencePiece model of about 32,000 pieces each (OPUS-MT's usual size),
  overlapping in about 1,200 pieces (digits, punctuation, Latin names); the source model's pieces are almost
  all Arabic script.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import sentencepiece as spm
import torch
from sentencepiece import sentencepiece_model_pb2 as sp_model

from tests.tiny_models import ENGLISH, NER_LABELS, _to_pytorch_bin, seed_text

SPECS = {
    "translator": {"vocab_size": 62_801, "d_model": 512, "encoder_layers": 6, "decoder_layers": 6,
                   "encoder_attention_heads": 8, "decoder_attention_heads": 8, "encoder_ffn_dim": 2048,
                   "decoder_ffn_dim": 2048, "max_position_embeddings": 512, "source_pieces": 560,
                   "arabic_pieces": 30_000},
    # opus-mt-tc-big-ar-en, the best translation mode: transformer-big, one vocabulary of 61,109 for both sides,
    # `</s>` at 25,894 and `<pad>` (the decoder's start) last, ReLU, static positions up to 1,024.
    "translator_best": {"vocab_size": 61_109, "d_model": 1024, "encoder_layers": 6, "decoder_layers": 6,
                        "encoder_attention_heads": 16, "decoder_attention_heads": 16, "encoder_ffn_dim": 4096,
                        "decoder_ffn_dim": 4096, "max_position_embeddings": 1024, "source_pieces": 560,
                        "arabic_pieces": 30_000, "eos_id": 25_894},
    "summarizer": {"vocab_size": 250_112, "d_model": 768, "d_kv": 64, "d_ff": 2048, "num_layers": 12,
                   "num_decoder_layers": 12, "num_heads": 12, "spiece_pieces": 250_100, "learnt_pieces": 1080,
                   "arabic_pieces": 50_000},
    "ner": {"vocab_size": 30_000, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
            "intermediate_size": 3072, "max_position_embeddings": 512, "learnt_pieces": 620, "o_bias": 1.2},
}
SPEC_FILE = "bench-spec.json"


def ensure_models(root: Path, log=print) -> dict[str, Path]:
    """The model folders under `root` (the three of fast mode and the best mode's translator), built only when
    missing or built from another spec."""
    builders = {"translator": build_marian, "translator_best": build_marian_big, "summarizer": build_mt5,
                "ner": build_ner}
    folders = {}
    for role, build in builders.items():
        folder = root / role
        spec_file = folder / SPEC_FILE
        if spec_file.exists() and json.loads(spec_file.read_text())["spec"] == SPECS[role]:
            log(f"{role}: reusing {folder} (built in {json.loads(spec_file.read_text())['build_s']:.0f} s)")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            started = time.perf_counter()
            build(folder, SPECS[role], seed_text())
            seconds = time.perf_counter() - started
            spec_file.write_text(json.dumps({"spec": SPECS[role], "build_s": round(seconds, 1)}))
            log(f"{role}: built {folder} in {seconds:.1f} s")
        folders[role] = folder
    return folders


def filler(index: int, arabic: bool) -> str:
    """A vocabulary entry no real text contains: Latin `▁filler<index>`, or Arabic letters after `▁ڭڭ`."""
    if not arabic:
        return f"▁filler{index}"
    letters, digits = "ابتثجحخدذرسشصضطظعغفقكلمنهوي", []
    while True:
        index, digit = divmod(index, len(letters))
        digits.append(letters[digit])
        if not index:
            return "▁ڭڭ" + "".join(digits)


def sentencepiece_model(lines: list[str], path: Path, pieces: int, pad_to: int = 0, arabic: int = 0,
                        **ids: int) -> Path:
    """A unigram sentencepiece model whose pieces are learnt by BPE on `lines`, padded to `pad_to` pieces, the
    first `arabic` filler pieces in Arabic script.

    The unigram trainer stops at a few hundred pieces on one story, too few for realistic token counts; BPE's
    pieces, each given the same score, make the unigram model pick the fewest pieces. Filler pieces never
    match Arabic or English text, so they change the vocabulary's size, not the tokenisation.
    """
    work = Path(tempfile.mkdtemp())
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(work / "bpe"), vocab_size=pieces, model_type="bpe",
        hard_vocab_limit=False, character_coverage=1.0, minloglevel=2, **ids,
    )
    proto = sp_model.ModelProto()
    proto.ParseFromString((work / "bpe.model").read_bytes())
    shutil.rmtree(work)
    proto.trainer_spec.model_type = sp_model.TrainerSpec.UNIGRAM
    normal = sp_model.ModelProto.SentencePiece.NORMAL
    for piece in proto.pieces:
        if piece.type == normal:
            piece.score = -10.0
    first = len(proto.pieces)
    for i in range(first, pad_to):
        proto.pieces.add(piece=filler(i, i - first < arabic), score=-30.0, type=normal)
    path.write_bytes(proto.SerializeToString())
    return path


def build_marian(folder: Path, spec: dict, text: str) -> Path:
    """opus-mt-ar-en's shape: `source.spm`, `target.spm`, a 62,801-entry `vocab.json` with `<pad>` last."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    ids = dict(pad_id=-1, bos_id=-1, eos_id=1, unk_id=0)
    sentencepiece_model(text.splitlines(), folder / "source.spm", spec["source_pieces"], **ids)
    sentencepiece_model(ENGLISH.splitlines(), folder / "target.spm", 200, **ids)
    vocab = {"</s>": 0, "<unk>": 1}
    for name in ("source.spm", "target.spm"):
        processor = spm.SentencePieceProcessor(model_file=str(folder / name))
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    first = len(vocab)
    while len(vocab) < spec["vocab_size"] - 1:
        vocab[filler(len(vocab), len(vocab) - first < spec["arabic_pieces"])] = len(vocab)
    vocab["<pad>"] = pad = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                source_lang="ar", target_lang="en")
    sizes = {key: value for key, value in spec.items() if key not in {"source_pieces", "arabic_pieces"}}
    config = MarianConfig(**sizes, pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad,
                          forced_eos_token_id=0, scale_embedding=True, activation_function="swish")
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    with torch.no_grad():  # as in opus-mt: the decoder starts from `<pad>`, whose embedding is all zeros
        model.get_input_embeddings().weight[pad].zero_()
    model.generation_config.update(max_length=512, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def build_marian_big(folder: Path, spec: dict, text: str) -> Path:
    """opus-mt-tc-big-ar-en's shape: `source.spm`, `target.spm`, a 61,109-entry `vocab.json` with `</s>` at
    25,894 and `<pad>` last, transformer-big with ReLU and static sinusoidal positions."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    ids = dict(pad_id=-1, bos_id=-1, eos_id=1, unk_id=0)
    sentencepiece_model(text.splitlines(), folder / "source.spm", spec["source_pieces"], **ids)
    sentencepiece_model(ENGLISH.splitlines(), folder / "target.spm", 200, **ids)
    pieces: list[str] = []
    for name in ("source.spm", "target.spm"):
        processor = spm.SentencePieceProcessor(model_file=str(folder / name))
        pieces += [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    learnt = list(dict.fromkeys(piece for piece in pieces if piece not in {"<unk>", "</s>", "<s>", "<pad>"}))
    fillers = [filler(i, i < spec["arabic_pieces"]) for i in range(spec["vocab_size"] - len(learnt) - 3)]
    ordered = ["<unk>", *learnt, *fillers]
    ordered.insert(spec["eos_id"], "</s>")
    vocab = {piece: i for i, piece in enumerate([*ordered, "<pad>"])}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                source_lang="ar", target_lang="en", separate_vocabs=False)
    sizes = {key: value for key, value in spec.items() if key not in {"source_pieces", "arabic_pieces", "eos_id"}}
    pad, eos = vocab["<pad>"], vocab["</s>"]
    config = MarianConfig(**sizes, pad_token_id=pad, eos_token_id=eos, decoder_start_token_id=pad,
                          forced_eos_token_id=eos, scale_embedding=True, activation_function="relu",
                          share_encoder_decoder_embeddings=True, static_position_embeddings=True)
    torch.manual_seed(0)
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.get_input_embeddings().weight[pad].zero_()
    model.generation_config.update(max_length=512, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(folder)
    _to_pytorch_bin(folder, model)
    tokenizer.save_pretrained(folder)
    return folder


def build_mt5(folder: Path, spec: dict, text: str) -> Path:
    """XLSum's shape: a 250,100-piece `spiece.model`, `pytorch_model.bin`, an untied `lm_head`, no
    `tokenizer.json`."""
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    sentencepiece_model(text.splitlines() + ENGLISH.splitlines(), folder / "spiece.model", spec["learnt_pieces"],
                        pad_to=spec["spiece_pieces"], arabic=spec["arabic_pieces"], pad_id=0, eos_id=1, unk_id=2,
                        bos_id=-1)
    tokenizer = T5Tokenizer.from_pretrained(folder, extra_ids=0)
    sizes = {key: value for key, value in spec.items()
             if key not in {"spiece_pieces", "learnt_pieces", "arabic_pieces"}}
    config = MT5Config(**sizes, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    torch.manual_seed(0)
    model = MT5ForConditionalGeneration(config).eval()
    # XLSum's `lm_head` is its own matrix; transformers 5 ties it to the embeddings at construction.
    model.lm_head.weight = torch.nn.Parameter(torch.randn_like(model.shared.weight) * 0.05)
    _to_pytorch_bin(folder, model)
    model.config.save_pretrained(folder)
    model.generation_config.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "tokenizer.json").unlink(missing_ok=True)
    return folder


def build_ner(folder: Path, spec: dict, text: str) -> Path:
    """CAMeLBERT NER's shape: a 30,000-entry WordPiece `vocab.txt`, `pytorch_model.bin`, ANERcorp labels."""
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    trainer = BertWordPieceTokenizer(clean_text=True, handle_chinese_chars=False, strip_accents=False,
                                     lowercase=False)
    trainer.train_from_iterator([line for line in text.splitlines() if line.strip()],
                                vocab_size=spec["learnt_pieces"], min_frequency=1, show_progress=False,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    vocab = sorted(trainer.get_vocab(), key=trainer.get_vocab().get)
    vocab += [f"[unused{i}]" for i in range(spec["vocab_size"] - len(vocab))]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False,
                                  tokenize_chinese_chars=False, model_max_length=512)
    sizes = {key: value for key, value in spec.items() if key not in {"learnt_pieces", "o_bias"}}
    config = BertConfig(**sizes, num_labels=len(NER_LABELS), id2label=dict(enumerate(NER_LABELS)),
                        label2id={label: i for i, label in enumerate(NER_LABELS)})
    torch.manual_seed(0)
    model = BertForTokenClassification(config).eval()
    # Random weights label almost every word piece an entity (95% of the seed's), and every entity's name is then
    # translated: 260 names an article where a real one has a few dozen. `o_bias` on the "O" label leaves about
    # 10% of the seed's pieces to entities, as in real news; the encoder's work, which is the entity stage's
    # time, does not depend on it.
    with torch.no_grad():
        model.classifier.bias[NER_LABELS.index("O")] += spec["o_bias"]
    _to_pytorch_bin(folder, model)
    model.config.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "tokenizer.json").unlink(missing_ok=True)
    return folder
