"""What a checkpoint folder must hold to load, decided by the model type in its `config.json`, and whether it is
the kind of model a role needs. A Hub snapshot counts as complete, and a local folder as a model, only when no
file is missing.

| model type | tokenizer files (besides `config.json` and one weights format) |
|---|---|
| marian | `source.spm`, `target.spm`, `vocab.json`, `tokenizer_config.json` (MarianTokenizer reads only these) |
| mt5, t5 | `spiece.model` or `tokenizer.json`, and `tokenizer_config.json` (CTranslate2's converter reads it) |
| bert | `vocab.txt` with `tokenizer_config.json` (it says `do_lower_case: false`), or `tokenizer.json` alone |
| any other | one of `tokenizer.json`, `vocab.json`, `vocab.txt`, `spiece.model`, `sentencepiece.bpe.model` |
"""

from __future__ import annotations

import json
from pathlib import Path

# Weights formats in order of preference: (single file, shard index, shard pattern).
WEIGHTS = (("model.safetensors", "model.safetensors.index.json", "model-*-of-*.safetensors"),
           ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*-of-*.bin"))
WEIGHTS_WORDS = "model.safetensors or pytorch_model.bin"
# Each model type's tokenizer files, as alternatives: the first is the set its real repos hold.
_T5 = (("spiece.model", "tokenizer_config.json"), ("tokenizer.json", "tokenizer_config.json"))
TOKENIZER_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "marian": (("source.spm", "target.spm", "vocab.json", "tokenizer_config.json"),),
    "mt5": _T5,
    "t5": _T5,
    "bert": (("vocab.txt", "tokenizer_config.json"), ("tokenizer.json",)),
}
ANY_TOKENIZER = tuple((name,) for name in ("tokenizer.json", "vocab.json", "vocab.txt", "spiece.model",
                                           "sentencepiece.bpe.model"))
EXPECTED = {"translator": "a sequence-to-sequence (encoder-decoder) translation model such as MarianMT",
            "summarizer": "a sequence-to-sequence (encoder-decoder) summarization model such as mT5",
            "ner": "a token-classification model (…ForTokenClassification) whose config.json lists its labels "
                   "(id2label)"}


def read_config(folder: Path) -> dict:
    """A checkpoint's `config.json` as a dict (empty when it has none or it is not JSON)."""
    try:
        return json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def missing_files(folder: Path) -> list[str]:
    """The files `folder` needs but lacks; empty for a complete checkpoint. A link whose blob is gone (a Hub
    snapshot's) counts as missing. `["source.spm"]` for a Marian snapshot that lost its source vocabulary."""
    folder = Path(folder)
    config = read_config(folder)
    missing = [] if config else ["config.json"]
    missing += _missing_weights(folder)
    choices = TOKENIZER_FILES.get(config.get("model_type", ""), ANY_TOKENIZER)
    lacking = [[name for name in choice if not (folder / name).is_file()] for choice in choices]
    missing += min(lacking, key=len)  # the alternative closest to complete; the first on a tie
    broken = [path.name for path in sorted(folder.iterdir()) if path.is_symlink() and not path.exists()]
    return list(dict.fromkeys([*missing, *broken]))


def _missing_weights(folder: Path) -> list[str]:
    for single, index, _ in WEIGHTS:
        if (folder / single).is_file():
            return []
        if (folder / index).is_file():
            try:
                shards = set(json.loads((folder / index).read_text(encoding="utf-8"))["weight_map"].values())
            except (OSError, ValueError, KeyError, AttributeError):
                return [index]
            return sorted(shard for shard in shards if not (folder / shard).is_file())
    return [WEIGHTS_WORDS]


def kind_problem(role: str, config: dict) -> str:
    """Why the checkpoint with `config` cannot serve `role` ("translator", "summarizer", "ner"); empty when it can."""
    architectures = [str(name) for name in config.get("architectures") or []]
    found = f"a {config.get('model_type') or 'unknown'} model" + (f" ({architectures[0]})" if architectures else "")
    seq2seq = bool(config.get("is_encoder_decoder")) or any(
        name.endswith(("ForConditionalGeneration", "MTModel")) for name in architectures)
    if role != "ner":
        return "" if seq2seq else f"it is {found}, not {EXPECTED[role]}"
    if seq2seq or (architectures and not any(name.endswith("ForTokenClassification") for name in architectures)):
        return f"it is {found}, not {EXPECTED[role]}"
    if not config.get("id2label"):
        return f"it is a token classifier whose config.json names no labels (no id2label), not {EXPECTED[role]}"
    return ""
