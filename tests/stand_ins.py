"""Stand-ins for the parts of a model that a test is not about: the real tiny model still tokenizes and generates
(or recognises) underneath, and the stand-in then replaces its output, raises, or calls a hook first."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.engine import Generation


class EngineStandIn:
    """Wraps a real seq2seq engine. Each `generate` (or `generate_scored`) calls `before()` (e.g. to cancel a run),
    runs the real model, then raises when `failing()` says so, else returns `output` for every text when it is not
    None (an engine that writes nothing), else the real outputs. Everything else is the real engine's."""

    def __init__(self, real, *, output: str | None = None, failing: Callable[[], bool] = lambda: False,
                 before: Callable[[], None] = lambda: None) -> None:
        self.real, self.output, self.failing, self.before = real, output, failing, before
        self.calls = 0

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def generate(self, texts: Sequence[str], settings: Generation) -> list[str]:
        return [text for text, _ in self.generate_scored(texts, settings)]

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        self.calls += 1
        self.before()
        outputs = self.real.generate_scored(texts, settings)
        if self.failing():
            raise RuntimeError("the engine crashed\nsecond line of the message")
        return outputs if self.output is None else [(self.output, score) for _, score in outputs]


class RecognizerStandIn:
    """Wraps a real entity recogniser: `find` runs the model, then raises when `failing()` says so."""

    def __init__(self, real, *, failing: Callable[[], bool]) -> None:
        self.real, self.failing = real, failing
        self.calls = 0

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def find(self, text: str, spans):
        self.calls += 1
        found = self.real.find(text, spans)
        if self.failing():
            raise RuntimeError("the recogniser crashed")
        return found
