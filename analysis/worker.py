"""One analysis in its own thread, so the page that started it stays usable while the models work.

The page script reruns on every click; work done inside it dies with the run. An `AnalysisRun` loads the models
and consumes `analyze_stream` in a daemon thread, keeping the latest `Analysis` snapshot under a lock; the page
reads `view()` as often as it likes (in order of arrival, whatever order the pipeline yields them in). The run
stops after the model call in progress (a translation batch, the entities, one section summary, the English
summary), the summary thread included, when `cancel()` is called, or when `alive()` has said False for `grace_s`
seconds (the browser tab that wanted it is gone); a stopped run is never finished, so never saved. The models'
own locks keep one call per model at a time across runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Generic, Self, TypeVar

from analysis.pipeline import Models, Options, analyze_stream
from core.errors import Cancelled, KhulasaError
from core.settings import Settings
from core.types import Analysis, Finished

log = logging.getLogger("khulasa.worker")

LOADING, RUNNING, DONE, CANCELLED, FAILED = "loading", "running", "done", "cancelled", "failed"
ENDED = frozenset({DONE, CANCELLED, FAILED})
UNEXPECTED = ("The analysis failed unexpectedly; the server log has the details. Your text is kept: try again, "
              "or shorten the article.")

Loader = Callable[[Callable[[str], None]], Models]
# Snapshots from elsewhere (the newsroom service): text, options and `stop` in, `analyze_stream`'s snapshots out.
Streamer = Callable[[str, Options, Callable[[], bool]], Iterator[Analysis]]
View = TypeVar("View")  # a frozen dataclass with `state`, `note`, `seconds` and an `ended` property


@dataclass(frozen=True)
class RunView:
    """What a page shows of a run at one moment: its state, latest snapshot, a progress note or the error."""

    state: str
    analysis: Analysis | None
    note: str
    error: str
    seconds: float
    finished: Finished | None = None

    @property
    def ended(self) -> bool:
        return self.state in ENDED


class StopSignal:
    """Why a worker stops between two steps: `cancel()` was called, or `alive()` has said False for `grace_s`
    seconds (the browser tab that wanted the work is gone). Thread-safe; shared by the desk's and the batch's
    workers."""

    def __init__(self, alive: Callable[[], bool] = lambda: True, grace_s: float = 10.0) -> None:
        self._alive, self._grace_s = alive, grace_s
        self._cancel = threading.Event()
        self._gone_since: float | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less if cancelled meanwhile."""
        self._cancel.wait(seconds)

    def should_stop(self, what: str) -> bool:
        """Cancelled, or nobody has been there to watch for `grace_s` seconds (logged, naming `what` stopped)."""
        if self._cancel.is_set():
            return True
        if self._alive():
            self._gone_since = None
            return False
        now = time.monotonic()
        self._gone_since = self._gone_since or now
        if now - self._gone_since >= self._grace_s:
            log.info("%s stopped: its browser session is gone", what)
            return True
        return False


class BackgroundRun(Generic[View]):
    """Work done by `start()` in a daemon thread of its own, read through `view()` as often as the page likes.

    Subclasses set the first view, write `_work` (which checks `_stop` between its steps) and end it with `_end`;
    `view()` adds the seconds so far while the work runs. Thread-safe to read.
    """

    def __init__(self, first: View, *, name: str, alive: Callable[[], bool], grace_s: float) -> None:
        self._stop = StopSignal(alive, grace_s)
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._view = first
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)

    def start(self) -> Self:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop after the step in progress; what is done so far is kept."""
        self._stop.cancel()

    def view(self) -> View:
        with self._lock:
            view = self._view
        return view if view.ended else replace(view, seconds=time.monotonic() - self._started)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _work(self) -> None:
        raise NotImplementedError

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._view = replace(self._view, **changes)

    def _end(self, state: str, **changes: object) -> None:
        self._update(state=state, note="", seconds=time.monotonic() - self._started, **changes)


class AnalysisRun(BackgroundRun[RunView]):
    """An analysis of `text` with `options`: a step is one model call (a translation batch, the entities, the
    summary). With `stream`, the snapshots come from it (the newsroom service) and no model is loaded here."""

    def __init__(self, text: str, options: Options, *, load: Loader, settings: Settings,
                 alive: Callable[[], bool] = lambda: True, grace_s: float = 10.0,
                 stream: Streamer | None = None) -> None:
        super().__init__(RunView(LOADING, None, "Loading models…", "", 0.0), name="khulasa-analysis", alive=alive,
                         grace_s=grace_s)
        self.text, self.options, self.settings, self._load, self._stream = text, options, settings, load, stream

    def _snapshots(self, stop: Callable[[], bool]) -> Iterator[Analysis]:
        if self._stream is not None:
            self._update(state=RUNNING, note="")
            return self._stream(self.text, self.options, stop)
        models = self._load(lambda note: self._update(note=note))
        self._update(state=RUNNING, note="")
        return analyze_stream(self.text, models, self.settings, self.options, stop=stop)

    def _work(self) -> None:
        try:
            stop = lambda: self._stop.should_stop("analysis")  # noqa: E731
            for analysis in self._snapshots(stop):
                self._update(analysis=analysis)
                if analysis.stage != "done" and self.settings.slow_down_ms:
                    self._stop.wait(self.settings.slow_down_ms / 1000)  # tests: time to click mid-analysis
            if self._view.analysis is None or self._view.analysis.stage != "done":
                self._end(FAILED, error=UNEXPECTED)
                return
            self._end(DONE, finished=Finished(self._view.analysis, datetime.now(UTC)))
        except Cancelled:
            self._end(CANCELLED)
        except KhulasaError as error:
            self._end(FAILED, error=str(error))
        except Exception:  # noqa: BLE001 - the page must survive a model crash; the log keeps the traceback
            log.exception("analysis failed")
            self._end(FAILED, error=UNEXPECTED)

    def _end(self, state: str, *, error: str = "", finished: Finished | None = None) -> None:
        super()._end(state, error=error, finished=finished)
