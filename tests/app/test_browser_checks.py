"""The check before publishing in a real Chromium: a finding marked checked is still checked when the analysis is
reopened from the history in a new session."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from history.store import History
from tests.app.test_app_checks import TITLE, with_findings
from tests.browser import PAGE_TIMEOUT_MS, Server, chromium, open_session, playwright_api, streamlit_server

pytestmark = pytest.mark.browser

BOX = ".st-key-checks-box"
CHECKBOX = "input[type=checkbox]"


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


def reopen(page: playwright_api.Page) -> playwright_api.Locator:
    """Open the saved analysis from the sidebar; its check box once the findings are drawn."""
    page.get_by_test_id("stSidebar").get_by_role("button", name=TITLE).click()
    box = page.locator(BOX)
    box.locator(".khulasa-finding").nth(2).wait_for(timeout=PAGE_TIMEOUT_MS)
    box.locator(CHECKBOX).nth(2).wait_for(state="attached", timeout=PAGE_TIMEOUT_MS)
    return box


def marks(box: playwright_api.Locator) -> list[bool]:
    return [checkbox.is_checked() for checkbox in box.locator(CHECKBOX).all()]


def test_a_checked_mark_survives_reopening_from_the_history(server: Server, db: Path) -> None:
    [entry] = History(db).list()
    with chromium() as browser:
        with open_session(browser, server.url) as first:
            box = reopen(first.page)
            assert marks(box) == [False, False, False]
            assert first.page.locator(".khulasa-translation mark.khulasa-check").count() == 2
            assert first.page.locator(".khulasa-summary mark.khulasa-check").count() == 1
            box.get_by_text("Checked", exact=True).nth(1).click()
            deadline = time.monotonic() + 30
            while not History(db).get(entry.id).checks[1].checked:
                assert time.monotonic() < deadline, "the mark did not reach the history within 30 s"
                time.sleep(0.2)
            assert not first.dialogs

        with open_session(browser, server.url) as second:
            box = reopen(second.page)
            assert marks(box) == [False, True, False]
            assert second.page.locator(".khulasa-translation mark.khulasa-check.checked").count() == 1
            assert "2 of 3 findings still open" in box.text_content()
