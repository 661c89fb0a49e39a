"""Specifications for `arabic.text`: one definition of an Arabic letter, one normaliser, the proclitic rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arabic.search import fold as search_fold
from arabic.text import (
    IGNORABLE,
    fold,
    has_words,
    is_arabic_letter,
    known_names,
    search_form,
    strip_marks,
    unambiguous_split,
)


@pytest.mark.parametrize(("char", "expected"), [
    ("ب", True), ("ة", True), ("ک", True), ("ڕ", True), ("ﻻ", True),
    ("ـ", False), ("\u064e", False), ("٣", False), ("،", False), ("\u200f", False), ("b", False),
])
def test_an_arabic_letter_is_a_letter_of_the_arabic_script_and_nothing_else(char: str, expected: bool) -> None:
    assert is_arabic_letter(char) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("***", False), ("\u200f\u200e", False), ("— • —", False), ("1.", True), ("٣", True), ("قال", True),
])
def test_a_line_has_words_when_it_has_a_letter_or_a_digit(text: str, expected: bool) -> None:
    assert has_words(text) is expected


@pytest.mark.parametrize(("written", "folded"), [
    ("أحمد", "احمد"), ("إيران", "ايران"), ("آمنة", "امنه"), ("مصطفى", "مصطفي"), ("کرکوک", "كركوك"),
    ("ایران", "ايران"), ("العربيَّة", "العربيه"), ("كازاخـــستان", "كازاخستان"), ("\u200fدبي\u202c", "دبي"),
    ("لؤي", "لؤي"), ("رئيس", "رئيس"),
])
def test_fold_unifies_interchangeable_spellings_and_keeps_hamza_seats(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_grouping_and_history_search_fold_alike() -> None:
    for word in ("کرکوک", "مسؤول", "رئيس", "إسرائيلُ", "ایران", "جدة"):
        assert search_fold(word) == search_form(word) == fold(word)


@given(st.text(alphabet="ابتةىيکیأإآؤئ\u064b\u064e\u0651\u0640\u200f\u202a\u202c ", max_size=40))
def test_fold_keeps_every_letter_and_only_letters(text: str) -> None:
    folded = fold(text)
    assert len(folded) == sum(is_arabic_letter(char) or char == " " for char in text)
    assert fold(folded) == folded


@pytest.mark.parametrize(("word", "expected"), [
    ("للأمم", (2, "ال")), ("والعراق", (3, "ال")), ("بالاتحاد", (3, "ال")), ("وأنقرة", (1, "")),
    ("لإثيوبيا", (1, "")), ("وليد", (0, "")), ("بكين", (0, "")), ("كوفي", (0, "")), ("والد", (0, "")),
])
def test_unambiguous_proclitics_need_no_other_evidence(word: str, expected: tuple[int, str]) -> None:
    assert unambiguous_split(word) == expected


def test_shipped_names_are_folded_and_hold_countries_cities_and_given_names() -> None:
    assert {"ليبيا", "الولايات المتحده", "بكين", "وجده", "بعقوبه", "وليد", "بسام"} <= known_names()


@given(st.text(alphabet="بتعُمان\u064b\u0651\u0640\u200f\u202a\u202c .", max_size=40), st.data())
def test_stripped_model_input_maps_every_span_back_onto_the_article(text: str, data: st.DataObject) -> None:
    stripped, offsets = strip_marks(text)
    assert not IGNORABLE.search(stripped)
    assert len(offsets) == len(stripped) + 1 and offsets[-1] == len(text)
    if stripped:
        i = data.draw(st.integers(0, len(stripped) - 1))
        j = data.draw(st.integers(i + 1, len(stripped)))
        span = text[offsets[i] : offsets[j - 1] + 1]
        assert IGNORABLE.sub("", span) == stripped[i:j]


def test_the_folding_fingerprint_changes_when_one_letter_folds_differently(monkeypatch) -> None:
    from arabic import search

    original, before = search.search_form, search.folding()
    search.folding.cache_clear()
    monkeypatch.setattr(search, "search_form", lambda text: original(text.replace("q", "k")))
    try:
        assert search.folding() != before
    finally:
        search.folding.cache_clear()
