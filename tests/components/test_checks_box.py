"""The "Check before publishing" box on its own page: counts, one table of the findings, and marks kept in the
session and the history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.checks import findings_table, save_marks, with_edits
from core.errors import HistoryError
from core.types import Check, Finished
from history.store import History
from tests.components.test_check_marks import ADDED, MISSING, two_sentences

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HOSTILE = "![i](http://127.0.0.1:9/i.png) <img src=x onerror=alert(1)> **b**"


def page(db: str, entry: int | None, checks: list) -> None:
    """The box for an analysis with `checks`, saved as history entry `entry` of `db` (None: not saved)."""
    from datetime import UTC, datetime

    import streamlit as st

    from components.checks import checks_box
    from core.types import Finished
    from history.store import History
    from tests.components.test_check_marks import two_sentences

    if "finished" not in st.session_state:
        st.session_state.finished = Finished(two_sentences(tuple(checks)), datetime.now(UTC), entry=entry)
    checks_box(st.session_state.finished, History(db), slot="finished", key="checks")


def box(tmp_path: Path, checks: tuple[Check, ...], *, saved: bool = True) -> tuple[AppTest, History, int | None]:
    history = History(tmp_path / "history.sqlite3")
    entry = history.save(two_sentences(checks), title="box") if saved else None
    at = AppTest.from_function(page, args=(str(history.path), entry, list(checks)), default_timeout=60).run()
    assert not at.exception
    return at, history, entry


def finished(entry: int | None, checks: tuple[Check, ...]) -> Finished:
    from datetime import UTC, datetime

    return Finished(two_sentences(checks), datetime.now(UTC), entry=entry)


def test_the_box_counts_the_findings_and_lists_them_in_one_table_with_a_checked_column(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, (MISSING, replace(ADDED, checked=True)))
    assert at.markdown[0].value == "**Check before publishing**"
    assert at.caption[0].value.startswith("1 of 2 findings still open")
    [table] = at.data_editor
    assert table.value.to_dict("list") == {
        "Checked": [False, True], "Where": ["Sentence 2", "Sentence 2"], "Finding": ["2200", "220"],
        "Why": ["not in the translation", "in the translation, not in the Arabic sentence"]}
    assert not at.checkbox


def test_thousands_of_findings_are_one_widget(tmp_path: Path) -> None:
    many = tuple(replace(MISSING, detail=f"reason {number}") for number in range(1500))
    at, _, _ = box(tmp_path, many, saved=False)
    [table] = at.data_editor
    assert len(table.value) == 1500 and list(table.value["Why"][-2:]) == ["reason 1498", "reason 1499"]
    assert not at.checkbox and not at.html and not at.columns


def test_findings_are_listed_as_plain_text_cells(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, (replace(MISSING, text=HOSTILE, detail=HOSTILE),), saved=False)
    assert at.data_editor[0].value["Finding"][0] == HOSTILE
    assert not at.html and not [element for element in at.markdown if HOSTILE in element.value]


def test_the_ticked_cells_become_the_findings_marks() -> None:
    checks = (MISSING, ADDED, replace(MISSING, checked=True))
    edited = with_edits(checks, {1: {"Checked": True}, 2: {"Checked": False}})
    assert [check.checked for check in edited] == [False, True, False]
    assert [replace(check, checked=False) for check in edited] == [replace(c, checked=False) for c in checks]
    assert findings_table(edited)["Checked"].tolist() == [False, True, False]


def test_a_tick_is_saved_to_the_history_entry_and_an_untick_too(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3")
    entry = history.save(two_sentences((MISSING, ADDED)), title="box")
    before = finished(entry, (MISSING, ADDED))
    ticked = with_edits(before.analysis.checks, {1: {"Checked": True}})
    assert save_marks(history, before, ticked) is None
    assert [check.checked for check in history.get(entry).checks] == [False, True]
    after = replace(before, analysis=replace(before.analysis, checks=ticked))
    assert save_marks(history, after, with_edits(ticked, {1: {"Checked": False}})) is None
    assert [check.checked for check in history.get(entry).checks] == [False, False]


def test_an_unsaved_analysis_or_an_unusable_history_keeps_the_marks_in_the_session_only(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3")
    unsaved = finished(None, (MISSING,))
    assert save_marks(history, unsaved, with_edits(unsaved.analysis.checks, {0: {"Checked": True}})) is None
    broken = finished(1, (MISSING,))
    assert save_marks(HistoryError("damaged"), broken, with_edits((MISSING,), {0: {"Checked": True}})) is None


def test_a_mark_for_an_entry_deleted_since_says_it_was_not_saved(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite3")
    entry = history.save(two_sentences((MISSING,)), title="box")
    history.delete(entry)
    gone = finished(entry, (MISSING,))
    problem = save_marks(history, gone, with_edits((MISSING,), {0: {"Checked": True}}))
    assert problem == "The mark was not saved: this analysis is no longer in the history."


def test_without_findings_the_box_says_what_the_check_does_not_cover(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, ())
    assert not at.data_editor
    assert "not every error" in at.caption[0].value
