"""The check before publishing on hand-written articles, translations and summaries (no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.checks import find_checks, summary_checks
from analysis.pipeline import analyze, analyze_stream, load_models
from core.types import Analysis, Check, Entity, Language, ModelNames, Sentence, Summary
from models.translate import UNTRANSLATED

MODELS = ModelNames("translator", "summarizer", "ner", "ctranslate2")
ARTICLE = [
    ("أعلن الرئيس الكازاخي قاسم جومارت توكاييف النصر بعد احتجاجات في كازاخستان.",
     "Kazakh President Kassym-Jomart Tokayev declared victory after protests in Kazakhstan."),
    ("وأعلنت وزارة الصحة مقتل 164 شخصا وإصابة 2200 آخرين، واعتقال نحو ستة آلاف شخص.",
     "The Ministry of Health announced 164 dead and 2,200 injured, and about six thousand arrests."),
    ("وكان المجلس التركي قد تأسس عام 2009م.", "The Turkic Council was founded in 2009."),
]
NAMES = [("قاسم جومارت توكاييف", "PER"), ("كازاخستان", "LOC"), ("وزارة الصحة", "ORG"), ("المجلس التركي", "ORG")]


def make_analysis(pairs: list[tuple[str, str]] = ARTICLE, *, summary: Summary | None = None) -> Analysis:
    """Sentences joined with a space; the article's entities are every occurrence of `NAMES`."""
    text, sentences = "", []
    for arabic, english in pairs:
        text += " " * bool(text)
        sentences.append(Sentence(len(text), len(text) + len(arabic), arabic, english))
        text += arabic
    entities = sorted((mentions(text, NAMES)), key=lambda entity: entity.start)
    return Analysis(text, Language("ar", 1.0, 1.0), tuple(sentences), (tuple(range(len(sentences))),), summary,
                    tuple(entities), (), MODELS)


def mentions(text: str, names: list[tuple[str, str]]) -> list[Entity]:
    """Every occurrence of each name in `text`, as the NER model would report it."""
    found = []
    for name, label in names:
        start = text.find(name)
        while start >= 0:
            found.append(Entity(start, start + len(name), label, name, 0.99))
            start = text.find(name, start + 1)
    return found


def source_of(analysis: Analysis, check: Check) -> str:
    """The text a finding's offsets index (see `core.types.Check`)."""
    if check.where == "sentence":
        return analysis.text if check.kind == "number_missing" else analysis.sentences[check.index].translation
    if check.where == "summary_en" and check.kind == "number_added":
        return analysis.summary.en
    return analysis.summary.ar


def test_a_faithful_translation_gives_no_finding() -> None:
    assert find_checks(make_analysis()) == ()


def test_a_changed_figure_is_missing_from_the_translation_and_added_to_it() -> None:
    pairs = [ARTICLE[0], (ARTICLE[1][0], "The Ministry of Health announced 164 dead and 220 injured, and about "
                                        "six thousand arrests."), ARTICLE[2]]
    analysis = make_analysis(pairs)
    missing, added = find_checks(analysis)
    assert (missing.kind, missing.where, missing.index, missing.text) == ("number_missing", "sentence", 1, "2200")
    assert (added.kind, added.where, added.index, added.text) == ("number_added", "sentence", 1, "220")
    assert missing.detail == "not in the translation"
    assert added.detail == "in the translation, not in the Arabic sentence"
    assert all(source_of(analysis, check)[check.start:check.end] == check.text for check in (missing, added))


def test_a_dropped_number_in_words_says_check_rather_than_missing() -> None:
    pairs = [ARTICLE[0], (ARTICLE[1][0], "The Ministry announced 164 dead, 2,200 injured and many arrests."),
             ARTICLE[2]]
    (check,) = find_checks(make_analysis(pairs))
    assert check.text == "ستة آلاف" and check.detail == "check: 6,000 (in words) not in the translation"


@pytest.mark.parametrize("english", ["The Turkic Council was founded in 2009 AD.", "Founded in ٢٠٠٩.",
                                     "The council, founded in 2009, exists."])
def test_a_year_with_its_era_letter_matches_the_plain_year(english: str) -> None:
    assert find_checks(make_analysis([(ARTICLE[2][0], english)])) == ()


def test_an_untranslated_sentence_is_not_checked_number_by_number() -> None:
    assert find_checks(make_analysis([(ARTICLE[1][0], UNTRANSLATED), (ARTICLE[2][0], "")])) == ()


def test_a_paraphrased_summary_without_new_facts_gives_no_finding() -> None:
    summary = Summary("توكاييف يعلن النصر في كازاخستان بعد احتجاجات قتل فيها مئة وأربعة وستون شخصا واعتقل 6 آلاف",
                      "Tokayev declares victory in Kazakhstan after protests in which 164 were killed and 6,000 "
                      "arrested", "single")
    analysis = make_analysis(summary=summary)
    names = mentions(summary.ar, [("توكاييف", "PER"), ("كازاخستان", "LOC")])
    assert find_checks(analysis, names) == ()


def test_a_number_the_article_does_not_hold_is_marked_in_the_summary() -> None:
    summary = Summary("مقتل 200 شخص في كازاخستان منذ 2009", "", "single")
    analysis = make_analysis(summary=summary)
    (check,) = summary_checks(analysis)
    assert (check.kind, check.where, check.index, check.text) == ("number_unsupported", "summary", -1, "200")
    assert summary.ar[check.start:check.end] == "200" and check.detail == "not in the article"


def test_a_name_the_article_does_not_hold_is_marked_in_the_summary() -> None:
    summary = Summary("بوتين يهنئ توكاييف ووزارة الصحة في كازاخستان", "", "single")
    names = mentions(summary.ar, [("بوتين", "PER"), ("توكاييف", "PER"), ("ووزارة الصحة", "ORG"),
                                  ("كازاخستان", "LOC")])
    (check,) = summary_checks(make_analysis(summary=summary), names)
    assert (check.kind, check.text, check.detail) == ("name_unsupported", "بوتين", "person not in the article")
    assert summary.ar[check.start:check.end] == "بوتين"


def test_a_name_written_in_the_article_but_missed_there_by_the_model_is_supported() -> None:
    summary = Summary("الرئيس الكازاخي يعلن النصر", "", "single")
    names = mentions(summary.ar, [("الكازاخي", "MISC")])
    assert list(summary_checks(make_analysis(summary=summary), names)) == []


def test_the_english_summary_is_checked_against_the_arabic_one() -> None:
    summary = Summary("مقتل 164 شخصا في كازاخستان", "146 people killed in Kazakhstan", "single")
    analysis = make_analysis(summary=summary)
    checks = [check for check in find_checks(analysis) if check.where == "summary_en"]
    assert [(check.kind, check.text) for check in checks] == [("number_missing", "164"), ("number_added", "146")]
    assert all(source_of(analysis, check)[check.start:check.end] == check.text for check in checks)


def test_checks_are_frozen_and_start_unchecked() -> None:
    summary = Summary("مقتل 200 شخص", "", "single")
    (check,) = find_checks(make_analysis(summary=summary))
    assert check.checked is False and replace(check, checked=True).checked


def test_the_finished_analysis_carries_its_checks_each_pointing_at_its_text(tiny_settings, seed: str) -> None:
    models = load_models(tiny_settings)
    *snapshots, analysis = analyze_stream(seed, models, tiny_settings)
    assert all(snapshot.checks == () for snapshot in snapshots)
    assert analysis.checks == find_checks(analysis, models.recognizer.find(analysis.summary.ar,
                                                                           [(0, len(analysis.summary.ar))]))
    assert all(source_of(analysis, check)[check.start:check.end] == check.text for check in analysis.checks)
    assert "check" in analysis.timings_ms
    assert analyze(seed, models, tiny_settings).checks == analysis.checks
