"""A batch in its own thread, so the page that started it stays usable and a click elsewhere does not kill it.

A `BatchRun` loads the models and analyses the files one after another in a daemon thread, keeping a `BatchView`
(done/total, the file in progress, the finished rows) under a lock for the page to read as often as it likes.
It stops between two files on `cancel()` or when its browser session is gone (`analysis.worker.StopSignal`): the
rows finished so far stay. Each finished row is handed to `save` on the worker thread (the history opens a
connection per call, so that is safe); a save that fails is kept as a warning and costs only the history entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from analysis.pipeline import Options
from analysis.worker import CANCELLED, DONE, ENDED, FAILED, LOADING, RUNNING, BackgroundRun, Loader
from batches.batch import Analyse, BatchItem, Source, analyze_one, source_name
from core.errors import KhulasaError
from core.settings import Settings

log = logging.getLogger("khulasa.batch")

UNEXPECTED = "The batch stopped unexpectedly; the server log has the details. The files finished so far are kept."

Save = Callable[[BatchItem], object]


@dataclass(frozen=True)
class BatchView:
    """What a page shows of a batch at one moment: every file's name, the finished rows, the file in progress."""

    state: str
    names: tuple[str, ...]
    items: tuple[BatchItem, ...] = ()
    current: str = ""
    note: str = "Loading models…"
    error: str = ""
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    generated: datetime | None = None

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def done(self) -> int:
        return len(self.items)

    @property
    def total(self) -> int:
        return len(self.names)

    @property
    def skipped(self) -> tuple[str, ...]:
        """The files the batch never got to (cancelled, session gone, failed): with `items`, every file."""
        return self.names[self.done:] if self.ended else ()


class BatchRun(BackgroundRun[BatchView]):
    """The files of `sources`, analysed with `options` one after another: a step is one file. With `analyse` (the
    newsroom service's client) the files are analysed there and no model is loaded."""

    def __init__(self, sources: Sequence[Source], options: Options, *, load: Loader, settings: Settings,
                 save: Save | None = None, alive: Callable[[], bool] = lambda: True, grace_s: float = 10.0,
                 analyse: Analyse | None = None) -> None:
        self.sources = list(sources)
        super().__init__(BatchView(LOADING, tuple(source_name(source) for source in self.sources),
                                   note="Sending the files to the service…" if analyse else "Loading models…"),
                         name="khulasa-batch", alive=alive, grace_s=grace_s)
        self.options, self.settings, self._load, self._save = options, settings, load, save
        self._analyse = analyse

    def _work(self) -> None:
        try:
            models = None if self._analyse else self._load(lambda note: self._update(note=note))
            self._update(state=RUNNING, note="")
            for number, source in enumerate(self.sources):
                if self._stop.should_stop("batch"):
                    self._end(CANCELLED)
                    return
                self._update(current=source_name(source))
                item = analyze_one(source, models, self.settings, self.options, analyse=self._analyse)
                warning = self._saved(item)
                with self._lock:
                    self._view = replace(self._view, items=(*self._view.items, item), current="",
                                         warnings=self._view.warnings + warning)
                if self.settings.slow_down_ms and number + 1 < len(self.sources):
                    self._stop.wait(self.settings.slow_down_ms / 1000)  # tests: time to click mid-batch
            self._end(DONE)
        except KhulasaError as error:  # the service cannot be reached or refuses the key: the rows so far stay
            self._end(FAILED, error=str(error))
        except Exception:  # noqa: BLE001 - the page must survive; the rows so far stay and the log keeps the rest
            log.exception("batch failed")
            self._end(FAILED, error=UNEXPECTED)

    def _saved(self, item: BatchItem) -> tuple[str, ...]:
        """Save a finished row; a warning when that fails."""
        if self._save is None or not item.ok:
            return ()
        try:
            self._save(item)
        except KhulasaError as error:
            return (f"{item.name} was not saved to the history: {error}",)
        except Exception:  # noqa: BLE001 - a failed save costs the history entry, not the batch
            log.exception("saving %s to the history failed", item.name)
            return (f"{item.name} was not saved to the history; the server log has the details.",)
        return ()

    def _end(self, state: str, *, error: str = "") -> None:
        super()._end(state, error=error, current="", generated=datetime.now(UTC))
