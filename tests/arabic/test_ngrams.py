"""Specifications for `arabic.ngrams` and its training script: the profile written is the profile read."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from arabic.ngrams import PROFILE, ngrams, profile, read_profile, words_of
from eval.train_language import ngram_shares, profile_rows


def test_words_are_read_without_marks_tatweel_or_stretched_letters() -> None:
    assert words_of("قَالَ الوزيــــر: ههههههه OK 2024") == ["قال", "الوزير", "هه"]


def test_ngrams_mark_the_first_and_last_letters_of_a_word() -> None:
    grams = list(ngrams("باب"))
    assert grams[:3] == ["ب", "ا", "ب"]
    assert " با" in grams and "اب " in grams and " باب" in grams and "باب " in grams
    assert " " not in grams


@pytest.fixture()
def tiny_profile(tmp_path: Path):
    """A profile trained on two made-up word lists, one per language, written and read back."""
    shares = {
        "ar": ngram_shares([{"كتاب": 5.0, "الكتاب": 3.0, "مدرسة": 2.0}]),
        "fa": ngram_shares([{"کتاب": 5.0, "کتابها": 3.0, "مدرسه": 2.0}]),
    }
    path = tmp_path / "profile.tsv"
    path.write_text("\n".join(profile_rows(shares)) + "\n", encoding="utf-8")
    return read_profile(path)


def test_a_trained_profile_tells_its_languages_apart(tiny_profile) -> None:
    arabic = tiny_profile.scores(["الكتاب", "مدرسة"])
    persian = tiny_profile.scores(["کتابها", "مدرسه"])
    assert arabic["ar"] > arabic["fa"]
    assert persian["fa"] > persian["ar"]


def test_an_ngram_a_language_lacks_gets_half_its_rarest_kept_one(tiny_profile) -> None:
    ar = tiny_profile.languages.index("ar")
    rarest = min(tiny_profile.table[letter][ar] for letter in set("كتابالكتابمدرسة"))
    assert tiny_profile.table["ک"][ar] == pytest.approx(rarest + math.log(0.5))
    assert tiny_profile.table["ك"][ar] > tiny_profile.table["ك"][tiny_profile.languages.index("fa")]


def test_scoring_a_long_text_reads_a_bounded_sample_and_is_repeatable() -> None:
    words = words_of("قال الوزير إن الاجتماع كان مثمرا. " * 5000)
    first, second = profile().scores(words), profile().scores(words)
    assert first == second
    assert max(first, key=first.__getitem__) == "ar"


def test_the_shipped_profile_holds_the_four_languages_and_stays_small() -> None:
    shipped = profile()
    assert set(shipped.languages) == {"ar", "fa", "ur", "ps"}
    assert Counter(len(gram) for gram in shipped.table)[1] >= 40
    assert PROFILE.stat().st_size < 2_000_000
