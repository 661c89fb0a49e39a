"""The page in a real Chromium against a running Streamlit server on the tiny models.

One server per module. The CLI run the download is compared with is started before the page is driven, so the
two analyses run at the same time. Set KHULASA_UPDATE_SCREENSHOT=1 to refresh `docs/screenshot.png` from this run.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESULTS_TIMEOUT_MS = 180_000
PAYLOADS = ('<iframe srcdoc="<script>alert(1)</script>">', "<img src=x onerror=alert(1)>", "<script>alert(1)</script>")
ARABIC = "بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي."


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


def without_generated_line(markdown: str) -> str:
    return re.sub(r"^Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC$", "Generated <time>", markdown, count=1,
                  flags=re.MULTILINE)


def save_small_copy(screenshot: Path, target: Path) -> None:
    """The screenshot in 64 colours (about a third of the bytes), for the README."""
    from PIL import Image

    with Image.open(screenshot) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)


@pytest.fixture(scope="module")
def env(tiny_env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **tiny_env}


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app's URL; the server (and anything it started) is stopped when the module is done."""
    port, log = free_port(), tmp_path_factory.mktemp("server") / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def cli_markdown(env: dict[str, str]) -> Iterator[Callable[[], str]]:
    """The CLI's Markdown for the sample, started at once so it runs while the browser works; call to collect."""
    process = subprocess.Popen([sys.executable, "cli.py", "analyze", "tests/data/seed.txt", "--format", "md"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def collect() -> str:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
        return out.decode("utf-8")

    yield collect
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    """The messages of the JavaScript dialogs the page opened (there should be none)."""
    return []


@pytest.fixture
def page(browser: playwright_api.Browser, server: str, dialogs: list[str]) -> Iterator[playwright_api.Page]:
    """A fresh session on the app, its dialogs recorded in `dialogs` and dismissed."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    page.locator(".st-key-article-text textarea").wait_for(timeout=60_000)
    yield page
    context.close()


def wait_for_results(page: playwright_api.Page) -> None:
    """Until the analysis is done: its three panels and the download button are on the page."""
    for selector in (".khulasa-entities", ".khulasa-summary", ".khulasa-translation", ".st-key-export-download"):
        page.locator(selector).first.wait_for(timeout=RESULTS_TIMEOUT_MS)


def test_sample_article_end_to_end(page: playwright_api.Page, dialogs: list[str], seed: str,
                                   cli_markdown: Callable[[], str], tmp_path: Path) -> None:
    box = page.locator(".st-key-article-text textarea")
    box.fill(seed)
    box.press("Control+Enter")
    wait_for_results(page)

    assert box.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert page.locator(".khulasa-translation").count() == 1
    assert page.locator(".khulasa-entities").evaluate("element => element.textContent") == seed
    mark = page.locator(".khulasa-entities mark.entity").first
    assert mark.get_attribute("data-label") and mark.get_attribute("title")
    assert mark.evaluate("element => getComputedStyle(element, '::after').content") != "none"

    page.get_by_role("heading", name="Article and entities").evaluate("element => element.scrollIntoView()")
    screenshot = tmp_path / "screenshot.png"
    page.screenshot(path=screenshot)
    if os.environ.get("KHULASA_UPDATE_SCREENSHOT") == "1":
        save_small_copy(screenshot, ROOT / "docs" / "screenshot.png")

    with page.expect_download() as download_info:
        page.locator(".st-key-export-download button").click()
    download = download_info.value
    assert re.fullmatch(r"khulasa-\d{4}-\d\d-\d\d-.+\.md", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert without_generated_line(saved.read_text(encoding="utf-8")) == without_generated_line(cli_markdown())

    assert not dialogs


def test_html_in_the_article_is_shown_as_text_and_never_runs(page: playwright_api.Page, dialogs: list[str]) -> None:
    article = "\n".join(f"{ARABIC} {payload} {ARABIC}" for payload in PAYLOADS)
    page.locator(".st-key-article-text textarea").fill(article)
    page.get_by_role("button", name="Analyse", exact=True).click()
    force = page.locator(".st-key-article-force button")
    page.locator(".khulasa-entities, .st-key-article-force button").first.wait_for(timeout=RESULTS_TIMEOUT_MS)
    if force.count():
        force.click()
    wait_for_results(page)

    assert not dialogs
    assert page.locator("iframe[srcdoc]").count() == 0
    assert page.locator("img[src='x'], img[onerror]").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.textContent.includes('alert(1)')).length") == 0
    assert page.locator(".khulasa-entities").evaluate("element => element.textContent") == article
    original_column = "".join(page.locator(".khulasa-translation td.ar").all_text_contents())
    assert all(payload in original_column for payload in PAYLOADS)
