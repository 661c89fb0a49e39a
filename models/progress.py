"""What the model downloads and conversions are doing now, for every session of the process to show.

One process-wide, thread-safe `BOARD`: the loader writes into it while it downloads or converts a model; the
page (any session, not only the one that started the download) and the CLI read `BOARD.snapshot()` and print
`describe(...)` of each entry.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

MB = 1_000_000


@dataclass(frozen=True)
class ModelProgress:
    """One model's download or conversion. `phase` is "download", "convert", "ready" or "failed"."""

    role: str
    name: str
    phase: str
    file: str = ""
    files_done: int = 0
    files_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    started: float = 0.0
    updated: float = 0.0
    note: str = ""

    @property
    def elapsed(self) -> float:
        return max(0.0, self.updated - self.started)

    @property
    def speed(self) -> float:
        """Bytes per second since the phase started (0 in its first second, too early to say)."""
        return self.bytes_done / self.elapsed if self.elapsed >= 1 else 0.0

    @property
    def seconds_left(self) -> float | None:
        if self.speed <= 0 or self.bytes_total <= self.bytes_done:
            return None
        return (self.bytes_total - self.bytes_done) / self.speed


class ProgressBoard:
    """The latest `ModelProgress` per role, safe to write from loader threads and read from page threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, ModelProgress] = {}
        self._milestones: list[ModelProgress] = []  # each new file, phase or note, for logs that keep them all
        self._dropped = 0

    def start(self, role: str, name: str, phase: str, *, files_total: int = 0, bytes_total: int = 0,
              note: str = "") -> None:
        now = time.monotonic()
        with self._lock:
            self._entries[role] = entry = ModelProgress(role, name, phase, files_total=files_total,
                                                        bytes_total=bytes_total, started=now, updated=now, note=note)
            self._mark(entry)

    def update(self, role: str, **changes: object) -> None:
        """Change fields of the role's entry (`add_bytes=n` adds to `bytes_done`); ignored when there is none."""
        with self._lock:
            entry = self._entries.get(role)
            if entry is None:
                return
            added = int(changes.pop("add_bytes", 0))  # type: ignore[call-overload]
            self._entries[role] = replace(entry, bytes_done=entry.bytes_done + added, updated=time.monotonic(),
                                          **changes)
            if {"file", "phase", "note"} & changes.keys():
                self._mark(self._entries[role])

    def milestones(self, since: int = 0) -> tuple[list[ModelProgress], int]:
        """The milestones after the first `since`, and the count to pass next time."""
        with self._lock:
            total = self._dropped + len(self._milestones)
            return self._milestones[max(0, since - self._dropped):], total

    def _mark(self, entry: ModelProgress) -> None:
        self._milestones.append(entry)
        if len(self._milestones) > 1000:
            self._dropped += 500
            del self._milestones[:500]

    def finish(self, role: str, *, failed: str = "") -> None:
        """Mark the role ready, or failed with a reason; the entry stays until the next `start`."""
        self.update(role, phase="failed" if failed else "ready", note=failed)

    def snapshot(self) -> tuple[ModelProgress, ...]:
        with self._lock:
            return tuple(self._entries.values())

    def active(self) -> tuple[ModelProgress, ...]:
        """Entries still downloading or converting."""
        return tuple(entry for entry in self.snapshot() if entry.phase in {"download", "convert"})

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


BOARD = ProgressBoard()


def describe(entry: ModelProgress, now: float | None = None) -> str:
    """One line a person can read, e.g. "Downloading Helsinki-NLP/opus-mt-ar-en: pytorch_model.bin (2 of 6
    files) · 120 of 308 MB · 12.5 MB/s · about 15 s left"."""
    if entry.phase == "convert":
        elapsed = (now if now is not None else time.monotonic()) - entry.started
        return f"Converting {entry.name} to {entry.note} (once) · {elapsed:.0f} s"
    if entry.phase == "ready":
        return f"{entry.name}: ready ({entry.elapsed:.0f} s)"
    if entry.phase == "failed":
        return f"{entry.name}: failed: {entry.note}"
    line = f"Downloading {entry.name}"
    if entry.file:
        line += f": {entry.file} ({min(entry.files_done + 1, entry.files_total)} of {entry.files_total} files)"
    line += f" · {entry.bytes_done / MB:,.1f} of {entry.bytes_total / MB:,.1f} MB"
    if entry.speed:
        line += f" · {entry.speed / MB:,.1f} MB/s"
    if entry.seconds_left is not None:
        line += f" · about {_duration(entry.seconds_left)} left"
    if entry.note:
        line += f" · {entry.note}"
    return line


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Printer:
    """Prints the board to a stream (the CLI's stderr) from a background thread while a `with` block runs.

    Every milestone (a new file, phase or note) gets a line; on a terminal the line of the file in progress is
    also redrawn in place each half second with its MB, speed and time left.
    """

    def __init__(self, stream, board: ProgressBoard = BOARD, interval: float = 0.5) -> None:
        self.stream, self.board, self.interval = stream, board, interval
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._seen = board.milestones()[1]

    def __enter__(self) -> Printer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._draw()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw(redraw=self.live)

    def _draw(self, redraw: bool = False) -> None:
        new, self._seen = self.board.milestones(self._seen)
        clear = "\r\033[K" if self.live else ""
        for entry in new:
            self.stream.write(clear + describe(entry) + "\n")
        active = self.board.active()
        if redraw and active:
            self.stream.write(clear + describe(active[-1])[:200])
        self.stream.flush()
