"""Hardening in a real Chromium: eight sessions at once, hostile text, and a missing model.

One server on the tiny models serves the first two tests. The concurrency test runs first, so its eight sessions
race for the first load of the models; the server runs at Streamlit's `logger.level` info, so its console shows
Khulasa's "loaded <role> model" lines, which are counted. A second server, whose translator folder does not exist,
serves the missing-model test. Only 127.0.0.1 is used, the hostile image URL included (port 9, where nothing
listens).
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.browser import (
    ARTICLE_BOX,
    DOWNLOAD_BUTTON,
    ERROR_PANEL,
    Server,
    Session,
    analyse,
    dataframe_rows,
    download_markdown,
    open_session,
    playwright_api,
    streamlit_server,
    submit,
    wait_for_results,
)

pytestmark = pytest.mark.browser

ARABIC = "بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي."
# From the OWASP XSS filter evasion cheat sheet; each is pasted in the middle of an Arabic line.
XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">',
    '"><script>alert(1)</script>',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
)
IMAGE_URL = "http://127.0.0.1:9/x.png"
# Markdown (and raw HTML) that would be syntax at the start of a line; each begins a line of the article.
MARKDOWN_PAYLOADS = (
    "| a | b |",
    "# heading",
    "[x](javascript:alert(1))",
    f"![i]({IMAGE_URL})",
    "<b>bold</b> <details open ontoggle=alert(1)>x</details>",
)
HOSTILE_ARTICLE = "\n".join(
    [f"{ARABIC} {payload} {ARABIC}" for payload in XSS_PAYLOADS]
    + ["| a | b |", "| --- | --- |"]
    + [f"{payload} {ARABIC}" for payload in MARKDOWN_PAYLOADS[1:]]
)
# Elements and attributes any of the payloads would create if its markup reached the page as HTML (the editor's
# own frame, which turns Escape into Discard, holds no article text: `components/editor.py` ESCAPE_SCRIPT).
INJECTED = ("iframe[srcdoc]:not([srcdoc*=khulasaEscape])", "img[onerror]", "img[src=x]", "svg[onload]",
            "body[onload]", "math", "mglyph",
            "details[ontoggle]", "[href^=javascript i]", "[src^=javascript i]", "[style*=javascript i]")
SCRIPTS = "[...document.scripts].map(script => script.src || script.textContent)"
INLINE_HANDLERS = (
    "[...document.querySelectorAll('*')].filter(element => [...element.attributes]"
    ".some(attribute => attribute.name.startsWith('on'))).map(element => element.outerHTML.slice(0, 120))"
)
EXPORT_HEADINGS = ["Summary", "Entities", "Translation", "Original"]

SESSIONS = 8
SESSIONS_TIMEOUT_S = 120
ROLES = ("translator", "summarizer", "ner")
MISSING_FOLDER = "/nonexistent/folder"


@pytest.fixture(scope="module")
def env(tiny_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The tiny models, and a history database of the module's own (the page saves every analysis)."""
    return {**os.environ, **tiny_env, "KHULASA_DB": str(tmp_path_factory.mktemp("history") / "history.sqlite3")}


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(env, log, "--logger.level", "info") as server:
        yield server


def marker(number: int) -> str:
    """A file number no other session's article (nor the seed story) contains."""
    return f"{4701 + number}"


def session_article(seed: str, number: int) -> str:
    """A short article of its own for session `number`: one paragraph of the seed story and a line with its marker."""
    paragraphs = [paragraph for paragraph in seed.splitlines() if paragraph.strip()]
    return f"{paragraphs[number]}\nوقال المراسل إن رقم الملف {marker(number)} محفوظ لدى الوزارة."


def render_markdown(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def table_rows(rendered: str) -> list[list[str]]:
    """The cell texts of each row of the rendered tables, header rows included."""
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", rendered, re.DOTALL)
    ]


def one_line(cells: list[str]) -> list[str]:
    return [" ".join(cell.split()) for cell in cells]


def test_eight_sessions_at_once_each_see_only_their_article_and_share_one_load_of_each_model(
    browser: playwright_api.Browser, server: Server, seed: str
) -> None:
    articles = [session_article(seed, number) for number in range(SESSIONS)]
    with ExitStack() as stack:
        sessions = [stack.enter_context(open_session(browser, server.url)) for _ in articles]
        # All eight are submitted before any is waited for: the server runs them side by side.
        deadline = time.monotonic() + SESSIONS_TIMEOUT_S
        for session, article in zip(sessions, articles):
            submit(session.page, article)
        for session in sessions:
            wait_for_results(session.page, timeout_ms=max(1, int((deadline - time.monotonic()) * 1000)))

        for number, (session, article) in enumerate(zip(sessions, articles)):
            page = session.page
            assert page.locator(ERROR_PANEL).count() == 0, page.locator(ERROR_PANEL).all_inner_texts()
            assert page.locator(".khulasa-entities").evaluate("element => element.textContent") == article
            assert marker(number) in "".join(page.locator(".khulasa-translation td.ar").all_inner_texts())
            shown = page.locator("body").inner_text() + page.locator(ARTICLE_BOX).input_value()
            assert marker(number) in shown
            assert [marker(other) for other in range(SESSIONS) if marker(other) in shown] == [marker(number)]
            assert not session.dialogs

    console = server.console()
    for role in ROLES:
        assert len(re.findall(rf"loaded {role} model .* \(load #\d+\)", console)) == 1, console


def test_hostile_text_is_shown_literally_and_never_becomes_markup(session: Session, tmp_path: Path) -> None:
    page = session.page
    scripts = page.evaluate(SCRIPTS)
    analyse(page, HOSTILE_ARTICLE)

    assert not session.dialogs
    for selector in INJECTED:
        assert page.locator(selector).count() == 0, selector
    assert page.evaluate(INLINE_HANDLERS) == []
    assert page.evaluate(SCRIPTS) == scripts
    assert not [url for url in session.requests if url.startswith(IMAGE_URL.rsplit("/", 1)[0])]

    highlighted = page.locator(".khulasa-entities")
    assert highlighted.inner_text() == highlighted.evaluate("element => element.textContent") == HOSTILE_ARTICLE
    original_column = page.locator(".khulasa-translation td.ar").all_inner_texts()
    for payload in (*XSS_PAYLOADS, *MARKDOWN_PAYLOADS):
        assert any(payload in sentence for sentence in original_column), payload

    rendered = render_markdown(download_markdown(page, tmp_path).read_text(encoding="utf-8"))
    for forbidden in ("<script", "<img", "<iframe", "<a ", "<svg", "<math", "<details", "<b>"):
        assert forbidden not in rendered
    assert re.findall(r"<h1>", rendered) == ["<h1>"]
    # The tiny translator drops digits, so the check before publishing may open the export; the rest is fixed.
    headings = re.findall(r"<h2>(.*?)</h2>", rendered)
    assert headings in (EXPORT_HEADINGS, ["Check before publishing", *EXPORT_HEADINGS]), headings
    exported = table_rows(rendered)
    assert exported and all(len(row) == 4 for row in exported)
    # The page's entity table holds what the export holds, cell for cell: entity names cut from hostile text
    # (the tiny model tags fragments such as `script>alert(1`) are shown as the literal text they are.
    assert [one_line(row) for row in dataframe_rows(page)] == [one_line(row) for row in exported]


def test_missing_translator_shows_one_error_naming_it_and_still_highlights_entities(
    browser: playwright_api.Browser, env: dict[str, str], seed: str, tmp_path: Path
) -> None:
    broken = {**env, "KHULASA_TRANSLATOR": MISSING_FOLDER}
    with streamlit_server(broken, tmp_path / "streamlit.log") as server, open_session(browser, server.url) as session:
        page = session.page
        page.get_by_role("button", name="Load sample").click()
        playwright_api.expect(page.locator(ARTICLE_BOX)).to_have_value(seed)
        page.get_by_role("button", name="Analyse", exact=True).click()
        for selector in (".khulasa-entities", ".khulasa-summary", DOWNLOAD_BUTTON):
            page.locator(selector).first.wait_for(timeout=180_000)

        errors = page.locator(ERROR_PANEL).all_inner_texts()
        assert len(errors) == 1, errors
        assert MISSING_FOLDER in errors[0] and "KHULASA_TRANSLATOR" in errors[0]
        assert page.locator(".khulasa-entities mark.entity").count() > 0
        assert page.locator(".khulasa-translation").count() == 0
        assert not session.dialogs
