"""Helpers for the browser tests: a Streamlit server on a free loopback port, headless Chromium, and the few page
actions every test needs (open a session, analyse an article, download the export, read the entity table).

A server runs in its own process group and is stopped with everything it started, whatever the test did.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_TIMEOUT_MS = 60_000
RESULTS_TIMEOUT_MS = 180_000
ARTICLE_BOX = ".st-key-article-text textarea"
FORCE_BUTTON = ".st-key-article-force button"
DOWNLOAD_BUTTON = ".st-key-export-download button"
ERROR_PANEL = "[data-testid=stAlertContentError]"
# The entity table: not the glossary's grid in the sidebar, nor the findings' in the check box.
ENTITY_TABLE = "[data-testid=stMain] [data-testid=stDataFrame]:not(.st-key-checks-box *)"
ROWS_IN_VIEW = "rows => rows.map(row => [row.getAttribute('aria-rowindex'), [...row.cells].map(c => c.textContent)])"
SCROLL_ON = (
    "element => { const bottom = element.scrollTop + element.clientHeight >= element.scrollHeight - 1;"
    " element.scrollTop = bottom ? 0 : element.scrollTop + element.clientHeight / 2 }"
)
# What a finished analysis shows: its three panels and the download button (it appears only at the end).
RESULTS = (".khulasa-entities", ".khulasa-summary", ".khulasa-translation", ".st-key-export-download")


@dataclass(frozen=True)
class Server:
    """A running app: its URL and the file its console (Streamlit's log and ours) goes to."""

    url: str
    log: Path

    def console(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit was not healthy at {url} within {timeout} s")


@contextmanager
def streamlit_server(env: Mapping[str, str], log: Path, *options: str, script: str = "app.py") -> Iterator[Server]:
    """`streamlit run <script>` (the app unless told) with `env` and extra command-line `options`, on a free port
    of 127.0.0.1.

    The file watcher is off: nothing is edited during a test, and on a busy checkout it only overflows.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
               *options]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        server = Server(f"http://127.0.0.1:{port}", log)
        wait_until_healthy(server.url, process)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop the server's whole process group: politely, then by force."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def counting_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that answers every GET with "204 No Content" and records its path: its base
    URL and the list of paths it was asked for (a page that fetched nothing leaves the list empty)."""
    paths: list[str] = []

    class Counter(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            paths.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", paths
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator[playwright_api.Browser]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass(frozen=True)
class Session:
    """One browser session on the app (its own context), with the JavaScript dialogs it opened (dismissed) and
    every URL it requested."""

    page: playwright_api.Page
    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@contextmanager
def open_session(browser: playwright_api.Browser, url: str) -> Iterator[Session]:
    """A fresh browser context on the app, loaded and ready for input; closed on exit."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
    try:
        session = Session(context.new_page())
        session.page.on("dialog", lambda dialog: (session.dialogs.append(dialog.message), dialog.dismiss()))
        session.page.on("request", lambda request: session.requests.append(request.url))
        session.page.goto(url)
        session.page.locator(ARTICLE_BOX).wait_for(timeout=PAGE_TIMEOUT_MS)
        yield session
    finally:
        context.close()


def submit(page: playwright_api.Page, article: str) -> None:
    """Paste `article` into the box and press Analyse; returns at once."""
    page.locator(ARTICLE_BOX).fill(article)
    page.get_by_role("button", name="Analyse", exact=True).click()


def analyse(page: playwright_api.Page, article: str, *, timeout_ms: int = RESULTS_TIMEOUT_MS) -> None:
    """Paste and analyse `article`, pressing "Analyse anyway" if the language check asks, until it is done."""
    submit(page, article)
    page.locator(f".khulasa-entities, {FORCE_BUTTON}").first.wait_for(timeout=timeout_ms)
    if page.locator(FORCE_BUTTON).count():
        page.locator(FORCE_BUTTON).click()
    wait_for_results(page, timeout_ms=timeout_ms)


def wait_for_results(page: playwright_api.Page, *, timeout_ms: int = RESULTS_TIMEOUT_MS) -> None:
    """Until the analysis is done: its three panels and the download button are on the page."""
    for selector in RESULTS:
        page.locator(selector).first.wait_for(timeout=timeout_ms)


def download_markdown(page: playwright_api.Page, folder: Path) -> Path:
    """Click "Download Markdown"; the file, saved in `folder` under the name the browser was offered."""
    with page.expect_download() as download_info:
        page.locator(DOWNLOAD_BUTTON).click()
    download = download_info.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return saved


def dataframe_rows(page: playwright_api.Page, selector: str = ENTITY_TABLE, timeout: float = 30) -> list[list[str]]:
    """Every row of an `st.dataframe`, header first, as the texts of the cells the grid draws.

    The grid draws on a canvas and keeps an accessible table of the rows in view only, so it is scrolled down
    half a view at a time (back to the top after the bottom, as a busy browser may redraw late) and the rows are
    gathered by their `aria-rowindex`.
    """
    grid = page.locator(selector)
    grid.scroll_into_view_if_needed()
    grid.locator("td[role=gridcell]").first.wait_for(state="attached", timeout=timeout * 1000)
    total = int(grid.locator("table[role=grid]").get_attribute("aria-rowcount"))
    scroller = grid.locator(".dvn-scroller")
    rows: dict[int, list[str]] = {}
    deadline = time.monotonic() + timeout
    while len(rows) < total:
        if time.monotonic() > deadline:
            raise TimeoutError(f"read {len(rows)} of the table's {total} rows within {timeout} s")
        for index, cells in grid.locator("tr[aria-rowindex]").evaluate_all(ROWS_IN_VIEW):
            rows[int(index)] = cells
        scroller.evaluate(SCROLL_ON)
        page.wait_for_timeout(200)
    return [rows[index] for index in sorted(rows)]
