"""Named entities with a token-classification model, offsets mapped back onto the original article.

CAMeLBERT was pretrained on text with diacritics and tatweel removed, so the model reads each paragraph
stripped of them (`arabic.text.strip_marks`) and every mention is mapped back onto the original text.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from arabic.grouping import map_label
from arabic.text import strip_marks
from core.types import Entity
from models.loading import load_once, load_tokenizer, model_folder, resolve_device, torch_runtime
from models.token_classification import find_mentions


class EntityRecognizer:
    """A token classifier run paragraph by paragraph (`models.token_classification`).

    A paragraph longer than the model's window is read in overlapping windows (`stride` tokens), so a name across
    a window boundary is found once, neither lost nor doubled.
    """

    def __init__(self, name: str, device: str, stride: int = 64, quantization: str | None = None) -> None:
        self.name, self.quantization, self.stride = name, quantization, stride
        folder = model_folder("ner", name)
        self.tokenizer = load_tokenizer(folder)
        self.classifier = token_classifier(name, folder, device, quantization)
        self.window = min(int(self.tokenizer.model_max_length or 512), self.classifier.positions, 512)
        self.tokenizer.model_max_length = self.window
        self.lock = threading.Lock()

    def find(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        """Entities in `text[start:end]` for each span (paragraphs), with offsets into `text`."""
        stripped = [(start, *strip_marks(text[start:end])) for start, end in spans]
        stripped = [(offset, plain, origin) for offset, plain, origin in stripped if plain.strip()]
        with self.lock:
            found = find_mentions(self.tokenizer, [plain for _, plain, _ in stripped], self.classifier.logits,
                                  self.classifier.labels, self.window, self.stride)
        entities = []
        for (offset, _, origin), mentions in zip(stripped, found):
            for mention in mentions:
                start, end = offset + origin[mention.start], offset + origin[mention.end]
                entity = _entity(text, start, end, mention.label, mention.score)
                if entity is not None:
                    entities.append(entity)
        return entities


def _entity(text: str, start: int, end: int, raw_label: str, score: float) -> Entity | None:
    """Trim whitespace and edge punctuation from a mention; drop it when no letter is left."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or _is_mark(text[end - 1])):
        end -= 1
    if not any(char.isalpha() for char in text[start:end]):
        return None
    return Entity(start=start, end=end, label=map_label(raw_label), text=text[start:end], score=round(score, 4))


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) == "Mn"


def token_classifier(name: str, folder: Path, device: str, quantization: str | None = None):
    """transformers' fp32 model from `folder`, or with `quantization` the encoder on CTranslate2 (see
    `models.ner_int8`)."""
    if quantization:
        from models.ner_int8 import Int8TokenClassifier

        return Int8TokenClassifier(name, device, quantization)
    return TorchTokenClassifier(folder, device)


class TorchTokenClassifier:
    """transformers' token-classification model in float32: label scores for windows of word pieces, one window
    per call as in transformers' pipeline."""

    def __init__(self, folder: Path, device: str) -> None:
        torch_runtime()
        from transformers import AutoModelForTokenClassification

        self.model = AutoModelForTokenClassification.from_pretrained(str(folder)).to(device).eval()
        self.labels = {int(index): label for index, label in self.model.config.id2label.items()}
        self.positions = int(self.model.config.max_position_embeddings)

    def logits(self, rows: list[list[int]], types: list[list[int]]) -> list[np.ndarray]:
        """One (tokens × labels) array per window."""
        torch = torch_runtime()
        found = []
        with torch.inference_mode():
            for ids, kinds in zip(rows, types):
                inputs = {"input_ids": torch.tensor([ids], device=self.model.device),
                          "token_type_ids": torch.tensor([kinds], device=self.model.device)}
                found.append(self.model(**inputs).logits[0].float().cpu().numpy())
        return found


def load_recognizer(name: str, device_setting: str, engine_setting: str = "transformers") -> EntityRecognizer:
    """The shared recognizer, loaded once per process: int8 on CTranslate2 where the seq2seq models use it."""
    from models.seq2seq import resolve_engine

    device = resolve_device(device_setting)
    quantization = "int8" if resolve_engine(engine_setting, device) == "ctranslate2" and device == "cpu" else None
    return load_once("ner", name, (device, quantization),
                     lambda: EntityRecognizer(name, device, quantization=quantization))
