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

    def __init__(self, name: str, device: str, stride: int = 64, quantization: str | None = None) -> None:
        from transformers import AutoTokenizer, pipeline

        self.name, self.quantization = name, quantization
        folder = str(model_folder("ner", name))
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = token_classifier(name, folder, device, quantization)
        self.window = min(int(tokenizer.model_max_length or 512), model.config.max_position_embeddings, 512)
        tokenizer.model_max_length = self.window
        self.pipeline = pipeline("token-classification", model=model, tokenizer=tokenizer, device=device,
                                 aggregation_strategy="first", stride=stride,
                                 pipeline_class=getattr(model, "pipeline_class", None))
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


def token_classifier(name: str, folder: str, device: str, quantization: str | None = None):
    """transformers' fp32 model from `folder`, or with `quantization` the encoder on CTranslate2 (see
    `models.ner_int8`)."""
    if quantization:
        from models.ner_int8 import EncoderClassifier

        return EncoderClassifier(name, device, quantization)
    from transformers import AutoModelForTokenClassification

    return AutoModelForTokenClassification.from_pretrained(folder)


def load_recognizer(name: str, device_setting: str, engine_setting: str = "transformers") -> EntityRecognizer:
    """The shared recognizer, loaded once per process: int8 on CTranslate2 where the seq2seq models use it."""
    from models.seq2seq import resolve_engine

    device = resolve_device(device_setting)
    quantization = "int8" if resolve_engine(engine_setting, device) == "ctranslate2" and device == "cpu" else None
    return load_once("ner", name, (device, quantization),
                     lambda: EntityRecognizer(name, device, quantization=quantization))
