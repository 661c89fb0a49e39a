"""Specifications for `models.segment`: paragraphs, sentences and window-sized pieces of an article."""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arabic.segment import segment
from core.types import Sentence

SEED = Path("/work/shared/samples/seed.txt")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def run_on_text(seed_text: str) -> str:
    """3,000 words of the seed article with every punctuation mark removed: one endless sentence."""
    words = re.sub(r"[^\w\s]", "", seed_text).split()
    return " ".join(itertools.islice(itertools.cycle(words), 3000))


def count_words(text: str) -> int:
    return len(text.split())


def assert_segmentation(
    text: str, sentences: tuple[Sentence, ...], paragraphs: tuple[tuple[int, ...], ...]
) -> None:
    """The invariants every segmentation keeps, whatever the input."""
    for sentence in sentences:
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text and sentence.text == sentence.text.strip()
    for before, after in itertools.pairwise(sentences):
        assert before.end <= after.start
    covered = "".join(sentence.text for sentence in sentences)
    assert "".join(covered.split()) == "".join(text.split())
    assert [index for paragraph in paragraphs for index in paragraph] == list(
        range(len(sentences))
    )
    assert all(paragraphs)


def texts(text: str, **options: object) -> list[str]:
    sentences, paragraphs = segment(text, **options)
    assert_segmentation(text, sentences, paragraphs)
    return [sentence.text for sentence in sentences]


def test_seed_article_has_one_paragraph_per_non_blank_line(seed_text: str) -> None:
    sentences, paragraphs = segment(seed_text)
    assert_segmentation(seed_text, sentences, paragraphs)
    assert (
        len(paragraphs)
        == len([line for line in seed_text.splitlines() if line.strip()])
        == 13
    )


def test_seed_article_sentences_end_at_full_stops(seed_text: str) -> None:
    sentences, paragraphs = segment(seed_text)
    assert len(sentences) == 14
    assert paragraphs[-1] == (12, 13)
    assert sentences[12].text.endswith("أسعار الطاقة.")


@pytest.mark.parametrize("number", ["1991", "6000", "2200"])
def test_seed_article_numbers_stay_inside_one_sentence(
    seed_text: str, number: str
) -> None:
    assert any(f" {number} " in text for text in texts(seed_text))


@pytest.mark.parametrize("number", ["3.5", "2,200", "١٩٩١", "٣.٥", "10:30"])
def test_numbers_do_not_end_a_sentence(number: str) -> None:
    assert texts(f"ارتفع المؤشر {number} نقطة اليوم. وتراجع النفط.") == [
        f"ارتفع المؤشر {number} نقطة اليوم.",
        "وتراجع النفط.",
    ]


@pytest.mark.parametrize("mark", ["؟", "?", "!", "؛", "…", "...", "؟!"])
def test_sentence_punctuation_ends_a_sentence(mark: str) -> None:
    assert texts(f"هل انتهى الاجتماع{mark} قال الوزير ذلك.") == [
        f"هل انتهى الاجتماع{mark}",
        "قال الوزير ذلك.",
    ]


@pytest.mark.parametrize("mark", ["،", ":", ","])
def test_commas_and_colons_do_not_end_a_sentence(mark: str) -> None:
    text = f"قال الوزير{mark} في بيان رسمي{mark} إن الاجتماع انتهى."
    assert texts(text) == [text]


@pytest.mark.parametrize("closer", ['"', "»", "”", ")", "]"])
def test_closing_quote_stays_with_its_sentence(closer: str) -> None:
    assert texts(f"وقال: «نأمل ذلك.{closer} وغادر القاعة.") == [
        f"وقال: «نأمل ذلك.{closer}",
        "وغادر القاعة.",
    ]


def test_single_letter_abbreviation_does_not_end_a_sentence() -> None:
    assert texts("التقى د. محمد بالوفد عام 1991 م. ثم غادر.") == [
        "التقى د. محمد بالوفد عام 1991 م. ثم غادر."
    ]


def test_full_stop_directly_before_an_arabic_letter_ends_a_sentence() -> None:
    assert texts("انتهى الاجتماع.وبدأ المؤتمر.") == ["انتهى الاجتماع.", "وبدأ المؤتمر."]


def test_full_stop_inside_a_latin_word_does_not_end_a_sentence() -> None:
    assert texts("زار الموقع example.com أمس.") == ["زار الموقع example.com أمس."]


def test_punctuation_alone_does_not_make_a_sentence() -> None:
    assert texts("... وقال الوزير ذلك.") == ["... وقال الوزير ذلك."]


def test_windows_line_endings_and_blank_lines_separate_paragraphs() -> None:
    text = "انتهى الاجتماع.\r\n\r\n  \r\nوبدأ المؤتمر. ثم غادر.\r\n"
    sentences, paragraphs = segment(text)
    assert_segmentation(text, sentences, paragraphs)
    assert [sentence.text for sentence in sentences] == [
        "انتهى الاجتماع.",
        "وبدأ المؤتمر.",
        "ثم غادر.",
    ]
    assert paragraphs == ((0,), (1, 2))


@pytest.mark.parametrize("separator", ["\n", "\r", "\u2029"])
def test_every_line_break_starts_a_paragraph(separator: str) -> None:
    text = f"الفقرة الأولى بلا نقطة{separator}الفقرة الثانية"
    sentences, paragraphs = segment(text)
    assert [sentence.text for sentence in sentences] == [
        "الفقرة الأولى بلا نقطة",
        "الفقرة الثانية",
    ]
    assert paragraphs == ((0,), (1,))


@pytest.mark.parametrize("text", ["", "   ", "\r\n\n\u2029\t"])
def test_empty_or_blank_text_has_no_sentences(text: str) -> None:
    assert segment(text) == ((), ())


def test_zero_width_and_bidi_marks_stay_inside_sentences() -> None:
    text = "\u200fقال\u200c الوزير.\u200f وأضاف\u200b ذلك.\u202c"
    assert texts(text) == ["\u200fقال\u200c الوزير.\u200f", "وأضاف\u200b ذلك.\u202c"]


def test_tatweel_and_diacritics_are_kept() -> None:
    assert texts("قـــال الوزيرُ إنَّ الاجتماعَ انتهى. وغادر.") == [
        "قـــال الوزيرُ إنَّ الاجتماعَ انتهى.",
        "وغادر.",
    ]


def test_run_on_text_is_split_without_losing_characters(run_on_text: str) -> None:
    pieces = texts(run_on_text, limit=400)
    assert len(pieces) > 1
    assert all(len(piece) <= 400 for piece in pieces)


def test_run_on_text_is_packed_greedily_by_the_given_measure(run_on_text: str) -> None:
    pieces = texts(run_on_text, measure=count_words, limit=50)
    assert [count_words(piece) for piece in pieces] == [50] * 60


def test_long_sentence_is_cut_at_clause_boundaries_first() -> None:
    clause = "وقال الوزير إن الاجتماع كان مثمرا، "
    text = clause * 20 + "وانتهى."
    pieces = texts(text, limit=3 * len(clause))
    assert len(pieces) > 1
    assert all(piece.endswith("،") for piece in pieces[:-1])
    assert all(len(piece) <= 3 * len(clause) for piece in pieces)


def test_number_with_thousands_separator_is_not_a_clause_boundary() -> None:
    text = "قتل 2,200 شخص " * 10
    assert all("2," not in piece or "2,200" in piece for piece in texts(text, limit=20))


def test_single_giant_word_is_split_by_characters() -> None:
    word = "ب" * 1000
    assert texts(f"كلمة {word} طويلة.", limit=100) == [
        "كلمة",
        *[word[i : i + 100] for i in range(0, 1000, 100)],
        "طويلة.",
    ]


def test_split_by_characters_keeps_diacritics_with_their_letter() -> None:
    pieces = texts("بَ" * 300, limit=101)
    assert all(len(piece) <= 101 for piece in pieces)
    assert not any(unicodedata.combining(piece[0]) for piece in pieces)


def test_run_on_text_segments_quickly(run_on_text: str) -> None:
    started = time.perf_counter()
    segment(run_on_text, limit=400)
    segment(run_on_text, measure=count_words, limit=50)
    assert time.perf_counter() - started < 1.0


def test_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        segment("نص.", limit=0)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet='بت ث1٢.،,؛:؟!"»)\n\r\u2029\u200f\u064eـ', max_size=200),
    limit=st.integers(min_value=1, max_value=40),
)
def test_any_text_is_covered_and_every_piece_fits(text: str, limit: int) -> None:
    assert all(len(piece) <= limit for piece in texts(text, limit=limit))


# --- newswire cases (issue 10) ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ending", [
    "كان الاجتماع مثمرًا.",  # tanween before the final alef
    "تحدث بالعربيَّة.",  # shadda and fatha before the last letter
    "وصل الوفد صباحًا، وغادر مساءً.",  # tanween on a hamza
    "افتتح المبنى عام 2019م.",  # a year with its letter suffix
    "توفي سنة 1440هـ.",  # a hijri year with tatweel
    "عاد إلى بيروتَ.",  # a mark on the last letter
])
def test_a_stop_after_marks_or_a_year_suffix_ends_the_sentence(ending: str) -> None:
    assert texts(f"{ending} ثم بدأت الجلسة.") == [ending, "ثم بدأت الجلسة."]


@pytest.mark.parametrize("mark", ["\u202a", "\u202b", "\u200f", "\u2067"])
def test_bidi_marks_around_an_abbreviation_stop_do_not_split(mark: str) -> None:
    closing = "\u202c" if mark in "\u202a\u202b" else ("\u2069" if mark == "\u2067" else mark)
    text = f"استقبل الوزير د{mark}.{closing} سمير خليل في مكتبه."
    assert texts(text) == [text]


@pytest.mark.parametrize("acronym", ["«إي.إس.بي.إن»", "إيه.بي.سي", "«سي.إن.إن»", "بي.بي.سي", "«إتش.بي.أوروبا»"])
def test_dotted_acronyms_in_arabic_letters_stay_whole(acronym: str) -> None:
    text = f"ذكرت شبكة {acronym} أن المباراة انتهت. وغادر اللاعبون."
    assert texts(text) == [f"ذكرت شبكة {acronym} أن المباراة انتهت.", "وغادر اللاعبون."]


@pytest.mark.parametrize("number", ["1", "12", "٣", "(4)"])
def test_a_numbered_list_item_stays_with_its_text(number: str) -> None:
    text = f"{number}. تعزيز التعاون بين البلدين."
    assert texts(text) == [text]


def test_a_numbered_list_keeps_one_sentence_per_item() -> None:
    text = "البنود:\n1. وقف إطلاق النار.\n2. تبادل الأسرى. ثم الانسحاب."
    assert texts(text) == ["البنود:", "1. وقف إطلاق النار.", "2. تبادل الأسرى.", "ثم الانسحاب."]


@pytest.mark.parametrize(("opening", "closing"), [("«", "»"), ("“", "”"), ('"', '"')])
def test_a_semicolon_inside_a_quotation_does_not_split_it(opening: str, closing: str) -> None:
    quote = f"قال الوزير: {opening}نريد السلام؛ ولا نريد الحرب{closing} ثم غادر."
    assert texts(f"{quote} وعاد المراسل؛ ثم كتب.") == [quote, "وعاد المراسل؛", "ثم كتب."]


@pytest.mark.parametrize("line", ["***", "* * *", "—", "\u200f\u200e", "\u2060\u200b\u200f", "•••", "###"])
def test_a_separator_or_invisible_line_is_its_own_paragraph(line: str) -> None:
    text = f"انتهى الجزء الأول.\n{line}\nوبدأ الجزء الثاني."
    assert texts(text) == ["انتهى الجزء الأول.", line.strip(), "وبدأ الجزء الثاني."]


_NEWSWIRE = st.lists(
    st.sampled_from([
        "قال", "الوزير", "عمومًا", "العربيَّة", "2014م", "1440هـ", "د\u202a.\u202c", "«إي.إس.بي.إن»", "1.", "٢.",
        "؛", ".", "؟", "«", "»", '"', "***", "\u200f", "\u200e", "\u2067", "\u2069", "\n", "\r\n", " ", "،", "ـ",
        "\u0651", "\u064b", "وكازاخستان", "...",
    ]),
    max_size=60,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_NEWSWIRE, limit=st.integers(min_value=1, max_value=80))
def test_newswire_text_with_marks_bidi_separators_and_lists_keeps_every_invariant(text: str, limit: int) -> None:
    assert all(len(piece) <= limit for piece in texts(text, limit=limit))
