"""Named entities with a token-classification model, offsets mapped back onto the original article.

CAMeLBERT was pretrained on text with diacritics and tatweel removed, so the model reads each paragraph
stripped of them (`arabic.text.strip_marks`) and every mention is mapped back onto the original text.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence

from arabic.grouping import map_label
from arabic.text import strip_marks
from core.types import Entity
from models.loading import load_once, model_folder, resolve_device


class EntityRecognizer:
    """transformers' token-classification pipeline, run paragraph by paragraph.

    A paragraph longer than the model's window is read in overlapping windows (the pipeline's `stride`), so a
    name across a window boundary is found once, neither lost nor doubled.
    """

    def __init__(self, name: str, device: str, stride: int = 64) -> None:
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

        self.name = name
        folder = str(model_folder("ner", name))
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForTokenClassification.from_pretrained(folder)
        self.window = min(int(tokenizer.model_max_length or 512), model.config.max_position_embeddings, 512)
        tokenizer.model_max_length = self.window
        self.pipeline = pipeline("token-classification", model=model, tokenizer=tokenizer, device=device,
                                 aggregation_strategy="first", stride=stride)
        self.lock = threading.Lock()

    def find(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        """Entities in `text[start:end]` for each span (paragraphs), with offsets into `text`."""
        stripped = [(start, *strip_marks(text[start:end])) for start, end in spans]
        stripped = [(offset, plain, origin) for offset, plain, origin in stripped if plain.strip()]
        with self.lock:
            found = self.pipeline([plain for _, plain, _ in stripped]) if stripped else []
        entities = []
        for (offset, _, origin), mentions in zip(stripped, found):
            for mention in mentions:
                start, end = offset + origin[int(mention["start"])], offset + origin[int(mention["end"])]
                entity = _entity(text, start, end, mention["entity_group"], float(mention["score"]))
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


def load_recognizer(name: str, device_setting: str) -> EntityRecognizer:
    device = resolve_device(device_setting)
    return load_once("ner", name, (device,), lambda: EntityRecognizer(name, device))
