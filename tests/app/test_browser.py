"""The page in a real Chromium against a running Streamlit server on the tiny models.

One server per module, started with the helpers in `tests/browser.py`; hostile text, concurrent sessions and a
missing model are in `test_browser_hardening.py`. The CLI run the download is compared with is started before the
page is driven, so the two analyses run at the same time. Set KHULASA_UPDATE_SCREENSHOT=1 to refresh
`docs/screenshot.png` from this run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser import (
    ARTICLE_BOX,
    ROOT,
    Server,
    Session,
    download_markdown,
    streamlit_server,
    wait_for_results,
)

pytestmark = pytest.mark.browser


def without_generated_line(markdown: str) -> str:
    return re.sub(r"^Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC$", "Generated <time>", markdown, count=1,
                  flags=re.MULTILINE)


def save_small_copy(screenshot: Path, target: Path) -> None:
    """The screenshot in 64 colours (about a third of the bytes), for the README."""
    from PIL import Image

    with Image.open(screenshot) as image:
        image.convert("RGB").quantize(colors=64).save(target, optimize=True)


@pytest.fixture(scope="module")
def env(tiny_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The tiny models, and a history database of the module's own (the page saves every analysis)."""
    return {**os.environ, **tiny_env, "KHULASA_DB": str(tmp_path_factory.mktemp("history") / "history.sqlite3")}


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the tiny models; stopped (with anything it started) when the module is done."""
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


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


def test_sample_article_end_to_end(session: Session, seed: str, cli_markdown: Callable[[], str],
                                   tmp_path: Path) -> None:
    page = session.page
    box = page.locator(ARTICLE_BOX)
    box.fill(seed)
    page.get_by_role("button", name="Analyse", exact=True).click()
    wait_for_results(page)

    assert box.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert page.locator(".khulasa-translation").count() == 1
    assert page.locator(".khulasa-entities").evaluate("element => element.textContent") == seed
    mark = page.locator(".khulasa-entities mark.entity").first
    assert mark.get_attribute("data-label") and mark.get_attribute("title")
    assert mark.evaluate("element => getComputedStyle(element, '::after').content") != "none"

    page.get_by_role("heading", name="Summary", exact=True).evaluate("element => element.scrollIntoView()")
    screenshot = tmp_path / "screenshot.png"
    page.screenshot(path=screenshot)
    if os.environ.get("KHULASA_UPDATE_SCREENSHOT") == "1":
        save_small_copy(screenshot, ROOT / "docs" / "screenshot.png")

    saved = download_markdown(page, tmp_path)
    assert re.fullmatch(r"khulasa-\d{4}-\d\d-\d\d-.+\.md", saved.name)
    assert without_generated_line(saved.read_text(encoding="utf-8")) == without_generated_line(cli_markdown())

    assert not session.dialogs
