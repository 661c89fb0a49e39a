"""The interface every seq2seq engine offers: texts in, generated texts out, batch by batch."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Generation:
    """Decoding settings shared by every engine; `bad_words` are token-id sequences never to generate."""

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 1
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0
    bad_words: tuple[tuple[int, ...], ...] = ()


def checkpoint_generation(folder: Path) -> Generation:
    """The decoding settings the checkpoint itself ships: `generation_config.json`, over the legacy keys of
    `config.json` (where the XLSum summarizer keeps `length_penalty` 0.6, beams 4, `no_repeat_ngram_size` 2 and
    `max_length` 84). Both engines decode with these unless the caller overrides one.

    `max_length` counts the decoder's start token, so it allows `max_length - 1` new tokens, as in transformers.
    """
    found: dict = {}
    for name in ("config.json", "generation_config.json"):
        path = folder / name
        if path.is_file():
            found.update({key: value for key, value in json.loads(path.read_text(encoding="utf-8")).items()
                          if value is not None})
    defaults = Generation()
    return Generation(
        num_beams=int(found.get("num_beams", defaults.num_beams)),
        max_new_tokens=int(found["max_length"]) - 1 if "max_length" in found else defaults.max_new_tokens,
        min_new_tokens=max(1, int(found.get("min_length", 0)) - 1),
        no_repeat_ngram_size=int(found.get("no_repeat_ngram_size", 0)),
        length_penalty=float(found.get("length_penalty", 1.0)),
        bad_words=tuple(tuple(int(i) for i in ids) for ids in found.get("bad_words_ids") or ()),
    )


class Seq2Seq:
    """What every engine offers: `name`, `engine`, the input `window` in tokens, the checkpoint's own decoding
    settings (`defaults`), `count_tokens` and `generate`.

    Calls are serialised per model: fast tokenizers and generation are not safe to share across the threads
    Streamlit runs sessions on.
    """

    engine = ""

    def __init__(self, name: str, device: str, tokenizer, positions: int | None, defaults: Generation) -> None:
        self.name, self.device, self.tokenizer, self.defaults = name, device, tokenizer, defaults
        positions = positions or 512
        self.window = min(int(tokenizer.model_max_length or positions), positions, 512)
        self.lock = threading.Lock()

    def decode(self, ids: Sequence[int]) -> str:
        """Output token ids as text, whitespace normalised. Marian's tokenizer decodes with the SOURCE
        sentencepiece model by default when the vocabulary is shared (as in opus-mt-ar-en): ask for the target."""
        extra = {"use_source_tokenizer": False} if hasattr(self.tokenizer, "spm_target") else {}
        return " ".join(self.tokenizer.decode(ids, skip_special_tokens=True, **extra).split())

    def count_tokens(self, text: str) -> int:
        """Source tokens for `text`, end-of-sequence token included."""
        with self.lock:
            return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def generate(self, texts: Sequence[str], settings: Generation) -> list[str]:
        return [text for text, _ in self.generate_scored(texts, settings)]

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        """Best hypothesis for each text and its mean log-probability per output token (end token included)."""
        return [hypotheses[0] for hypotheses in self.generate_nbest(texts, settings, 1)]

    def generate_nbest(self, texts: Sequence[str], settings: Generation, count: int) -> list[list[tuple[str, float]]]:
        """The `count` best hypotheses of one beam search per text (at most `settings.num_beams`), best first, each
        with its mean log-probability per output token, end token included: the beam's own scores, whatever the
        length penalty that ranked them, so no second model call."""
        raise NotImplementedError


def mean_log_probability(score: float, tokens: int, length_penalty: float) -> float:
    """The mean log-probability per token of a hypothesis of `tokens` tokens whose beam score is its summed
    log-probability divided by `tokens ** length_penalty` (as both engines rank beams)."""
    tokens = max(tokens, 1)
    return score * tokens ** length_penalty / tokens
