"""A sequence-to-sequence model behind one small interface: texts in, generated texts out, batch by batch."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .loading import from_pretrained, load_once, resolve_device


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


class TransformersSeq2Seq(Seq2Seq):
    """transformers tokenizer + `model.generate`, fp32 on CPU or on the GPU."""

    engine = "transformers"

    def __init__(self, name: str, device: str) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.model = from_pretrained(AutoModelForSeq2SeqLM.from_pretrained, name).to(device).eval()
        super().__init__(name, device, from_pretrained(AutoTokenizer.from_pretrained, name),
                         getattr(self.model.config, "max_position_embeddings", None))

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        """Best hypothesis and its length-normalised log-probability for each text."""
        import torch

        with self.lock, torch.inference_mode():
            batch = self.tokenizer(list(texts), return_tensors="pt", padding=True, truncation=True,
                                   max_length=self.window).to(self.device)
            output = self.model.generate(
                **batch, num_beams=settings.num_beams, max_new_tokens=settings.max_new_tokens,
                min_new_tokens=settings.min_new_tokens, no_repeat_ngram_size=settings.no_repeat_ngram_size,
                length_penalty=settings.length_penalty, do_sample=False, output_scores=True,
                return_dict_in_generate=True,
            )
            texts = self.tokenizer.batch_decode(output.sequences, skip_special_tokens=True)
            if getattr(output, "sequences_scores", None) is not None:
                scores = output.sequences_scores.tolist()
            else:  # greedy search: mean log-probability of the chosen tokens
                steps = torch.stack(output.scores, 1).log_softmax(-1)
                chosen = steps.gather(-1, output.sequences[:, -steps.shape[1]:, None])[..., 0]
                scores = chosen.mean(-1).tolist()
            return [(" ".join(text.split()), float(score)) for text, score in zip(texts, scores)]


def resolve_engine(setting: str, device: str) -> str:
    """`auto` → CTranslate2 int8 on the CPU when the package is installed; transformers on a GPU."""
    if setting != "auto":
        return setting
    from . import ct2

    return "ctranslate2" if device == "cpu" and ct2.available() else "transformers"


def load_seq2seq(role: str, name: str, device_setting: str, engine_setting: str = "transformers",
                 on_progress: Callable[[str], None] | None = None):
    """The shared seq2seq model for `role` ("translator" or "summarizer"), loaded once per process."""
    device = resolve_device(device_setting)
    engine = resolve_engine(engine_setting, device)
    if engine == "ctranslate2":
        from .ct2 import CTranslate2Seq2Seq

        quantization = "int8" if device == "cpu" else "int8_float16"
        return load_once(role, name, (engine, device), lambda: CTranslate2Seq2Seq(
            name, device, quantization=quantization, on_progress=on_progress))
    return load_once(role, name, (engine, device), lambda: TransformersSeq2Seq(name, device))
