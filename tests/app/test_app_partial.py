"""Issue 19 on the page (AppTest, tiny models): a partial analysis shows what finished and, in the failed panel,
what failed and what to do, and is saved marked partial; a cancelled run is not saved; a failed or cancelled run
never shows the previous article's results."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import components.progress
from analysis.pipeline import NOTHING_WRITTEN, load_models
from analysis.worker import AnalysisRun
from history.store import History
from models.summarize import Summarizer
from tests.app.test_app import ARABIC, analyse, html_of, shown
from tests.stand_ins import EngineStandIn


def summarizer_stand_in(monkeypatch: pytest.MonkeyPatch, **stand_in) -> None:
    """The page's workers load the real tiny models, with the summarizer's engine under `EngineStandIn`."""
    def load(settings, strict=True, on_progress=None):
        models = load_models(settings, strict=strict, on_progress=on_progress)
        return replace(models, summarizer=Summarizer(EngineStandIn(models.summarizer.seq2seq, **stand_in)))

    monkeypatch.setattr(components.progress, "load_models", load)


def test_a_summary_that_comes_out_empty_leaves_a_partial_analysis_on_the_page_and_in_the_history(
    app: AppTest, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summarizer_stand_in(monkeypatch, output="")
    analyse(app)
    assert not app.exception
    assert [warning.value for warning in app.warning if "Partial analysis" in warning.value] == [
        "Partial analysis: summary failed or missing; everything else below is complete."]
    [error] = [shown(error.value) for error in app.error]
    assert error.startswith(f"Summary: {NOTHING_WRITTEN}") and "Press Analyse to try again" in error
    assert "<mark" in html_of(app, "khulasa-entities") and html_of(app, "khulasa-translation")
    assert app.download_button(key="export-download").label == "Download Markdown"
    finished = app.session_state["finished"]
    saved = History(db).get(finished.entry)
    assert saved.partial and str(saved.problem("summary")) == f"Summary: {NOTHING_WRITTEN}"


def test_a_cancelled_run_is_not_saved(app: AppTest, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[AnalysisRun] = []

    class Recorded(AnalysisRun):
        def start(self):
            runs.append(self)
            return super().start()

    monkeypatch.setattr(components.progress, "AnalysisRun", Recorded)
    summarizer_stand_in(monkeypatch, before=lambda: runs[-1].cancel())  # Cancel while the summary is written
    analyse(app)
    assert not app.exception
    assert any("Analysis cancelled" in info.value for info in app.info)
    assert "finished" not in app.session_state and History(db).list() == []


def test_a_failed_run_does_not_show_the_previous_articles_results(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the previous article's highlights and its "Download Markdown" stayed under the new error."""
    analyse(app)
    assert app.download_button(key="export-download")
    for variable in ("KHULASA_TRANSLATOR", "KHULASA_SUMMARIZER", "KHULASA_NER"):
        monkeypatch.setenv(variable, "/nonexistent/path")
    analyse(app, ARABIC)
    assert not app.exception
    assert app.error and "No model could run" in shown(app.error[0].value)
    assert not [element for element in app.html if 'class="khulasa-entities"' in element.value]
    assert not [button for button in app.main.get("download_button")]  # the sidebar keeps its glossary's
    assert app.text_area(key="article-text").value == ARABIC
