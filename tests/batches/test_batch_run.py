"""The batch worker on the tiny models: it runs on its own thread, says which file it is on, stops after the file
in progress when cancelled or when its session is gone, and accounts for every file (a row, or skipped)."""

from __future__ import annotations

import threading

import pytest

from analysis.pipeline import Models, Options, load_models
from analysis.worker import CANCELLED, DONE, FAILED
from batches.batch import BatchItem
from batches.batch_run import UNEXPECTED, BatchRun, BatchView
from core.errors import HistoryError
from core.settings import Settings

TIMEOUT_S = 240
ARTICLE = "بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي."


@pytest.fixture(scope="module")
def models(tiny_settings: Settings) -> Models:
    return load_models(tiny_settings)


@pytest.fixture
def sources() -> list[tuple[str, bytes]]:
    return [("one.txt", ARTICLE.encode()), ("broken.pdf", b"not a pdf at all"),
            ("english.txt", b"The minister met his counterpart in Ankara."), ("two.txt", ARTICLE.encode())]


def batch(sources, models: Models, settings: Settings, **options) -> BatchRun:
    return BatchRun(sources, Options(), settings=settings, load=lambda note: models, **options)


def test_a_batch_runs_in_its_own_thread_and_reports_each_file_in_order(
    sources, models: Models, tiny_settings: Settings
) -> None:
    seen: list[tuple[BatchView, threading.Thread]] = []
    run = batch(sources, models, tiny_settings,
                save=lambda item: seen.append((run.view(), threading.current_thread())))
    assert run.view().total == 4 and run.view().done == 0 and not run.view().ended
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == DONE and not view.error and view.generated is not None
    assert [item.name for item in view.items] == ["one.txt", "broken.pdf", "english.txt", "two.txt"]
    assert [item.ok for item in view.items] == [True, False, False, True]
    assert "broken.pdf" in view.items[1].error and view.items[2].error
    assert view.skipped == () and view.current == ""
    # `save` sees only the analysed files, on the worker's thread, while the view names the file in progress.
    assert [(progress.done, progress.current) for progress, _ in seen] == [(0, "one.txt"), (3, "two.txt")]
    assert all(thread is not threading.current_thread() for _, thread in seen)


def test_cancel_stops_after_the_file_in_progress_and_keeps_the_finished_rows(
    sources, models: Models, tiny_settings: Settings
) -> None:
    run = batch(sources, models, tiny_settings, save=lambda item: run.cancel())
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == CANCELLED
    assert [item.name for item in view.items] == ["one.txt"] and view.items[0].ok
    assert view.skipped == ("broken.pdf", "english.txt", "two.txt")
    assert tuple(item.name for item in view.items) + view.skipped == view.names


def test_a_batch_whose_session_is_gone_stops_before_the_next_file(
    sources, models: Models, tiny_settings: Settings
) -> None:
    alive = threading.Event()
    alive.set()
    run = batch(sources, models, tiny_settings, alive=alive.is_set, grace_s=0,
                save=lambda item: alive.clear())  # the tab closes while the first file is analysed
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == CANCELLED and [item.name for item in view.items] == ["one.txt"]
    assert view.skipped == ("broken.pdf", "english.txt", "two.txt")


def test_a_failed_save_is_a_warning_and_the_row_stays(sources, models: Models, tiny_settings: Settings) -> None:
    def save(item: BatchItem) -> None:
        raise HistoryError("The history database is locked.")

    run = batch(sources[:1], models, tiny_settings, save=save)
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == DONE and view.items[0].ok
    assert view.warnings == ("one.txt was not saved to the history: The history database is locked.",)


def test_an_unexpected_failure_ends_the_batch_with_a_message(sources, tiny_settings: Settings) -> None:
    def load(note):
        raise RuntimeError("out of memory")

    run = BatchRun(sources, Options(), settings=tiny_settings, load=load)
    assert run.start().join(TIMEOUT_S)
    view = run.view()
    assert view.state == FAILED and view.error == UNEXPECTED
    assert view.items == () and view.skipped == view.names
