"""The interface every seq2seq engine offers: texts in, generated texts out, batch by batch."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Generation:
    """Decoding settings shared by every engine."""

    num_beams: int = 4
    max_new_tokens: int = 256
    min_new_tokens: int = 1
    no_repeat_ngram_size: int = 0
    length_penalty: float = 1.0


class Seq2Seq:
    """What every engine offers: `name`, `engine`, the input `window` in tokens, `count_tokens` and `generate`.

    Calls are serialised per model: fast tokenizers and generation are not safe to share across the threads
    Streamlit runs sessions on.
    """

    engine = ""

    def __init__(self, name: str, device: str, tokenizer, positions: int | None) -> None:
        self.name, self.device, self.tokenizer = name, device, tokenizer
        positions = positions or 512
        self.window = min(int(tokenizer.model_max_length or positions), positions, 512)
        self.lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """Source tokens for `text`, end-of-sequence token included."""
        with self.lock:
            return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def generate(self, texts: Sequence[str], settings: Generation) -> list[str]:
        return [text for text, _ in self.generate_scored(texts, settings)]

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        """Best hypothesis and its length-normalised log-probability for each text."""
        raise NotImplementedError
