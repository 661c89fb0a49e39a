"""`models.token_classification` finds the mentions transformers' own token-classification pipeline finds
(windows with `stride`, a word labelled by its first piece, overlaps resolved), on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import pipeline

from arabic.text import strip_marks
from models.entities import EntityRecognizer
from models.token_classification import Mention, _resolve_overlaps, find_mentions
from tests.test_hardening import ODD_TEXTS

STRIDE = 16


def _texts(seed: str) -> list[str]:
    paragraphs = [strip_marks(p)[0] for p in seed.splitlines() if p.strip()]
    return paragraphs + [strip_marks(text)[0] for text in ODD_TEXTS.values()] + [" ".join(paragraphs)]


@pytest.mark.parametrize("window", [512, 40])
def test_mentions_are_the_pipelines_in_one_window_and_in_overlapping_ones(tiny_model_dirs: dict[str, Path],
                                                                         seed: str, window: int) -> None:
    folder = tiny_model_dirs["ner"]
    recognizer = EntityRecognizer(str(folder), "cpu", stride=STRIDE)
    tokenizer = recognizer.tokenizer
    tokenizer.model_max_length = window
    reference = pipeline("token-classification", model=str(folder), tokenizer=tokenizer,
                         aggregation_strategy="first", stride=STRIDE)
    texts = _texts(seed)
    ours = find_mentions(tokenizer, texts, recognizer.classifier.logits, recognizer.classifier.labels, window,
                         STRIDE)
    windows = max(len(tokenizer(t, truncation=True, max_length=window, stride=STRIDE,
                                return_overflowing_tokens=True)["input_ids"]) for t in texts)
    assert windows > 3 if window == 40 else windows == 1
    count = 0
    for text, mentions in zip(texts, ours):
        expected = reference(text)
        count += len(expected)
        assert [(m.start, m.end, m.label) for m in mentions] == \
            [(int(m["start"]), int(m["end"]), m["entity_group"]) for m in expected]
        assert [m.score for m in mentions] == pytest.approx([float(m["score"]) for m in expected], abs=1e-4)
    assert count > 20  # the tiny model finds names: the comparison is not between empty lists


def test_overlapping_mentions_keep_the_longer_then_the_surer() -> None:
    mentions = [Mention(0, 5, "LOC", 0.9), Mention(2, 9, "LOC", 0.5), Mention(20, 24, "PERS", 0.6),
                Mention(20, 24, "ORG", 0.7), Mention(30, 33, "LOC", 0.8)]
    assert _resolve_overlaps(mentions) == [Mention(2, 9, "LOC", 0.5), Mention(20, 24, "ORG", 0.7),
                                           Mention(30, 33, "LOC", 0.8)]


@pytest.mark.parametrize("role", ["translator", "summarizer", "ner"])
def test_tokenizers_loaded_by_class_are_the_ones_autotokenizer_loads(tiny_model_dirs: dict[str, Path], seed: str,
                                                                     role: str) -> None:
    from transformers import AutoTokenizer

    from models.loading import load_tokenizer

    ours, auto = load_tokenizer(tiny_model_dirs[role]), AutoTokenizer.from_pretrained(str(tiny_model_dirs[role]))
    assert type(ours) is type(auto)
    lines = [line for line in seed.splitlines() if line.strip()]
    assert ours(lines)["input_ids"] == auto(lines)["input_ids"]
