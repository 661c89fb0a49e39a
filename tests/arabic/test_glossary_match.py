"""Where glossary terms occur in Arabic text: grouping's folding and proclitic rules, whole words, longest first."""

from __future__ import annotations

from pathlib import Path

import pytest

from arabic.glossary_match import find_terms, term_key

SEED = Path("/work/shared/samples/seed.txt")


def found(text: str, terms: list[str]) -> list[tuple[str, str]]:
    """Each match as (the text it covers, the term it is)."""
    return [(text[match.start : match.end], terms[match.term]) for match in find_terms(text, terms)]


def test_a_term_is_found_through_a_conjunction_and_a_preposition() -> None:
    assert found("زار الوزير وبأنقرة مقر الحكومة", ["أنقرة"]) == [("وبأنقرة", "أنقرة")]


@pytest.mark.parametrize("written", ["لتركيا", "وتركيا", "بتركيا", "ولتركيا"])
def test_proclitics_that_stand_before_names_are_read_off(written: str) -> None:
    assert found(f"قال {written} اليوم", ["تركيا"]) == [(written, "تركيا")]


def test_li_and_the_article_written_lil_restore_the_article() -> None:
    assert found("نقل للعراق وللأمم المتحدة", ["العراق", "الأمم المتحدة"]) == [
        ("للعراق", "العراق"), ("وللأمم المتحدة", "الأمم المتحدة")]


def test_the_article_belongs_to_the_term() -> None:
    assert found("عراق جديد", ["العراق"]) == []
    assert found("العراق الجديد", ["عراق"]) == []


@pytest.mark.parametrize(("term", "written"), [
    ("أنقرة", "انقرة"),       # hamza on alef
    ("أنقرة", "أنقره"),       # ta marbuta written ha
    ("إسطنبول", "اسطنبول"),
    ("موسى", "موسي"),         # alef maqsura written ya
    ("أنقرة", "أنقَرة"),       # a haraka
    ("أنقرة", "أنـقـرة"),      # tatweel
])
def test_spelling_variants_diacritics_and_tatweel_are_ignored(term: str, written: str) -> None:
    assert found(f"وصل إلى {written} أمس", [term]) == [(written, term)]


def test_hamza_seats_on_waw_and_ya_stay_apart() -> None:
    assert found("زار لوي المدينة", ["لؤي"]) == []


def test_a_term_inside_a_longer_word_is_not_found() -> None:
    assert found("افتتح مصرف جديد والمصري بمصر", ["مصر"]) == [("بمصر", "مصر")]


def test_fa_or_ka_alone_is_not_read_as_a_clitic_before_a_term() -> None:
    """`فعلي` is "actual", not `ف` + `علي`, as grouping reads `كلاوس` whole."""
    assert found("بشكل فعلي وقال علي", ["علي"]) == [("علي", "علي")]


@pytest.mark.parametrize(("written", "term"), [("فأنقرة", "أنقرة"), ("ببرشلونة", "برشلونة")])
def test_an_unambiguous_clitic_is_read_off_even_when_it_is_fa_or_ka(written: str, term: str) -> None:
    """No name starts with a hamza alef after `ف`, or with a doubled `ب`: grouping's unambiguous clitics."""
    assert found(f"قال {written} اليوم", [term]) == [(written, term)]


def test_no_clitic_is_read_after_a_preposition() -> None:
    assert found("في ولبنان", ["لبنان"]) == []


def test_a_multi_word_term_spans_its_words_and_no_punctuation() -> None:
    text = "أعلن قاسم جومارت توكاييف، ثم قال قاسم، جومارت وآل-ثاني"
    assert found(text, ["قاسم جومارت توكاييف", "قاسم جومارت", "آل ثاني"]) == [
        ("قاسم جومارت توكاييف", "قاسم جومارت توكاييف"), ("وآل-ثاني", "آل ثاني")]


def test_the_longest_term_wins_where_two_overlap() -> None:
    terms = ["منظمة معاهدة", "معاهدة الأمن الجماعي", "منظمة معاهدة الأمن الجماعي", "الأمن"]
    assert found("ضمن منظمة معاهدة الأمن الجماعي", terms) == [
        ("منظمة معاهدة الأمن الجماعي", "منظمة معاهدة الأمن الجماعي")]
    assert found("منظمة معاهدة الأمن الجماعي", terms[:2]) == [
        ("معاهدة الأمن الجماعي", "معاهدة الأمن الجماعي")]


def test_offsets_index_the_text_exactly_in_the_seed_article() -> None:
    text = SEED.read_text(encoding="utf-8")
    terms = ["تركيا", "أنقرة", "منظمة معاهدة الأمن الجماعي", "قاسم جومارت توكاييف", "كازاخستان"]
    matches = find_terms(text, terms)
    assert {terms[match.term] for match in matches} == set(terms)
    assert [match.start for match in matches] == sorted(match.start for match in matches)
    for match in matches:
        assert term_key(terms[match.term]) in term_key(text[match.start : match.end])
    assert ("انقرة", "أنقرة") in found(text, terms)


def test_term_key_folds_spelling() -> None:
    assert term_key("أنقَرة ") == term_key("انقره") == "انقره"
    assert term_key("منظمة  الدول") == "منظمه الدول"
