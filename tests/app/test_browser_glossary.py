"""The glossary panel in a real Chromium: an uploaded file's terms appear in the sidebar's table, are still there
after a reload and download as a CSV that reads back to them, and Markdown in the file (aimed at a loopback server
that counts requests) is shown as text and fetches nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from documents.glossary import read_glossary
from history.store import History
from tests.browser import (
    ROWS_IN_VIEW,
    Server,
    chromium,
    counting_server,
    open_session,
    playwright_api,
    streamlit_server,
)

pytestmark = pytest.mark.browser

TABLE = "[class*=st-key-glossary-table] [data-testid=stDataFrame]"
WARNING = "[data-testid=stSidebar] [data-testid=stAlertContentWarning]"
TERMS = [["تركيا", "Türkiye"], ["أنقرة", "Ankara"], ["الخارجية التركية", "Ministry of Foreign Affairs, Türkiye"]]


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[str, list[str]]]:
    with counting_server() as counter:
        yield counter


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history") / "history.sqlite3"


@pytest.fixture(scope="module")
def server(tiny_env: dict[str, str], db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, **tiny_env, "KHULASA_DB": str(db)}
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


def table_rows(page: playwright_api.Page) -> list[list[str]]:
    """The rows of the glossary table, header first; the table is short enough to be drawn whole (the grid's
    helper `dataframe_rows` would wait for the editor's "add row" line, which is never drawn as a row)."""
    grid = page.locator(TABLE)
    grid.locator("td[role=gridcell]").first.wait_for(state="attached", timeout=30_000)
    return [cells for _, cells in sorted(grid.locator("tr[aria-rowindex]").evaluate_all(ROWS_IN_VIEW),
                                         key=lambda row: int(row[0]))]


def glossary_file(base: str) -> bytes:
    hostile = f"![i]({base}/image.png) [l]({base}/link)"
    rows = ["تركيا,Türkiye", f"{hostile},Egypt", "أنقرة,Ankara",
            '"الخارجية التركية","Ministry of Foreign Affairs, Türkiye"']
    return "\n".join(rows).encode()


def test_uploaded_terms_appear_survive_a_reload_download_as_csv_and_markdown_in_them_is_text(
    server: Server, db: Path, loopback: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requests = loopback
    with chromium() as browser, open_session(browser, server.url) as session:
        page = session.page
        page.locator(".st-key-glossary-file-0 input[type=file]").set_input_files(files=[{
            "name": "desk.csv", "buffer": glossary_file(base), "mimeType": "text/csv"}])
        page.locator(".st-key-glossary-table-1").wait_for(timeout=60_000)
        assert table_rows(page) == [["Arabic", "English"], *TERMS]
        warning = re.sub(r"\s+", " ", page.locator(WARNING).first.inner_text())
        assert f"line 2: '![i]({base}/image.png) [l]({base}/link)' holds no Arabic letters." in \
            warning.replace("\u2060", "")  # word joiners keep addresses from becoming links
        assert [[term.arabic, term.english] for term in History(db).glossary().terms] == TERMS

        page.reload()
        page.locator(".st-key-glossary-table-0").wait_for(timeout=60_000)
        assert table_rows(page) == [["Arabic", "English"], *TERMS]
        with page.expect_download() as download_info:
            page.locator(".st-key-glossary-download").get_by_role("button", name="Download CSV").click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        glossary, problems = read_glossary(saved.name, saved.read_bytes())
        assert [[term.arabic, term.english] for term in glossary.terms] == TERMS and problems == []
        assert not session.dialogs
    assert not [url for url in session.requests if url.startswith(base)]
    assert requests == []
