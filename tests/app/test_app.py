"""The page through Streamlit's AppTest, on the tiny models: input checks, panels, state and a missing model."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.widget_text import WORD_JOINER
from models.loading import LOAD_COUNTS

APP = Path(__file__).resolve().parents[2] / "app.py"
ANALYSE = "article-analyse"
ANALYSIS_TIMEOUT = 240
ARABIC = "بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي."
ENGLISH = "The Turkish foreign minister discussed Afghanistan and Kazakhstan with his Qatari counterpart on Sunday."


def new_app() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=120).run()


def analyse(at: AppTest, text: str | None = None) -> AppTest:
    """Paste `text` (or load the sample), press Analyse and wait until the analysis (in its worker) has ended."""
    if text is None:
        at.button(key="article-sample").click().run()
    else:
        at.text_area(key="article-text").input(text).run()
    return wait_for_analysis(at.button(key=ANALYSE).click().run())


def wait_for_analysis(at: AppTest, timeout: float = ANALYSIS_TIMEOUT, *, worker: str = "analysis-run") -> AppTest:
    """Wait for this session's worker (the analysis, or the one kept under `worker`), if one runs, then run the
    page once so it takes the result."""
    run = at.session_state[worker] if worker in at.session_state else None
    if run is not None:
        assert run.join(timeout), f"the {worker} did not end within {timeout} s"
        at.run()
    return at


def shown(markdown: str) -> str:
    """The text Streamlit shows for Markdown that `components.widget_text.literal` escaped (its word joiners are
    invisible)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def html_of(at: AppTest, css_class: str) -> str:
    """The body of the one `st.html` element whose markup uses `css_class`."""
    bodies = [element.value for element in at.html if f'class="{css_class}"' in element.value]
    assert len(bodies) == 1, f"expected one {css_class} panel, found {len(bodies)}"
    return bodies[0]


@pytest.fixture(scope="module")
def analysed(tiny_env: dict[str, str]) -> Iterator[AppTest]:
    """The page after the sample article was loaded and analysed once, with the default settings."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tiny_env.items():
            patch.setenv(name, value)
        yield analyse(new_app())


@pytest.fixture
def app(tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    return new_app()


def test_sample_is_analysed_without_exception(analysed: AppTest) -> None:
    assert not analysed.exception
    assert analysed.status[0].label.startswith("Done in")
    assert analysed.session_state["runs"] == 1


def test_load_sample_fills_the_box_and_the_text_is_kept(analysed: AppTest, seed: str) -> None:
    assert analysed.text_area(key="article-text").value == seed
    assert analysed.session_state["finished"].analysis.text == seed


def test_all_panels_are_present(analysed: AppTest) -> None:
    assert "<mark" in html_of(analysed, "khulasa-entities")
    assert html_of(analysed, "khulasa-legend")
    assert html_of(analysed, "khulasa-summary")
    assert html_of(analysed, "khulasa-translation")
    assert [table.editing_mode for table in analysed.main.dataframe] == ["fixed", "read_only"]  # findings, entities
    assert analysed.download_button(key="export-download").label == "Download Markdown"


def test_summary_is_shown_in_arabic_and_english_with_copy_blocks(analysed: AppTest) -> None:
    summary = analysed.session_state["finished"].analysis.summary
    assert summary.ar.strip() and summary.en.strip()
    assert 'dir="rtl"' in html_of(analysed, "khulasa-summary")
    assert [code.value for code in analysed.code] == [summary.ar, summary.en]


def test_translation_has_one_row_per_sentence(analysed: AppTest) -> None:
    analysis = analysed.session_state["finished"].analysis
    rows = re.findall(r'<tr class="sentence" data-sentence="(\d+)">', html_of(analysed, "khulasa-translation"))
    assert [int(index) for index in rows] == list(range(len(analysis.sentences)))
    assert len(analysis.sentences) > 1


def test_entity_filter_and_sliders_do_not_recompute(analysed: AppTest) -> None:
    finished, loads = analysed.session_state["finished"], dict(LOAD_COUNTS)
    analysed.multiselect(key="desk-labels").set_value(["PER"]).run()
    analysed.sidebar.slider(key="sidebar-summary-tokens").set_value(40).run()
    try:
        assert not analysed.exception
        assert analysed.session_state["runs"] == 1
        assert analysed.session_state["finished"] is finished
        assert LOAD_COUNTS == loads
        highlighted = html_of(analysed, "khulasa-entities")
        assert 'data-label="PER"' in highlighted and 'data-label="LOC"' not in highlighted
    finally:
        analysed.multiselect(key="desk-labels").set_value(["PER", "ORG", "LOC", "MISC"])
        analysed.sidebar.slider(key="sidebar-summary-tokens").set_value(84).run()


def test_sliders_have_sane_bounds_and_defaults(analysed: AppTest) -> None:
    tokens = analysed.sidebar.slider(key="sidebar-summary-tokens")
    beams = analysed.sidebar.slider(key="sidebar-summary-beams")
    assert (tokens.min, tokens.max, tokens.value) == (20, 128, 84)
    assert (beams.min, beams.max, beams.value) == (1, 6, 4)


def test_empty_input_gets_a_friendly_message(app: AppTest) -> None:
    analyse(app, "   \n ")
    assert not app.exception
    assert "Paste an Arabic article" in app.info[0].value
    assert "finished" not in app.session_state


def test_english_text_warns_and_analyse_anyway_runs(app: AppTest) -> None:
    analyse(app, ENGLISH)
    assert not app.exception
    assert "does not look like Arabic" in app.warning[0].value
    assert "finished" not in app.session_state

    wait_for_analysis(app.button(key="article-force").click().run())
    assert not app.exception
    assert app.session_state["finished"].analysis.text == ENGLISH
    assert not app.warning
    assert app.text_area(key="article-text").value == ENGLISH


def test_arabic_mixed_with_much_english_asks_before_analysing(app: AppTest) -> None:
    analyse(app, f"{ARABIC} {ENGLISH} {ENGLISH}")
    assert not app.exception
    assert app.warning and app.button(key="article-force").label == "Analyse anyway"
    assert "finished" not in app.session_state


def test_missing_translator_shows_one_error_and_still_shows_entities(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHULASA_TRANSLATOR", "/nonexistent/path")
    app.sidebar.slider(key="sidebar-summary-tokens").set_value(20)
    app.sidebar.slider(key="sidebar-summary-beams").set_value(1)
    analyse(app)
    assert not app.exception
    errors = [shown(error.value) for error in app.error]
    assert len(errors) == 1
    assert "translator" in errors[0] and "/nonexistent/path" in errors[0] and "KHULASA_TRANSLATOR" in errors[0]
    assert "<mark" in html_of(app, "khulasa-entities")
    assert html_of(app, "khulasa-summary")
    assert not [element for element in app.html if 'class="khulasa-translation"' in element.value]


def test_the_counter_shows_the_limit_at_once_and_analyse_says_why_it_is_disabled(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHULASA_MAX_CHARS", "100")
    app.text_area(key="article-text").input(ARABIC).run()
    [counter] = [caption.value for caption in app.caption if "of at most" in caption.value]
    assert counter.startswith(f"{len(ARABIC)} of at most 100 characters")
    assert not app.button(key=ANALYSE).disabled

    app.text_area(key="article-text").input(ARABIC + " " + ARABIC).run()
    button = app.button(key=ANALYSE)
    assert button.disabled and "over the limit" in button.help
    assert "the limit is 100" in app.warning[0].value
    assert "analysis-run" not in app.session_state
