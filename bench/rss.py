"""Peak memory per stage: the process's resident set sampled every few milliseconds while an analysis runs, and
the spans in which each stage was busy. A stage's peak is the highest sample taken while it ran; stages that run
side by side (the summary beside the translation) share the samples of their overlap."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_kib() -> int:
    """The process's resident set now, in KiB (`/proc/self/statm`: cheaper to read than `status`)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_KIB


class RssTrace:
    """`with RssTrace() as trace:` samples the resident set in a thread until the block ends; `trace.stage(name)`
    marks a span of a stage's work; `trace.peaks()` gives each stage's highest sample, in KiB."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.interval_s = interval_s
        self.samples: list[tuple[float, int]] = []
        self.spans: dict[str, list[tuple[float, float]]] = {}
        self._done = threading.Event()
        self._lock = threading.Lock()

    def __enter__(self) -> RssTrace:
        self._thread = threading.Thread(target=self._sample, name="bench-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.samples.append((time.perf_counter(), rss_kib()))
            self._done.wait(self.interval_s)
        self.samples.append((time.perf_counter(), rss_kib()))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        self.samples.append((started, rss_kib()))
        try:
            yield
        finally:
            ended = time.perf_counter()
            self.samples.append((ended, rss_kib()))
            with self._lock:
                self.spans.setdefault(name, []).append((started, ended))

    def peaks(self) -> dict[str, int]:
        """Each stage's highest resident set while it ran, in KiB."""
        samples = sorted(self.samples)
        return {name: max((kib for at, kib in samples if any(start <= at <= end for start, end in spans)), default=0)
                for name, spans in self.spans.items()}
