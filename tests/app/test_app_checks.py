"""The check before publishing on the page (AppTest): the box at the top of the results, the marks in the aligned
view and the summary, and a finding marked checked kept in the history."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.types import Analysis, Check, Summary
from history.store import History
from tests.app.test_app import analyse, html_of
from tests.components.test_check_marks import ADDED, MISSING, two_sentences

SUMMARY = Summary("بوتين يعلن مقتل 164 شخصا", "Putin announces 164 dead", "single")
NAME = Check("name_unsupported", "summary", -1, 0, 5, "بوتين", "person not in the article")
TITLE = "Checks on the desk"


def with_findings() -> Analysis:
    """Two sentences, the second with a figure dropped and another added, and a summary naming a stranger."""
    return replace(two_sentences((MISSING, ADDED)), summary=SUMMARY, checks=(MISSING, ADDED, NAME))


def reopen(at: AppTest, entry: int) -> AppTest:
    at.run()
    at.sidebar.button(key=f"history-open-{entry}").click().run()
    assert not at.exception
    return at


def marks(at: AppTest) -> list[bool]:
    """The "Checked" column of the box's table of findings."""
    [table] = [table for table in at.data_editor if "Checked" in table.value.columns]
    return table.value["Checked"].tolist()


def test_an_analysis_with_findings_shows_the_box_and_the_highlights(app: AppTest, db: Path) -> None:
    reopen(app, History(db).save(with_findings(), title=TITLE))
    box = [caption.value for caption in app.caption if "still open" in caption.value]
    assert box and box[0].startswith("3 of 3 findings still open")
    assert marks(app) == [False, False, False]
    translation = html_of(app, "khulasa-translation")
    assert '<mark class="khulasa-check" title="not in the translation">2200</mark>' in translation
    assert '<td class="ar flagged"' in translation and "data-sentence-checks=\"1\"" in translation
    assert '<mark class="khulasa-check" title="person not in the article">بوتين</mark>' in html_of(app,
                                                                                                "khulasa-summary")


def test_a_finding_marked_checked_shows_ticked_when_the_analysis_is_reopened(app: AppTest, db: Path) -> None:
    # AppTest cannot tick a data editor's cell (the browser test does): the mark is saved as a tick saves it.
    history = History(db)
    entry = history.save(with_findings(), title=TITLE)
    history.mark_checked(entry, NAME)
    fresh = reopen(app, entry)
    assert marks(fresh) == [False, False, True]
    assert [caption.value for caption in fresh.caption if "still open" in caption.value][0].startswith("2 of 3")
    assert 'class="khulasa-check checked"' in html_of(fresh, "khulasa-summary")


def test_a_fresh_analysis_shows_the_box_with_one_row_per_finding(app: AppTest, seed: str) -> None:
    analyse(app)
    checks = app.session_state["finished"].analysis.checks
    assert len(marks(app)) == len(checks)
    title = [markdown.value for markdown in app.markdown if markdown.value == "**Check before publishing**"]
    assert title == ["**Check before publishing**"]
