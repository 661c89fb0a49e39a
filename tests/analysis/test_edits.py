"""The journalist's edits, choices and restores, the review marks, and how they are saved and exported (issue 23).
No model: the analyses are written by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cli
from analysis.edits import (
    REVIEW_BELOW,
    edit_sentence,
    edit_summary,
    edited_sentences,
    machine_sentence,
    restore_sentence,
    restore_summary,
    to_review,
)
from core.types import Summary
from documents.export import to_markdown
from documents.serialize import from_json, to_json
from history.store import History
from tests.analysis.test_checks import ARTICLE, make_analysis

SUMMARY = Summary("مقتل 164 شخصا", "164 people killed", "single")


def kinds(analysis) -> list[tuple[str, str, int, str]]:
    return [(check.kind, check.where, check.index, check.text) for check in analysis.checks]


def test_an_edit_keeps_the_machines_text_and_a_changed_number_is_a_finding_at_once() -> None:
    analysis = make_analysis()
    assert analysis.checks == ()
    edited = edit_sentence(analysis, 1, ARTICLE[1][1].replace("2,200", "2,300"))
    sentence = edited.sentences[1]
    assert sentence.edited and not sentence.chosen and sentence.machine == ARTICLE[1][1]
    assert kinds(edited) == [("number_missing", "sentence", 1, "2200"), ("number_added", "sentence", 1, "2,300")]
    fixed = edit_sentence(edited, 1, ARTICLE[1][1].replace("2,200", "2200"))
    assert fixed.checks == () and fixed.sentences[1].edited and fixed.sentences[1].machine == ARTICLE[1][1]


def test_restoring_gives_back_the_machines_translation_and_its_checks() -> None:
    analysis = make_analysis()
    edited = edit_sentence(edit_sentence(analysis, 0, "A first hand."), 0, "A second hand: 99.")
    assert edited.sentences[0].machine == ARTICLE[0][1]  # the machine's, not the first edit's
    restored = restore_sentence(edited, 0)
    assert restored.sentences[0] == analysis.sentences[0] and restored.checks == ()


def test_writing_the_machines_text_back_is_no_edit() -> None:
    edited = edit_sentence(make_analysis(), 2, "The council began in 2009.")
    again = edit_sentence(edited, 2, f"  {ARTICLE[2][1]} ")
    assert not again.sentences[2].changed and again.sentences[2].machine == ""


def test_a_chosen_alternative_is_marked_chosen_not_edited() -> None:
    chosen = edit_sentence(make_analysis(), 2, "The Turkic Council was established in 2009.", chosen=True)
    sentence = chosen.sentences[2]
    assert sentence.chosen and not sentence.edited and machine_sentence(sentence) == ARTICLE[2][1]
    assert edited_sentences(chosen) == 1


def test_a_summary_edit_is_rechecked_and_restored() -> None:
    analysis = make_analysis(summary=SUMMARY)
    edited = edit_summary(analysis, "en", "165 people killed")
    assert edited.summary.en_edited and edited.summary.en_machine == SUMMARY.en
    assert ("number_added", "summary_en", -1, "165") in kinds(edited)
    arabic = edit_summary(edited, "ar", "مقتل 170 شخصا")
    assert ("number_unsupported", "summary", -1, "170") in kinds(arabic)
    restored = restore_summary(restore_summary(arabic, "ar"), "en")
    assert restored.summary == SUMMARY and restored.checks == ()


def test_a_finding_marked_checked_stays_marked_through_an_edit_elsewhere() -> None:
    analysis = edit_sentence(make_analysis(), 1, ARTICLE[1][1].replace("2,200", "2,300"))
    marked = replace(analysis, checks=tuple(replace(check, checked=True) for check in analysis.checks))
    again = edit_sentence(marked, 0, "Tokayev declared victory after protests in Kazakhstan.")
    assert again.checks and all(check.checked for check in again.checks)


def test_the_least_sure_tenth_and_any_below_the_threshold_are_to_review_until_edited() -> None:
    pairs = ARTICLE * 7  # 21 sentences: the lowest tenth is three
    analysis = make_analysis(pairs)
    confidences = [-0.1 - index / 100 for index in range(21)]
    confidences[4] = REVIEW_BELOW - 0.5
    analysis = replace(analysis, sentences=tuple(replace(sentence, confidence=confidence) for sentence, confidence
                                                 in zip(analysis.sentences, confidences)))
    assert to_review(analysis) == {4, 20, 19}
    assert to_review(edit_sentence(analysis, 20, "By hand.")) == {4, 19}
    assert to_review(edit_sentence(analysis, 4, "Chosen.", chosen=True)) == {20, 19}


def test_sentences_without_a_confidence_are_never_to_review() -> None:
    assert to_review(make_analysis()) == frozenset()


def test_edits_survive_json_and_older_json_still_reads() -> None:
    analysis = edit_summary(edit_sentence(make_analysis(summary=SUMMARY), 1, "By hand, 2200."), "ar", "مقتل 164")
    data = json.loads(json.dumps(to_json(analysis), ensure_ascii=False))
    assert data["sentences"][1]["edited"] is True and data["sentences"][1]["machine"] == ARTICLE[1][1]
    assert from_json(data, analysis.text) == analysis
    for sentence in data["sentences"]:
        for field in ("confidence", "edited", "chosen", "machine"):
            del sentence[field]
    for field in ("ar_edited", "en_edited", "ar_machine", "en_machine"):
        del data["summary"][field]
    older = from_json(data, analysis.text)
    assert not any(sentence.changed for sentence in older.sentences) and not older.summary.ar_edited


def test_the_export_says_how_many_sentences_were_edited_by_hand() -> None:
    analysis = make_analysis(summary=SUMMARY)
    assert "edited by hand" not in to_markdown(analysis, generated=datetime(2024, 1, 1, tzinfo=UTC))
    edited = edit_sentence(edit_sentence(analysis, 0, "By hand."), 2, "Chosen in 2009.", chosen=True)
    edited = edit_summary(edited, "en", "164 people were killed")
    markdown = to_markdown(edited, generated=datetime(2024, 1, 1, tzinfo=UTC))
    assert "Of 3 sentences, 1 edited by hand and 1 chosen among the translator's alternatives" in markdown
    assert "English summary edited by hand" in markdown
    assert "By hand." in markdown and ARTICLE[0][1] not in markdown


def test_the_history_keeps_edits_and_marks_made_by_another_session(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3")
    analysis = edit_sentence(make_analysis(), 1, ARTICLE[1][1].replace("2,200", "2,300"))
    entry = history.save(analysis, title="t")
    history.mark_checked(entry, analysis.checks[0])  # another tab marks a finding
    fixed = edit_sentence(analysis, 0, "Tokayev declared victory.")
    saved = history.update(entry, fixed)
    assert history.get(entry) == saved
    assert saved.sentences[0].edited and saved.checks[0].checked and not saved.checks[1].checked
    with pytest.raises(KeyError):
        history.update(entry + 1, fixed)


def test_cli_check_accepts_an_edited_json_and_keeps_the_edits(tmp_path: Path, capsys) -> None:
    analysis = edit_sentence(make_analysis(summary=SUMMARY), 1, ARTICLE[1][1])
    data = to_json(edit_sentence(analysis, 1, "By hand: 2,300 injured, 164 dead, six thousand arrests."))
    data["sentences"][0]["alternatives"] = [{"text": "An alternative.", "confidence": -0.5}]
    data["checks"] = []
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sentences"] == data["sentences"]
    assert [(check["kind"], check["text"]) for check in out["checks"]] == [("number_missing", "2200"),
                                                                          ("number_added", "2,300")]


def test_an_edit_of_a_key_sentence_is_in_the_quoted_summary_too() -> None:
    from core.types import KEY_SENTENCES, Analysis, Language, ModelNames, Sentence, Summary

    text = "وصل الوفد مساء الأحد. وأكدت تركيا دعمها."
    first = text.index(".") + 1
    sentences = (Sentence(0, first, text[:first], "The delegation arrived on Sunday."),
                 Sentence(first + 1, len(text), text[first + 1:], "Turkey stressed its support."))
    summary = Summary(sentences[1].text, sentences[1].translation, KEY_SENTENCES, "", (1,))
    analysis = Analysis(text, Language("ar", 1.0), sentences, ((0, 1),), summary, (), (),
                        ModelNames("t", "s", "n", "e"))
    edited = edit_sentence(analysis, 1, "Türkiye stressed its support.")
    assert edited.summary.en == "Türkiye stressed its support."
    assert edit_sentence(analysis, 0, "The delegation came.").summary.en == summary.en
