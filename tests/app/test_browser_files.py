"""Upload and history in a real Chromium: a Word file is uploaded and analysed, then reopened from the history
in a new session (a reload) without analysing again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from history.store import History
from tests.browser import (
    ARTICLE_BOX,
    Server,
    chromium,
    open_session,
    playwright_api,
    streamlit_server,
    wait_for_results,
)
from tests.sample_files import make_docx

pytestmark = pytest.mark.browser

ARTICLE = ["بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي.",
           "وقال الوزير إن البلدين يعملان معا من أجل الاستقرار في المنطقة."]
TITLE = "Two ministers on the phone"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history") / "history.sqlite3"


@pytest.fixture(scope="module")
def server(tiny_env: dict[str, str], db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, **tiny_env, "KHULASA_DB": str(db)}
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


def panel_texts(page: playwright_api.Page) -> tuple[str | None, ...]:
    return tuple(page.locator(selector).first.text_content() for selector in (".khulasa-summary",
                                                                              ".khulasa-translation"))


def test_uploaded_docx_is_saved_and_reopened_from_history_in_a_new_session(server: Server, db: Path) -> None:
    with chromium() as browser:
        with open_session(browser, server.url) as first:
            page = first.page
            page.locator(".st-key-upload-file input[type=file]").set_input_files(files=[{
                "name": "khabar.docx", "buffer": make_docx(ARTICLE, title=TITLE),
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}])
            page.wait_for_function(f"() => document.querySelector('{ARTICLE_BOX}').value.length > 0")
            assert page.locator(ARTICLE_BOX).input_value() == "\n".join(ARTICLE)
            page.get_by_role("button", name="Analyse", exact=True).click()
            wait_for_results(page)
            summary, translation = panel_texts(page)
            assert not first.dialogs
        [entry] = History(db).list()
        assert (entry.title, entry.source) == (TITLE, "khabar.docx")

        with open_session(browser, server.url) as second:
            page = second.page
            assert page.locator(".khulasa-summary").count() == 0
            page.get_by_test_id("stSidebar").get_by_role("button", name=TITLE).click()
            wait_for_results(page)
            assert panel_texts(page) == (summary, translation)
            assert page.locator(ARTICLE_BOX).input_value() == "\n".join(ARTICLE)
            assert page.get_by_text("Done in").count() == 0  # no analysis ran: the status box never appeared
            assert not second.dialogs
