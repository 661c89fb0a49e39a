"""The analysis worker on the tiny models: it finishes on its own thread, stops when cancelled or when its session
is gone (keeping what it had), and turns failures into a message instead of an exception."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from analysis.pipeline import Models, Options, analyze, load_models
from analysis.worker import CANCELLED, DONE, FAILED, UNEXPECTED, AnalysisRun
from core.errors import ModelUnavailable
from core.settings import Settings
from models.summarize import Summarizer
from tests.stand_ins import EngineStandIn

TIMEOUT_S = 240


@pytest.fixture(scope="module")
def long_article(seed: str) -> str:
    """The seed story three times, each copy numbered, so the translation takes several batches."""
    return "\n".join(f"{paragraph} ({copy})" for copy in range(3) for paragraph in seed.splitlines() if paragraph)


@pytest.fixture(scope="module")
def small_batches(tiny_settings: Settings) -> Settings:
    return replace(tiny_settings, batch_tokens=40)


def loader(settings: Settings):
    return lambda note: load_models(settings, strict=False, on_progress=note)


def test_a_run_finishes_in_its_own_thread_with_the_same_analysis_as_analyze(
    tiny_settings: Settings, seed: str
) -> None:
    threads = []
    run = AnalysisRun(seed, Options(), settings=tiny_settings,
                      load=lambda note: threads.append(threading.current_thread()) or loader(tiny_settings)(note))
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == DONE and view.ended and not view.error
    assert threads and threads[0] is not threading.current_thread()
    expected = analyze(seed, load_models(tiny_settings), tiny_settings)
    assert replace(view.finished.analysis, timings_ms={}) == replace(expected, timings_ms={})
    assert view.analysis is view.finished.analysis


def test_cancel_stops_after_the_first_snapshot_and_keeps_it(small_batches: Settings, long_article: str) -> None:
    run = AnalysisRun(long_article, Options(), settings=small_batches, load=loader(small_batches))
    run.cancel()  # before it starts: it stops at its first chance, after the first model call's snapshot
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == CANCELLED and view.finished is None
    assert view.analysis is not None and view.analysis.stage != "done"
    assert view.analysis.text == long_article


def test_a_run_whose_session_is_gone_stops_on_its_own(small_batches: Settings, long_article: str) -> None:
    run = AnalysisRun(long_article, Options(), settings=small_batches, load=loader(small_batches),
                      alive=lambda: False, grace_s=0)
    assert run.start().join(TIMEOUT_S)
    assert run.view().state == CANCELLED


def test_a_model_that_cannot_load_is_a_message(tiny_settings: Settings, seed: str) -> None:
    def unavailable(note) -> Models:
        raise ModelUnavailable("translator", "/nowhere", "KHULASA_TRANSLATOR", "there is no folder at /nowhere")

    run = AnalysisRun(seed, Options(), settings=tiny_settings, load=unavailable)
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == FAILED and "KHULASA_TRANSLATOR" in view.error and view.analysis is None


def test_a_crash_is_a_message_and_the_log_keeps_the_traceback(
    tiny_settings: Settings, seed: str, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(note) -> Models:
        raise RuntimeError("boom")

    run = AnalysisRun(seed, Options(), settings=tiny_settings, load=crash)
    assert run.start().join(TIMEOUT_S)
    assert (run.view().state, run.view().error) == (FAILED, UNEXPECTED)
    assert "boom" in caplog.text


def test_a_cancel_during_the_translation_stops_the_summary_thread_and_nothing_is_finished(
    small_batches: Settings, long_article: str
) -> None:
    """Before: the summary went on through every section, then the English summary and the checks ran."""
    models = load_models(small_batches)
    runs: list[AnalysisRun] = []
    engine = EngineStandIn(models.summarizer.seq2seq, before=lambda: runs[0].cancel())
    watched = replace(models, summarizer=Summarizer(engine))
    run = AnalysisRun(long_article, Options(), settings=small_batches, load=lambda note: watched)
    runs.append(run)
    assert run.start().join(TIMEOUT_S)
    for thread in [thread for thread in threading.enumerate() if thread.name.startswith("khulasa-summary")]:
        thread.join(TIMEOUT_S)
    view = run.view()
    assert view.state == CANCELLED and view.finished is None
    assert engine.calls == 1
    assert view.analysis is None or view.analysis.stage != "done"


def test_a_summarizer_that_writes_nothing_ends_done_and_partial_not_failed(
    tiny_settings: Settings, long_article: str
) -> None:
    """Before: IndexError, and the page said "The analysis failed unexpectedly"."""
    models = load_models(tiny_settings)
    blank = replace(models, summarizer=Summarizer(EngineStandIn(models.summarizer.seq2seq, output="")))
    run = AnalysisRun(long_article, Options(), settings=tiny_settings, load=lambda note: blank)
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == DONE and view.finished is not None
    assert view.finished.analysis.partial and view.finished.analysis.problem("summary")
    assert all(sentence.translation for sentence in view.finished.analysis.sentences)
