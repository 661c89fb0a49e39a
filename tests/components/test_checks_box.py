"""The "Check before publishing" box on its own page: counts, findings, and marks kept in the session and history."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.types import Check
from history.store import History
from tests.components.test_check_marks import ADDED, MISSING, two_sentences

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


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
    at = AppTest.from_function(page, args=(str(history.path), entry, list(checks)), default_timeout=30).run()
    assert not at.exception
    return at, history, entry


def findings_html(at: AppTest) -> list[str]:
    return [element.value for element in at.html if "khulasa-finding" in element.value]


def test_the_box_counts_the_findings_and_lists_each_with_a_checked_mark(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, (MISSING, ADDED))
    assert at.markdown[0].value == "**Check before publishing**"
    assert at.caption[0].value.startswith("2 of 2 findings still open")
    assert [checkbox.label for checkbox in at.checkbox] == ["Checked", "Checked"]
    assert [checkbox.value for checkbox in at.checkbox] == [False, False]
    assert ["2200" in findings_html(at)[0], "220" in findings_html(at)[1]] == [True, True]


def test_marking_a_finding_updates_the_count_the_session_and_the_history(tmp_path: Path) -> None:
    at, history, entry = box(tmp_path, (MISSING, ADDED))
    at.checkbox[1].check().run()
    assert not at.exception
    assert at.caption[0].value.startswith("1 of 2 findings still open")
    assert [check.checked for check in at.session_state.finished.analysis.checks] == [False, True]
    assert [check.checked for check in history.get(entry).checks] == [False, True]
    assert 'class="khulasa-finding checked"' in findings_html(at)[1]
    at.checkbox[1].uncheck().run()
    assert [check.checked for check in history.get(entry).checks] == [False, False]


def test_an_unsaved_analysis_keeps_its_marks_in_the_session(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, (MISSING,), saved=False)
    at.checkbox[0].check().run()
    assert not at.exception and not at.warning
    assert at.session_state.finished.analysis.checks[0].checked


def test_without_findings_the_box_says_what_the_check_does_not_cover(tmp_path: Path) -> None:
    at, _, _ = box(tmp_path, ())
    assert not at.checkbox
    assert "not every error" in at.caption[0].value
