"""A glossary applied to the English: renderings replaced with case kept, missing terms flagged, nothing else
touched, and entity groups named by the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.glossary import (
    GLOSSARY,
    apply_glossary,
    arabic_terms,
    by_sentence,
    glossary_checks,
    name_groups,
    renderings_of,
    terms_found,
)
from arabic.glossary_match import find_terms
from core.types import EntityGroup, GlossaryTerm, Sentence
from documents.glossary import read_glossary
from models.translate import UNTRANSLATED

EXAMPLE = Path(__file__).parents[2] / "docs" / "glossary-example.csv"
TERMS = (
    GlossaryTerm("تركيا", "Türkiye", 1),
    GlossaryTerm("مولود جاويش أوغلو", "Mevlüt Çavuşoğlu", 2),
    GlossaryTerm("منظمة معاهدة الأمن الجماعي", "the Collective Security Treaty Organization", 3),
    GlossaryTerm("قاسم جومارت توكاييف", "Kassym-Jomart Tokayev", 4),
    GlossaryTerm("منظمة الدول التركية", "OTS", 5),
)
ARABIC = [term.arabic for term in TERMS]
# What the translator wrote for each term on its own (the pipeline's one extra call).
MACHINE = {0: "Turkey.", 1: "Mevlut Cavusoglu", 2: "the Collective Security Treaty Organisation",
           3: "Qasim Jomart Tokayev", 4: "Organization of Turkish States"}
RENDERINGS = {term: renderings_of(output) for term, output in MACHINE.items()}


def applied(arabic: str, english: str) -> tuple[str, list[str]]:
    """The English after the glossary, and the Arabic terms it still lacks."""
    rendered = apply_glossary(english, find_terms(arabic, ARABIC), TERMS, RENDERINGS)
    return rendered.translation, [ARABIC[match.term] for match in rendered.missing]


def test_the_models_rendering_is_replaced_and_the_text_around_it_kept() -> None:
    assert applied("وقالت تركيا إن", "He said Turkey would act.") == ("He said Türkiye would act.", [])


def test_a_capital_that_starts_a_sentence_is_kept() -> None:
    english, _ = applied("وقالت منظمة الدول التركية", "Organization of Turkish States said. organization of "
                                                     "Turkish States met")
    assert english == "OTS said. OTS met"
    english, _ = applied("ضمن منظمة معاهدة الأمن الجماعي", '"The Collective Security Treaty Organisation acted')
    assert english == '"The Collective Security Treaty Organization acted'


def test_a_listed_lower_case_start_stays_lower_inside_a_sentence() -> None:
    english, _ = applied("ضمن منظمة معاهدة الأمن الجماعي", "Forces within the Collective Security Treaty "
                                                          "Organisation left")
    assert english == "Forces within the Collective Security Treaty Organization left"


def test_all_caps_are_kept() -> None:
    assert applied("تركيا", "TURKEY WINS")[0] == "TÜRKIYE WINS"


def test_an_acronym_rendering_is_not_taken_for_shouting() -> None:
    rendered = apply_glossary("Forces of CSTO left", find_terms("منظمة معاهدة الأمن الجماعي", ARABIC), TERMS,
                              {2: ("CSTO",)})
    assert rendered.translation == "Forces of the Collective Security Treaty Organization left"


def test_the_listed_english_without_its_accents_is_replaced() -> None:
    assert applied("قال مولود جاويش أوغلو", "Mevlut Cavusoglu said")[0] == "Mevlüt Çavuşoğlu said"


def test_only_whole_words_are_replaced() -> None:
    assert applied("تركيا", "Turkeys and Turkey")[0] == "Turkeys and Türkiye"


def test_the_listed_english_already_there_is_left_alone_and_counts_as_applied() -> None:
    rendered = apply_glossary("Kassym-Jomart Tokayev spoke", find_terms("قاسم جومارت توكاييف", ARABIC), TERMS,
                              {3: ("Tokayev",)})
    assert rendered.translation == "Kassym-Jomart Tokayev spoke"
    assert rendered.applied == (3,) and rendered.missing == ()


def test_a_rendering_that_holds_the_listed_english_does_not_eat_the_words_around_it() -> None:
    terms = (GlossaryTerm("توكاييف", "Tokayev"),)
    rendered = apply_glossary("President Tokayev spoke", find_terms("قال توكاييف", ["توكاييف"]), terms,
                              {0: renderings_of("President Tokayev")})
    assert rendered.translation == "President Tokayev spoke" and rendered.applied == (0,)


def test_a_term_the_translation_lacks_is_reported_with_its_arabic_match() -> None:
    english, missing = applied("وقال قاسم جومارت توكاييف إن تركيا", "The president said Turkey")
    assert english == "The president said Türkiye" and missing == ["قاسم جومارت توكاييف"]


def test_nothing_is_replaced_in_a_sentence_that_does_not_hold_the_term() -> None:
    assert applied("وقالت روسيا", "Turkey and Russia") == ("Turkey and Russia", [])


def test_an_empty_or_missing_translation_is_left_without_findings() -> None:
    assert applied("تركيا", "") == ("", [])
    assert applied("تركيا", UNTRANSLATED) == (UNTRANSLATED, [])


def test_renderings_drop_the_full_stop_the_article_and_function_words() -> None:
    assert renderings_of(" the Ankara. ") == ("Ankara",)
    assert renderings_of("The") == () and renderings_of("of the") == () and renderings_of(UNTRANSLATED) == ()


def test_each_sentence_gets_only_its_own_terms() -> None:
    article = "قالت تركيا. ورحبت روسيا. وتابعت تركيا."
    sentences = (Sentence(0, 11, "قالت تركيا.", "Turkey said."), Sentence(12, 25, "ورحبت روسيا.", "Turkey and Russia."),
                 Sentence(26, 38, "وتابعت تركيا.", "Ankara followed."))
    matches = find_terms(article, ARABIC)
    results = [apply_glossary(sentence.translation, held, TERMS, RENDERINGS)
               for sentence, held in zip(sentences, by_sentence(matches, sentences))]
    assert [result.translation for result in results] == ["Türkiye said.", "Turkey and Russia.", "Ankara followed."]
    checks = glossary_checks(article, results[2], TERMS, "sentence", 2)
    assert [(check.kind, check.index, check.text) for check in checks] == [(GLOSSARY, 2, "تركيا")]
    assert article[checks[0].start : checks[0].end] == "تركيا" and "'Türkiye'" in checks[0].detail


def test_a_term_split_by_a_window_boundary_belongs_to_both_pieces() -> None:
    matches = find_terms("قاسم جومارت توكاييف", ARABIC)
    pieces = (Sentence(0, 11, "قاسم جومارت", ""), Sentence(12, 19, "توكاييف", ""))
    assert by_sentence(matches, pieces) == [matches, matches]


def test_every_term_is_rendered_or_flagged_in_the_seed_with_the_example_glossary() -> None:
    glossary, _ = read_glossary(EXAMPLE.name, EXAMPLE.read_bytes())
    text = "وكانت تركيا قد عبرت عن تضامنها مع كازاخستان وتبحث انقرة عن دور"
    matches = find_terms(text, arabic_terms(glossary))
    rendered = apply_glossary("Turkey expressed solidarity with Kazakstan and Ankara", matches, glossary.terms,
                              {term: renderings_of({"تركيا": "Turkey"}.get(glossary.terms[term].arabic, ""))
                               for term in terms_found(matches)})
    assert rendered.translation == "Türkiye expressed solidarity with Kazakstan and Ankara"
    written = {glossary.terms[term].arabic for term in rendered.applied}
    flagged = {glossary.terms[match.term].arabic for match in rendered.missing}
    assert written == {"تركيا", "أنقرة"} and flagged == {"كازاخستان"}


@pytest.mark.parametrize(("canonical", "english"), [("تركيا", "Türkiye"), ("قاسم جومارت توكاييف",
                                                                         "Kassym-Jomart Tokayev"),
                                                    ("توكاييف", "model's own"), ("تركيا الحديثة", "model's own")])
def test_a_group_whose_whole_name_is_a_term_takes_the_lists_english(canonical: str, english: str) -> None:
    group = EntityGroup(0, canonical, "LOC", 2, english="model's own")
    assert name_groups((group,), TERMS)[0].english == english


def test_a_whole_analysis_is_glossed_sentence_by_sentence_summary_and_groups_with_one_translator_call() -> None:
    from analysis.glossary import gloss_analysis
    from core.types import Analysis, Glossary, Language, ModelNames, Summary

    text = "التقى مولود جاويش أوغلو نظيره في تركيا. وصل الوفد مساء الأحد. وأكدت تركيا دعمها."
    spans = [(0, text.index(".") + 1)]
    spans.append((spans[0][1] + 1, text.index(".", spans[0][1]) + 1))
    spans.append((spans[1][1] + 1, len(text)))
    english = ["Mevlut Cavusoglu met his counterpart in Turkey.", "The delegation arrived on Sunday evening.",
               "Ankara stressed its support."]
    sentences = tuple(Sentence(start, end, text[start:end], translation)
                      for (start, end), translation in zip(spans, english))
    analysis = Analysis(text, Language("ar", 1.0), sentences, ((0, 1, 2),),
                        Summary("أكدت تركيا دعمها", "Turkey stressed its support", "single"), (),
                        (EntityGroup(0, "تركيا", "LOC", 2, "Turkey"),), ModelNames("t", "s", "n", "e"))
    calls: list[list[str]] = []

    def translate(texts: list[str]) -> list[str]:
        calls.append(texts)
        return [MACHINE[ARABIC.index(arabic)] for arabic in texts]

    glossed, checks = gloss_analysis(analysis, Glossary("desk.csv", TERMS), translate)
    assert calls == [["تركيا", "مولود جاويش أوغلو"]]
    assert glossed.sentences[0].translation == "Mevlüt Çavuşoğlu met his counterpart in Türkiye."
    assert glossed.sentences[1] == analysis.sentences[1]  # no term: untouched
    assert glossed.sentences[2].translation == "Ankara stressed its support."  # the model wrote no rendering
    assert [(c.kind, c.where, c.index, c.text) for c in checks] == [(GLOSSARY, "sentence", 2, "تركيا")]
    assert glossed.summary.en == "Türkiye stressed its support"
    assert glossed.groups[0].english == "Türkiye"
    assert [term.english for term in glossed.glossary] == ["Türkiye", "Mevlüt Çavuşoğlu"]
    assert gloss_analysis(analysis, Glossary("empty.csv", ()), translate) == (analysis, ())


def test_the_terms_applied_are_kept_in_the_json_and_listed_in_the_export(seed: str) -> None:
    from core.types import Analysis, Language, ModelNames
    from documents.export import to_markdown
    from documents.serialize import from_json, to_json

    analysis = Analysis(seed, Language("ar", 1.0), (), (), None, (), (), ModelNames("t", "s", "n", "e"),
                        glossary=TERMS[:2])
    assert from_json(to_json(analysis), seed).glossary == TERMS[:2]
    export = to_markdown(analysis)
    assert "## Glossary applied" in export and "| تركيا | Türkiye |" in export
    assert "## Glossary applied" not in to_markdown(Analysis(seed, Language("ar", 1.0), (), (), None, (), (),
                                                             ModelNames("t", "s", "n", "e")))


def test_a_key_sentence_summary_is_glossed_as_its_sentences_are() -> None:
    from analysis.glossary import gloss_analysis
    from core.types import KEY_SENTENCES, Analysis, Glossary, Language, ModelNames, Summary

    text = "وأكدت تركيا دعمها. وصل الوفد مساء الأحد."
    first = text.index(".") + 1
    sentences = (Sentence(0, first, text[:first], "Turkey stressed its support."),
                 Sentence(first + 1, len(text), text[first + 1:], "The delegation arrived."))
    summary = Summary(sentences[0].text, sentences[0].translation, KEY_SENTENCES, "", (0,))
    analysis = Analysis(text, Language("ar", 1.0), sentences, ((0, 1),), summary, (), (),
                        ModelNames("t", "s", "n", "e"))
    glossed, checks = gloss_analysis(analysis, Glossary("desk.csv", TERMS), lambda texts: ["Turkey"] * len(texts))
    assert glossed.sentences[0].translation == "Türkiye stressed its support."
    assert glossed.summary.en == glossed.sentences[0].translation and not checks
