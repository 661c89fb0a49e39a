"""Build tiny Marian, mT5 and BERT-NER models in the real Hub repos' file layout, in a few seconds on CPU.

The tests (and `python -m tests.tiny_models DIR` for a manual run of the app) load them through the same
production code path as `Helsinki-NLP/opus-mt-ar-en`, `csebuetnlp/mT5_multilingual_XLSum` and
`CAMeL-Lab/bert-base-arabic-camelbert-msa-ner`. Weights are briefly trained so outputs are plausible tokens,
not so that they are good: the tests check behaviour, never wording.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import sentencepiece as spm
import torch

from tests.seed import seed_text

ENGLISH = (
    "The Turkish foreign minister discussed Afghanistan and Kazakhstan with his Qatari counterpart.\n"
    "The ministers reviewed the latest developments in Afghanistan and Kazakhstan, Anadolu said.\n"
    "The president of Kazakhstan declared victory after deadly clashes with protesters.\n"
    "Turkey expressed solidarity with Kazakhstan after Russia sent troops.\n"
    "Ankara wants a role in such crises.\n"
    "The minister hoped for stability and peace in Kazakhstan.\n"
    "The Organization of Turkic States will meet on Tuesday.\n"
    "Russian forces are protecting strategic sites.\n"
)

# Gazetteer for the tiny NER model's training labels (ANERcorp types), matched word by word in the seed story.
GAZETTEER = {
    "PERS": ["مولود جاويش أوغلو", "جاويش أوغلو", "محمد بن عبدالرحمن آل ثاني", "قاسم جومارت توكاييف",
             "توكاييف", "رجب طيب أردوغان"],
    "LOC": ["أفغانستان", "وكازاخستان", "كازاخستان", "بكازاخستان", "تركيا", "وتركيا", "روسيا", "انقرة",
            "أذربيجان", "وقرغيزستان", "وأوزبكستان"],
    "ORG": ["وكالة الأناضول", "منظمة معاهدة الأمن الجماعي", "منظمة الدول التركية", "ومنظمة الدول التركية",
            "وزارة الصحة", "المجلس التركي"],
}
# In the order of camelbert-msa-ner's `id2label`: `O` is the last label, not the first.
NER_LABELS = ["B-LOC", "B-MISC", "B-ORG", "B-PERS", "I-LOC", "I-MISC", "I-ORG", "I-PERS", "O"]
# The decoding settings XLSum's config.json holds (its repo has no generation_config.json).
XLSUM_GENERATION = {"num_beams": 4, "max_length": 84, "no_repeat_ngram_size": 2, "length_penalty": 0.6}


def _train_spm(lines: list[str], prefix: Path, size: int, seed: int, **ids: int) -> Path:
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=str(prefix), vocab_size=size, hard_vocab_limit=False,
        character_coverage=1.0, minloglevel=2, num_threads=1, **ids,
    )
    return prefix.with_suffix(".model")


def build_marian(folder: Path, text: str, seed: int = 0) -> Path:
    """A Marian model with `source.spm`, `target.spm` and a shared `vocab.json`, like opus-mt-ar-en."""
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    ids = dict(pad_id=-1, bos_id=-1, eos_id=1, unk_id=0)
    shutil.copy(_train_spm(text.splitlines(), work / "src", 400, seed, **ids), folder / "source.spm")
    shutil.copy(_train_spm(ENGLISH.splitlines(), work / "tgt", 200, seed, **ids), folder / "target.spm")
    # As in opus-mt: `</s>` 0, `<unk>` 1, the pieces of both languages, and `<pad>` last.
    vocab = {"</s>": 0, "<unk>": 1}
    for name in ("source.spm", "target.spm"):
        processor = spm.SentencePieceProcessor(model_file=str(folder / name))
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
    vocab["<pad>"] = pad = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(work)
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                source_lang="ar", target_lang="en")
    config = MarianConfig(
        vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=512,
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        scale_embedding=True, activation_function="swish",
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    sources = [line for line in text.splitlines() if line.strip()]
    targets = ENGLISH.splitlines()
    pairs = [(src, targets[i % len(targets)]) for i, src in enumerate(sources)]
    # 150 steps: enough that the translation is mostly English pieces. No test may rely on how these weights
    # came out (another CPU trains others: `build_all(root, seed)` imitates one).
    _fit(model, tokenizer, pairs, steps=150)
    with torch.no_grad():  # as in opus-mt: the decoder starts from `<pad>`, whose embedding is all zeros
        model.get_input_embeddings().weight[pad].zero_()
        # opus-mt's output bias is trained, not zero: an engine that drops it changes the translations
        model.final_logits_bias.copy_(torch.randn_like(model.final_logits_bias) * 0.1)
    model.generation_config.update(max_length=512, num_beams=4, bad_words_ids=[[pad]])
    model.save_pretrained(folder)
    _to_pytorch_bin(folder, model)
    tokenizer.save_pretrained(folder)
    _keep_only(folder / "tokenizer_config.json", {"source_lang", "target_lang"})
    return folder


def build_mt5(folder: Path, text: str, seed: int = 0) -> Path:
    """An mT5 model with `spiece.model`, `pytorch_model.bin` and no `tokenizer.json`, like the XLSum repo."""
    from transformers import MT5Config, MT5ForConditionalGeneration, T5Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp())
    lines = text.splitlines() + ENGLISH.splitlines()
    model_file = _train_spm(lines, work / "spiece", 500, seed, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    shutil.copy(model_file, folder / "spiece.model")
    shutil.rmtree(work)
    tokenizer = T5Tokenizer.from_pretrained(folder, extra_ids=0)
    config = MT5Config(
        vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_decoder_layers=1, num_heads=2,
        relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
    )
    torch.manual_seed(seed)
    model = MT5ForConditionalGeneration(config)
    # XLSum's `lm_head` is its own matrix; transformers 5 ties it to the embeddings at construction.
    model.lm_head.weight = torch.nn.Parameter(model.shared.weight.detach().clone())
    paragraphs = [line for line in text.splitlines() if line.strip()]
    # 100 steps: enough that the summary is mostly Arabic pieces of the article.
    _fit(model, tokenizer, [(" ".join(paragraphs[i:i + 3]), paragraphs[i].split("،")[0]) for i in range(0, 9, 3)],
         steps=100)
    model.save_pretrained(folder)
    _to_pytorch_bin(folder, model)
    tokenizer.save_pretrained(folder)
    (folder / "tokenizer.json").unlink(missing_ok=True)
    # As in the XLSum repo: no generation_config.json; its decoding settings sit in config.json.
    (folder / "generation_config.json").unlink(missing_ok=True)
    config_file = folder / "config.json"
    saved = json.loads(config_file.read_text(encoding="utf-8"))
    saved.update(XLSUM_GENERATION)
    config_file.write_text(json.dumps(saved, indent=2), encoding="utf-8")
    return folder


def build_ner(folder: Path, text: str, seed: int = 0) -> Path:
    """A BERT token classifier with a WordPiece `vocab.txt` and ANERcorp labels, trained on the seed story."""
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    words = sorted(set(re.findall(r"\w+|[^\w\s]", text)))
    chars = sorted(set("".join(words)))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = list(dict.fromkeys(specials + chars + ["##" + c for c in chars] + words))
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False,
                                  tokenize_chinese_chars=False, model_max_length=512)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128,
        max_position_embeddings=512, num_labels=len(NER_LABELS), hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        id2label=dict(enumerate(NER_LABELS)), label2id={label: i for i, label in enumerate(NER_LABELS)},
    )
    torch.manual_seed(seed)
    model = BertForTokenClassification(config)
    _fit_ner(model, tokenizer, [line for line in text.splitlines() if line.strip()])
    model.save_pretrained(folder)
    _to_pytorch_bin(folder, model)
    tokenizer.save_pretrained(folder)
    (folder / "tokenizer.json").unlink(missing_ok=True)
    _keep_only(folder / "tokenizer_config.json", {"do_lower_case"})
    return folder


def word_labels(words: list[str]) -> list[str]:
    """BIO labels for whitespace words from the gazetteer, longest names first."""
    labels = ["O"] * len(words)
    names = sorted(((name.split(), kind) for kind, group in GAZETTEER.items() for name in group),
                   key=lambda item: -len(item[0]))
    for parts, kind in names:
        for i in range(len(words) - len(parts) + 1):
            if [w.strip('".،,') for w in words[i:i + len(parts)]] == parts and labels[i] == "O":
                labels[i:i + len(parts)] = [f"B-{kind}"] + [f"I-{kind}"] * (len(parts) - 1)
    return labels


def _fit_ner(model: torch.nn.Module, tokenizer, lines: list[str], steps: int = 300) -> None:
    label_ids = model.config.label2id
    split = [line.split() for line in lines]
    encoded = tokenizer(split, is_split_into_words=True, truncation=True, max_length=256, padding=True,
                        return_tensors="pt")
    targets = []
    for row, words in enumerate(split):
        labels, previous, row_targets = word_labels(words), None, []
        for word_id in encoded.word_ids(row):
            first = word_id is not None and word_id != previous
            row_targets.append(label_ids[labels[word_id]] if first else -100)
            previous = word_id
        targets.append(row_targets)
    labels = torch.tensor(targets)
    _optimise(model, lambda: model(**encoded, labels=labels).loss, steps, lr=2e-3)


def _fit(model: torch.nn.Module, tokenizer, pairs: list[tuple[str, str]], steps: int) -> None:
    """A few full-batch optimiser steps so generation emits target-language pieces instead of noise."""
    sources, targets = zip(*pairs)
    batch = tokenizer(list(sources), text_target=list(targets), truncation=True, max_length=256, padding=True,
                      return_tensors="pt")
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    _optimise(model, lambda: model(**batch).loss, steps)


def _optimise(model: torch.nn.Module, loss_fn, steps: int, lr: float = 1e-2) -> None:
    """Full-batch Adam steps on one thread: a thread count changes the order of float sums, hence the weights."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model.train()
        for _ in range(steps):
            loss_fn().backward()
            optimizer.step()
            optimizer.zero_grad()
        model.eval()
    finally:
        torch.set_num_threads(threads)


def _to_pytorch_bin(folder: Path, model: torch.nn.Module) -> None:
    """Replace `model.safetensors` with `pytorch_model.bin`, the format of the older Hub repos."""
    (folder / "model.safetensors").unlink(missing_ok=True)
    torch.save(model.state_dict(), folder / "pytorch_model.bin")


def _keep_only(path: Path, keys: set[str]) -> None:
    """Trim a saved tokenizer config to the keys the real repo's file holds (e.g. no `model_max_length`)."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({key: value for key, value in saved.items() if key in keys}, indent=2),
                    encoding="utf-8")


def build_all(root: Path, seed: int = 0) -> dict[str, Path]:
    """Build the three tiny models under `root`; returns the folders keyed by role.

    Another `seed` trains other weights, as another CPU would: the tests must pass on those too.
    """
    text = seed_text()
    return {
        "translator": build_marian(root / "marian", text, seed),
        "summarizer": build_mt5(root / "mt5", text, seed),
        "ner": build_ner(root / "ner", text, seed),
    }


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "tiny-models")
    for role, path in build_all(folder, int(sys.argv[2]) if len(sys.argv) > 2 else 0).items():
        print(f"{role}: {path}")
