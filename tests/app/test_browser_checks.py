"""The check before publishing in a real Chromium: a finding ticked in the box's table is saved to the history and
still ticked when the analysis is reopened in a new session."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from history.store import History
from tests.app.test_app_checks import TITLE, with_findings
from tests.browser import (
    PAGE_TIMEOUT_MS,
    Server,
    chromium,
    dataframe_rows,
    open_session,
    playwright_api,
    streamlit_server,
)

pytestmark = pytest.mark.browser

BOX = ".st-key-checks-box"
TABLE = f"{BOX} [data-testid=stDataFrame]"
HEADER_PX = ROW_PX = 35  # the data editor's default header and row heights


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history holding one analysis with three findings, none checked."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    History(path).save(with_findings(), title=TITLE)
    return path


@pytest.fixture(scope="module")
def server(tiny_env: dict[str, str], db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, **tiny_env, "KHULASA_DB": str(db)}
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


def reopen(page: playwright_api.Page) -> list[list[str]]:
    """Open the saved analysis from the sidebar; the rows of its table of findings, header first."""
    page.get_by_test_id("stSidebar").get_by_role("button", name=TITLE).click()
    page.locator(TABLE).wait_for(timeout=PAGE_TIMEOUT_MS)
    return dataframe_rows(page, TABLE)


def tick(page: playwright_api.Page, row: int) -> None:
    """Tick the "Checked" cell of finding `row` as a keyboard user does: the grid draws on a canvas, so click the
    row's last cell, go to its first (Home) and press Space."""
    grid = page.locator(TABLE).bounding_box()
    page.mouse.click(grid["x"] + grid["width"] - 40, grid["y"] + HEADER_PX + row * ROW_PX + ROW_PX / 2)
    page.keyboard.press("Home")
    page.keyboard.press("Space")


def test_a_ticked_finding_is_saved_and_survives_reopening_from_the_history(server: Server, db: Path) -> None:
    [entry] = History(db).list()
    with chromium() as browser:
        with open_session(browser, server.url) as first:
            rows = reopen(first.page)
            assert rows[0] == ["Checked", "Where", "Finding", "Why"]
            assert [row[:3] for row in rows[1:]] == [["false", "Sentence 2", "2200"], ["false", "Sentence 2", "220"],
                                                     ["false", "Summary", "بوتين"]]
            assert first.page.locator(".khulasa-translation mark.khulasa-check").count() == 2
            assert first.page.locator(".khulasa-summary mark.khulasa-check").count() == 1
            tick(first.page, 1)
            deadline = time.monotonic() + 30
            while not History(db).get(entry.id).checks[1].checked:
                assert time.monotonic() < deadline, "the mark did not reach the history within 30 s"
                time.sleep(0.2)
            assert not first.dialogs

        with open_session(browser, server.url) as second:
            rows = reopen(second.page)
            assert [row[0] for row in rows[1:]] == ["false", "true", "false"]
            assert second.page.locator(".khulasa-translation mark.khulasa-check.checked").count() == 1
            assert "2 of 3 findings still open" in second.page.locator(BOX).text_content()
