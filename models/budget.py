"""One memory budget shared by the engine calls that run at once (the summary beside the translation): the
translator and the summarizer hold it around each engine call.

Beam search keeps every hypothesis's attention caches: an engine call's memory grows with its hypotheses times
the tokens each holds (source + generated). Measured with CTranslate2 int8 and beam 4 on opus-mt-ar-en and
mT5-base, about 0.033 MB per hypothesis token for both (BENCHMARKS.md). Each call is bounded by its own budget
(translation batches, summary sections); this bounds their sum: a call that would take the calls running at once
over `DECODE_TOKENS` waits until they are done. A call alone always runs, whatever its size.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from models.engine import Generation

# A full translation batch (`BATCH_TOKENS` 1,000 × 4 beams) beside a one-section summary (4 × (512 + 83)):
# 6,380 hypothesis tokens, about 0.21 GB; so the seed story (at most 6,076 on the bench) never waits, and a longer
# article's two-section summary call (4 × 2 × (495 + 64) = 4,472 on the bench) takes turns with the larger batches.
DECODE_TOKENS = 6_400


class DecodeBudget:
    """`with budget.hold(cost):` runs the block once the calls holding the budget leave room for `cost`
    hypothesis tokens (at once when none holds it)."""

    def __init__(self, tokens: int = DECODE_TOKENS) -> None:
        self.tokens = tokens
        self.used = self.waiting = self.calls = 0
        self._changed = threading.Condition()
        self._here = threading.local()

    def room(self) -> float:
        """The hypothesis tokens a call starting now may take without waiting: unbounded when none holds the budget
        (a call alone always runs)."""
        with self._changed:
            return self.tokens - self.used if self.used else float("inf")

    def fits(self, cost: int) -> bool:
        """Whether a call of `cost` may start now."""
        return self.used == 0 or self.used + cost <= self.tokens

    @contextmanager
    def hold(self, cost: int) -> Iterator[None]:
        with self._changed:
            self.waiting += 1
            self._changed.wait_for(lambda: self.fits(cost))
            self.waiting -= 1
            self.used += cost
            self._here.others = self.calls
            self.calls += 1
        try:
            yield
        finally:
            with self._changed:
                self.used -= cost
                self.calls -= 1
                self._here.others = 0
                self._changed.notify_all()

    def share(self, workers: int) -> int:
        """How many of an engine's `workers` (one per core, `models.ct2.engine_threads`) the call this thread
        holds the budget for may use: one core less for each call that was running when it started, at least
        one. The summary beside the translation then keeps a core to itself: it is one long call on one worker,
        the longest path through the analysis, and a third thread on two cores slows it down."""
        return max(1, workers - getattr(self._here, "others", 0))


DECODE_BUDGET = DecodeBudget()


def decode_cost(texts: int, longest: int, settings: Generation) -> int:
    """Hypothesis tokens a call of `texts` sources, the longest `longest` tokens, holds at most: texts × beams ×
    (longest source + tokens generated)."""
    return texts * settings.num_beams * (longest + settings.max_new_tokens)
