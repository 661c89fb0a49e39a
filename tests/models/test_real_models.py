"""The three real models on the reference article: run only where they are in the Hugging Face cache.

On a connected machine: `python cli.py models download`, then `python -m pytest -m slow tests/models`.
"""

from __future__ import annotations

import pytest

from analysis.pipeline import analyze, load_models
from arabic.text import strip_marks
from core.settings import DEFAULT_NER, DEFAULT_SUMMARIZER, DEFAULT_TRANSLATOR, Settings
from models.hub import cached_snapshot

DEFAULTS = (DEFAULT_TRANSLATOR, DEFAULT_SUMMARIZER, DEFAULT_NER)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(any(cached_snapshot(name) is None for name in DEFAULTS),
                       reason="the real models are not in the Hugging Face cache (python cli.py models download)"),
]


@pytest.fixture(scope="module")
def seed_analysis(seed: str, tmp_path_factory: pytest.TempPathFactory):
    settings = Settings(db_path=str(tmp_path_factory.mktemp("real") / "history.sqlite3"))
    return analyze(seed, load_models(settings), settings)


def test_the_translation_names_the_countries_of_the_story(seed_analysis) -> None:
    english = " ".join(sentence.translation for sentence in seed_analysis.sentences)
    for country in ("Kazakhstan", "Qatar", "Turkey"):
        assert country in english


def test_the_summary_is_arabic_and_not_empty(seed_analysis) -> None:
    summary = seed_analysis.summary.ar
    letters = [char for char in summary if char.isalpha()]
    assert letters and sum("\u0600" <= char <= "\u06ff" for char in letters) / len(letters) > 0.8


def test_kazakhstan_is_found_as_a_place(seed_analysis) -> None:
    places = {strip_marks(entity.text)[0] for entity in seed_analysis.entities if entity.label == "LOC"}
    assert any("كازاخستان" in place for place in places)
