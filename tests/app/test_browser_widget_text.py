"""`components.widget_text.literal` in a real Chromium: text full of Markdown, HTML, Streamlit directives and bare
addresses, aimed at a loopback server that counts requests, is shown character for character by every element it
covers (the invisible word joiners that keep addresses from becoming links aside), makes no request and leaves no
link on the page. The elements are those of `widget_text_page.py`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from components.widget_text import WORD_JOINER
from tests.browser import ROOT, chromium, counting_server, dataframe_rows, playwright_api, streamlit_server

pytestmark = pytest.mark.browser

PAGE = "tests/app/widget_text_page.py"
# Elements whose text is Markdown, each with where its text is drawn; the select widgets' options are plain text.
COVERED = {
    "button label": ".st-key-button button",
    "caption": "[data-testid=stCaptionContainer]",
    "toast": "[data-testid=stToastContainer] [data-testid=stMarkdownContainer]",
    "metric label": "[data-testid=stMetricLabel]",
    "expander title": ".st-key-expander summary [data-testid=stMarkdownContainer]",
    "alert": "[data-testid=stAlertContentError]",
    "download button label": ".st-key-download button",
    "multiselect option (plain)": ".st-key-multiselect [data-tag] span[title]",
}


def hostile(base: str) -> str:
    return (f"![i]({base}/image.png) [l]({base}/link) <img src=\"{base}/html.png\"> <{base}/auto> **b** _i_ `c` "
            f":red[x] $x^2$ :smile: :material/home: # h 3.5 10:30 a\\b & &amp; ~~s~~ | t | {base}/bare "
            "www.example.org WWW.example.org desk@example.org mailto:desk@example.org")


def flat(text: str) -> str:
    """`text` as it reads: spaces folded, word joiners (invisible) left out."""
    return re.sub(r"\s+", " ", text.replace(WORD_JOINER, "")).strip()


def links(page: playwright_api.Page) -> list[str]:
    """The addresses the page's links lead to, bar its own anchors ("#...")."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    return [href for href in hrefs if not href.startswith("#")]


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[str, list[str]]]:
    with counting_server() as counter:
        yield counter


@pytest.fixture(scope="module")
def page_url(loopback: tuple[str, list[str]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base, _ = loopback
    env = {**os.environ, "KHULASA_WIDGET_TEXT": hostile(base), "PYTHONPATH": str(ROOT)}
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(env, log, script=PAGE) as server:
        yield server.url


def test_every_covered_element_shows_the_text_literally_and_fetches_nothing(
    page_url: str, loopback: tuple[str, list[str]]
) -> None:
    base, requests = loopback
    text = hostile(base)
    with chromium() as browser:
        page = browser.new_page()
        seen: list[str] = []
        page.on("request", lambda request: seen.append(request.url))
        page.goto(page_url)
        page.locator(".st-key-button button").first.wait_for(timeout=60_000)
        for element, selector in COVERED.items():
            assert flat(page.locator(selector).first.inner_text()) == text, element
        page.locator(".st-key-button button").first.hover()
        tooltip = page.get_by_test_id("stTooltipContent").first
        tooltip.wait_for(timeout=10_000)
        assert flat(tooltip.inner_text()) == text, "tooltip"
        assert links(page) == [], "links with the tooltip open"
        page.locator(".st-key-expander summary").click()
        assert page.locator(".st-key-selectbox input").input_value() == text, "selectbox value (plain)"
        assert dataframe_rows(page, ".st-key-table [data-testid=stDataFrame]") == [["Text"], [text]], "table cell"
        page.wait_for_timeout(1000)
        assert links(page) == []
    assert not [url for url in seen if url.startswith(base)]
    assert requests == []
