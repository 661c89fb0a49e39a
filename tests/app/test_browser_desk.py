"""The desk under a journalist's hands, in a real Chromium: clicks during an analysis, Cancel, the live counter,
and article text that carries Markdown images, links and HTML aimed at a loopback server that counts requests.

The server runs with `KHULASA_SLOW_DOWN_MS` (the analysis waits after each snapshot) and small translation
batches, so an analysis on the tiny models lasts long enough to click during it. Every article is new to the
server (numbered sentences), so no sentence comes from the translation cache.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.widget_text import WORD_JOINER
from history.store import History
from tests.browser import (
    ARTICLE_BOX,
    ERROR_PANEL,
    RESULTS_TIMEOUT_MS,
    Server,
    Session,
    analyse,
    counting_server,
    open_session,
    playwright_api,
    streamlit_server,
    submit,
    wait_for_results,
)

pytestmark = pytest.mark.browser

SLOW_DOWN_MS = 700
MAX_CHARS = 4000
CANCEL = ".st-key-analysis-cancel button >> nth=0"
COUNTER = "[data-testid=stCaptionContainer]:has-text('of at most')"
SENTENCE = "وقال المتحدث باسم الوزارة إن الاجتماع رقم {number} بحث ملفات التعاون بين البلدين."
_numbers = itertools.count(1000)


def long_article(sentences: int = 14) -> str:
    """An article of numbered sentences no other test used, three to a paragraph."""
    lines = [SENTENCE.format(number=next(_numbers)) for _ in range(sentences)]
    return "\n".join(" ".join(lines[start:start + 3]) for start in range(0, len(lines), 3))


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[str, list[str]]]:
    with counting_server() as counter:
        yield counter


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("history") / "history.sqlite3"


@pytest.fixture(scope="module")
def server(tiny_env: dict[str, str], db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {**os.environ, **tiny_env, "KHULASA_DB": str(db),
           "KHULASA_SLOW_DOWN_MS": str(SLOW_DOWN_MS), "KHULASA_BATCH_TOKENS": "40", "KHULASA_MAX_CHARS": str(MAX_CHARS)}
    with streamlit_server(env, tmp_path_factory.mktemp("server") / "streamlit.log") as server:
        yield server


def start(page: playwright_api.Page, article: str) -> None:
    """Submit `article` and wait until its first snapshot is on the page while it still runs (the first analysis
    on a server loads the models first)."""
    submit(page, article)
    page.locator(".khulasa-entities").wait_for(timeout=RESULTS_TIMEOUT_MS)
    page.locator(CANCEL).wait_for(timeout=30_000)


def test_changing_the_filter_and_a_slider_mid_analysis_keeps_it_running_to_the_end(session: Session) -> None:
    page = session.page
    start(page, long_article(24))  # long enough to still run after two reruns on a slow machine
    chips = page.locator(".st-key-desk-labels [data-tag]")
    playwright_api.expect(chips).to_have_count(4, timeout=30_000)
    page.locator(".st-key-desk-labels input[role=combobox]").click()
    page.keyboard.press("Backspace")  # removes the last type from the filter
    page.keyboard.press("Escape")
    playwright_api.expect(chips).to_have_count(3, timeout=30_000)
    assert page.locator(CANCEL).is_visible(), "the filter was changed after the analysis ended: too late to test"

    page.get_by_test_id("stSidebar").get_by_role("slider").first.focus()  # "Summary length"
    page.keyboard.press("ArrowLeft")
    page.get_by_text("they apply to the next analysis").wait_for(timeout=30_000)
    assert page.locator(CANCEL).is_visible(), "the slider moved after the analysis ended: too late to test"

    wait_for_results(page)
    assert page.locator(".khulasa-translation td.pending").count() == 0
    assert page.locator(ERROR_PANEL).count() == 0
    assert chips.count() == 3
    assert not session.dialogs


def test_cancel_stops_the_analysis_and_keeps_the_text(session: Session) -> None:
    page = session.page
    article = long_article()
    start(page, article)
    page.locator(CANCEL).click()
    page.get_by_text("Analysis cancelled").wait_for(timeout=30_000)
    page.wait_for_timeout(SLOW_DOWN_MS)  # the rerun that showed the message finishes drawing the desk
    pending = page.locator(".khulasa-translation td.pending").count()
    assert pending > 0
    page.wait_for_timeout(3 * SLOW_DOWN_MS)  # a run still going would have translated more by now
    assert page.locator(".khulasa-translation td.pending").count() == pending
    assert page.locator(CANCEL).count() == 0 and page.locator(".st-key-export-download").count() == 0
    assert page.locator(ARTICLE_BOX).input_value() == article


def test_cancel_once_the_translation_is_done_stops_the_summary_and_saves_nothing(session: Session, db: Path) -> None:
    page = session.page
    article = long_article(24)
    start(page, article)
    playwright_api.expect(page.locator(".khulasa-translation td.pending")).to_have_count(0, timeout=120_000)
    assert page.locator(CANCEL).is_visible(), "the analysis ended with its translation: too late to test"
    page.locator(CANCEL).click()
    page.get_by_text("Analysis cancelled").wait_for(timeout=30_000)
    page.wait_for_timeout(3 * SLOW_DOWN_MS)
    assert page.locator(".st-key-export-download").count() == 0 and page.locator(CANCEL).count() == 0
    assert page.locator(ARTICLE_BOX).input_value() == article
    number = article.split("رقم ")[1].split()[0]  # this article's first sentence number, in no other article
    assert not History(db).list(number), "a cancelled run was saved to the history"


def test_the_counter_follows_typed_text_and_the_limit_shows_at_once(session: Session) -> None:
    page = session.page
    box = page.locator(ARTICLE_BOX)
    box.click()
    box.press_sequentially("خبر عاجل")
    box.press("Tab")
    playwright_api.expect(page.locator(COUNTER)).to_contain_text(f"8 of at most {MAX_CHARS:,} characters · 2 words")
    analyse_button = page.get_by_role("button", name="Analyse", exact=True)
    assert analyse_button.is_enabled()

    box.fill("خبر " * (MAX_CHARS // 4 + 1))
    box.press("Tab")
    playwright_api.expect(analyse_button).to_be_disabled()
    page.get_by_text(f"the limit is {MAX_CHARS:,}").wait_for()


def hostile_article(base: str) -> str:
    """Markdown images, links and HTML aimed at the loopback server, in the first line and in the middle."""
    markup = (f"![صورة]({base}/image.png) [رابط]({base}/link) <img src=\"{base}/html.png\"> "
              f"<{base}/autolink> [ref]: {base}/reference")
    return "\n".join([f"{markup} {SENTENCE.format(number=next(_numbers))}", long_article(3),
                      f"{SENTENCE.format(number=next(_numbers))} {markup}", long_article(3)])


def test_markdown_in_an_article_makes_no_request_from_the_page_the_history_or_its_tooltips(
    browser: playwright_api.Browser, server: Server, loopback: tuple[str, list[str]]
) -> None:
    base, requests = loopback
    with open_session(browser, server.url) as first:
        analyse(first.page, hostile_article(base))
        assert first.page.locator(ERROR_PANEL).count() == 0
    with open_session(browser, server.url) as second:
        page = second.page
        entry = page.locator("[class*=st-key-history-open-] button").first
        entry.hover()
        page.get_by_test_id("stTooltipContent").first.wait_for(timeout=10_000)
        # Shown as the literal text it is (word joiners keep its addresses from being links) and links nowhere.
        assert "![" in entry.inner_text() and base in entry.inner_text().replace(WORD_JOINER, "")
        assert page.locator(f'a[href^="{base}"]').count() == 0
        # The Arabic title runs right to left, so a title too long for its button shows its start, at the right.
        label_right = entry.locator("p").first.evaluate("element => element.getBoundingClientRect().right")
        assert label_right <= entry.evaluate("element => element.getBoundingClientRect().right")
        entry.click()
        wait_for_results(page)
        page.locator(".khulasa-entities mark.entity").first.hover()
        page.locator("[class*=st-key-history-delete-] button").first.hover()
        page.wait_for_timeout(1000)
        assert page.locator(f'a[href^="{base}"]').count() == 0
        assert not [url for url in second.requests if url.startswith(base)]
    assert requests == []
