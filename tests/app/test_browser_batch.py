"""The batch in a real Chromium: its progress refreshes on its own, and a click elsewhere mid-batch (which reruns
the page script) does not stop it; every file's row and the .zip arrive, and each analysed file is saved once.

The server runs with `KHULASA_SLOW_DOWN_MS`, so the worker waits after each file and there is time to click.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from history.store import History
from tests.browser import (
    ARTICLE_BOX,
    ERROR_PANEL,
    RESULTS_TIMEOUT_MS,
    Server,
    Session,
    dataframe_rows,
    playwright_api,
    streamlit_server,
)
from tests.sample_files import make_docx

pytestmark = pytest.mark.browser

SLOW_DOWN_MS = 3000
ARTICLE = ["بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي.",
           "وقال الوزير إن البلدين يعملان معا من أجل الاستقرار في المنطقة."]
PROGRESS = "[data-testid=stExpander] [data-testid=stProgress]"
DOWNLOAD = ".st-key-batch-download button"
CANCEL = ".st-key-batch-cancel button >> nth=0"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history") / "history.sqlite3"


@pytest.fixture(scope="module")
def server(tiny_env: dict[str, str], db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, **tiny_env, "KHULASA_DB": str(db), "KHULASA_SLOW_DOWN_MS": str(SLOW_DOWN_MS)}
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


def test_a_click_elsewhere_mid_batch_does_not_stop_it_and_every_row_arrives(session: Session, db: Path) -> None:
    page = session.page
    page.get_by_text("Batch", exact=True).click()  # opens the expander
    page.locator(".st-key-batch-files input[type=file]").set_input_files(files=[
        {"name": "one.docx", "buffer": make_docx(ARTICLE), "mimeType": "application/octet-stream"},
        {"name": "broken.pdf", "buffer": b"not a pdf at all", "mimeType": "application/pdf"},
        {"name": "two.txt", "buffer": ARTICLE[1].encode(), "mimeType": "text/plain"}])
    page.get_by_role("button", name="Analyse all").click()
    progress = page.locator(PROGRESS)
    playwright_api.expect(progress.first).to_contain_text("1/3", timeout=RESULTS_TIMEOUT_MS)  # the fragment refreshed

    page.locator(".st-key-article-sample button").click()  # a click elsewhere: the whole page script reruns
    page.wait_for_function(f"() => document.querySelector('{ARTICLE_BOX}').value.length > 0")
    assert page.locator(CANCEL).is_visible(), "the batch ended before the click: too late to test"

    page.locator(DOWNLOAD).wait_for(timeout=RESULTS_TIMEOUT_MS)
    rows = dataframe_rows(page, "[data-testid=stExpander] [data-testid=stDataFrame]")
    assert [row[0] for row in rows[1:]] == ["one.docx", "broken.pdf", "two.txt"]
    assert rows[1][2] == "analysed" and rows[3][2] == "analysed" and "broken.pdf" in rows[2][2]
    assert progress.count() == 0 and page.locator(CANCEL).count() == 0 and page.locator(ERROR_PANEL).count() == 0
    assert sorted(entry.source for entry in History(db).list()) == ["one.docx", "two.txt"]
    assert not session.dialogs
