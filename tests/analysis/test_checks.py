"""The check before publishing on hand-written articles, translations and summaries (no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.checks import find_checks, recheck, summary_checks
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
    assert missing.detail == "2200; the translation has 220"
    assert added.detail == "220 in the translation; the Arabic sentence has 2200"
    assert all(source_of(analysis, check)[check.start:check.end] == check.text for check in (missing, added))


def test_a_dropped_number_in_words_says_how_it_was_read() -> None:
    pairs = [ARTICLE[0], (ARTICLE[1][0], "The Ministry announced 164 dead, 2,200 injured and many arrests."),
             ARTICLE[2]]
    (check,) = find_checks(make_analysis(pairs))
    assert check.text == "ستة آلاف" and check.detail == "ستة آلاف = 6,000; the translation has no such number"


@pytest.mark.parametrize("english", ["The Turkic Council was founded in 2009 AD.", "Founded in ٢٠٠٩.",
                                     "The council, founded in 2009, exists."])
def test_a_year_with_its_era_letter_matches_the_plain_year(english: str) -> None:
    assert find_checks(make_analysis([(ARTICLE[2][0], english)])) == ()


def test_an_empty_translation_is_a_finding_of_its_own_not_one_per_number() -> None:
    """Issue 19: a translator that wrote nothing (stored as `UNTRANSLATED`, or "" when edited away)."""
    analysis = make_analysis([(ARTICLE[1][0], UNTRANSLATED), (ARTICLE[2][0], "")])
    checks = find_checks(analysis)
    assert [(check.kind, check.where, check.index) for check in checks] == [
        ("translation_empty", "sentence", 0), ("translation_empty", "sentence", 1)]
    assert all(analysis.text[check.start:check.end] == check.text for check in checks)


def test_a_missing_or_empty_summary_is_checked_without_error() -> None:
    assert find_checks(make_analysis(summary=None)) == ()
    assert find_checks(make_analysis(summary=Summary("", "", "single"))) == ()
    assert find_checks(make_analysis(summary=Summary("مقتل 164 شخصا", "", "single"))) == ()


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
    assert summary.ar[check.start:check.end] == "200" and check.detail == "200; not in the article"


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


# --- issue 20: what an editor can trust -----------------------------------------------------------------------

def findings(arabic: str, english: str) -> list[Check]:
    return list(find_checks(make_analysis([(arabic, english)])))


@pytest.mark.parametrize(("arabic", "english"), [
    ("بلغت القيمة 1.2 تريليون دولار.", "The value reached $1.2 trillion."),
    ("بلغت القيمة 1.2 ترليون دولار.", "The value reached $1.2 trillion."),
    ("قتل 3 آلاف و500 شخص.", "3,500 people were killed."),
    ("نزح مليون ونصف المليون شخص.", "1.5 million people were displaced."),
    ("نزح 3 ملايين ونصف المليون شخص.", "3.5 million people were displaced."),
    ("بلغت الكلفة مليار ونصف دولار.", "The cost reached $1.5 billion."),
    ("تلقى نصف مليون شخص اللقاح.", "500,000 people received the vaccine."),
    ("تلقى ربع مليون شخص اللقاح.", "250,000 people received the vaccine."),
    ("شارك مئتا جندي في المناورة.", "200 soldiers took part in the exercise."),
    ("انتشر متحور ألفا في 50 دولة.", "The Alpha variant spread to 50 countries."),
    ("بلغ عدد السكان 1.200.000 نسمة.", "The population reached 1,200,000."),
    ("بلغ عدد السكان 1 200 000 نسمة.", "The population reached 1,200,000."),
    ("شهدت البلاد حربا أهلية في التسعينيات.", "The country saw a civil war in the 1990s."),
    ("فاز الفريق بلقب موسم 2023-2024.", "The team won the 2023-24 title."),
    ("جمعت الشركة 1.2 مليون دولار.", "The company raised $1.2m."),
    ("بلغت الصفقة 3.7 مليار دولار.", "The deal was worth $3.7B."),
    ("حضر 120 ألف شخص.", "120k people attended."),
    ("ارتفع المؤشر 0.5%.", "The index rose .5%."),
    ("خرج عشرات الآلاف في مسيرة في 5 أيار.", "Tens of thousands marched on May 5."),
    ("قتل 5 جنود في الثاني من آذار.", "Five soldiers were killed on March 2."),
    ("قتل بضعة جنود.", "A few soldiers were killed."),
    ("احتل المنتخب المرتبة الثالثة.", "The team came third."),
])
def test_a_right_translation_in_newsroom_style_raises_nothing(arabic: str, english: str) -> None:
    assert findings(arabic, english) == []


@pytest.mark.parametrize(("arabic", "english"), [
    ("قتل 5 جنود وقد يرتفع العدد.", "Soldiers were killed and the toll may rise."),
    ("قتل 3 جنود في مارس.", "Soldiers were killed in march."),
    ("قتل 2 من الجنود في المعركة.", "One soldier was killed in the second battle."),
    ("تلقى نصف مليون شخص اللقاح.", "A million people received the vaccine."),
    ("صوت ثلثا الأعضاء لصالح القرار.", "One-third of the members voted for the resolution."),
    ("خسر نصف السكان منازلهم.", "A quarter of the population lost their homes."),
    ("قتل 6.000 شخص.", "6 people were killed."),
    ("قتل مئات المدنيين.", "Thousands of civilians were killed."),
    ("بلغت الصفقة 5 ملايين دولار.", "The deal was worth 5 million euros."),
    ("بدأت الاحتجاجات في 5 آذار.", "The protests began on May 5."),
    ("شهدت البلاد حربا أهلية في التسعينيات.", "The country saw a civil war in the 1980s."),
])
def test_a_wrong_translation_is_flagged(arabic: str, english: str) -> None:
    assert findings(arabic, english)


def test_a_finding_says_how_the_figure_was_read_and_what_the_translation_has() -> None:
    (missing, added) = findings("قتل ٣ آلاف و٥٠٠ شخص.", "3,050 people were killed.")
    assert missing.detail == "٣ آلاف و٥٠٠ = 3,500; the translation has 3,050"
    assert added.detail == "3,050 in the translation; the Arabic sentence has ٣ آلاف و٥٠٠ = 3,500"


def test_a_changed_currency_is_a_finding_that_names_both() -> None:
    (check,) = findings("بلغت الصفقة 5 ملايين دولار.", "The deal was worth 5 million euros.")
    assert check.kind == "number_missing" and check.text == "5 ملايين دولار"
    assert check.detail == "5 ملايين دولار = 5,000,000 dollar; the translation has 5 million euros = 5,000,000 euro"


def test_an_ambiguous_figure_says_both_readings() -> None:
    (missing, _) = findings("بلغ السعر 6.500 دينار.", "The price reached 65 dinars.")
    assert missing.detail.startswith("6.500 دينار = 6,500 dinar (or 6.5)")


def test_recheck_recomputes_numbers_keeps_names_of_an_unchanged_summary_and_marks() -> None:
    summary = Summary("بوتين يهنئ توكاييف بعد مقتل 164 شخصا", "Putin congratulates Tokayev after 164 killed",
                      "single")
    analysis = make_analysis(summary=summary)
    names = mentions(summary.ar, [("بوتين", "PER"), ("توكاييف", "PER")])
    analysis = replace(analysis, checks=tuple(replace(check, checked=True)
                                              for check in find_checks(analysis, names)))
    assert [check.kind for check in analysis.checks] == ["name_unsupported"]
    sentences = list(analysis.sentences)
    sentences[1] = replace(sentences[1], translation=sentences[1].translation.replace("2,200", "2,300"))
    rechecked = recheck(replace(analysis, sentences=tuple(sentences)))
    assert [(check.kind, check.checked) for check in rechecked.checks] == [
        ("number_missing", False), ("number_added", False), ("name_unsupported", True)]
    edited = recheck(replace(analysis, summary=replace(summary, ar="يهنئ توكاييف بعد مقتل 164 شخصا")))
    assert edited.checks == ()


def test_english_multiplicatives_read_as_their_number() -> None:
    """`ثلاث مرات` is "tripled", not a missing 3; "doubled" for it is still a wrong figure."""
    from eval.numbers import findings

    arabic = "وتضاعف عدد الزوار ثلاث مرات منذ 2019."
    assert findings(arabic, "The number of visitors has tripled since 2019.") == 0
    assert findings(arabic, "The number of visitors has doubled since 2019.") == 1
