"""The model deployments: each replica loads its model once and runs the calls of many requests together
(`@serve.batch`); and the `Metrics` deployment that counts what they do.

A seq2seq call is one text and its decoding settings; a batch runs one `generate` per distinct settings, so a
translation never depends on the other requests in its batch (the translator batches by output limit already,
`models.translate`). Translator batches are cut by padded source tokens (`KHULASA_BATCH_TOKENS`), the
summarizer's and the recogniser's by count. The model call runs in a thread, so the replica keeps taking calls.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from typing import Any

from ray import serve

from core.faults import die
from core.settings import Settings
from models.engine import Generation
from models.entities import load_recognizer
from models.seq2seq import load_seq2seq
from service.metrics import Registry

# One seq2seq call: (text, decoding settings, its padded source tokens, the request it serves).
Item = tuple[str, Generation, int, str]
NER_BATCH = 16


def _padded(items: list[Item]) -> int:
    """A batch's padded source size: longest × count, as `models.translate` budgets it."""
    return max(item[2] for item in items) * len(items)


@serve.deployment(ray_actor_options={"num_cpus": 0}, max_ongoing_requests=1000)
class Metrics:
    """The service's counters, fed by the other deployments and the ingress, read by `/metrics`."""

    def __init__(self) -> None:
        self.registry = Registry()

    def batch(self, deployment: str, size: int, callers: int) -> None:
        self.registry.batch(deployment, size, callers)

    def request(self, route: str, status: int, seconds: float) -> None:
        self.registry.request(route, status, seconds)

    def first_snapshot(self, seconds: float) -> None:
        self.registry.first_snapshot(seconds)

    def render(self, queues: dict[str, int], cancelled: int) -> str:
        return self.registry.render(queues, cancelled)


@serve.deployment
class Seq2SeqModel:
    """A translator (`role` "translator", deployed once per mode) or the summarizer, loaded once per replica;
    `batch_tokens` is the padded source tokens a batch may hold."""

    def __init__(self, role: str, deployment: str, name: str, settings: Settings, metrics: Any,
                 batch_tokens: int, batch_wait_s: float) -> None:
        self.role, self.deployment, self.metrics = role, deployment, metrics
        self.seq2seq = load_seq2seq(role, name, settings.device, settings.engine,
                                    restrict_output=settings.restrict_output)
        self.generate.set_max_batch_size(batch_tokens)
        self.generate.set_batch_wait_timeout_s(batch_wait_s)

    def describe(self) -> dict[str, Any]:
        """What the ingress needs to count tokens and decode as this replica does."""
        return {"name": self.seq2seq.name, "engine": self.seq2seq.engine, "window": self.seq2seq.window,
                "defaults": self.seq2seq.defaults, "pid": os.getpid()}

    @serve.batch(max_batch_size=1200, batch_wait_timeout_s=0.02, batch_size_fn=_padded)
    async def generate(self, items: list[Item]) -> list[tuple[str, float]]:
        """Each item's best hypothesis and its score (`Seq2Seq.generate_scored`), one engine call per settings."""
        await _fault_if_asked([item[0] for item in items])
        groups: dict[Generation, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            groups[item[1]].append(index)
        outputs: list[tuple[str, float]] = [("", 0.0)] * len(items)
        for settings, indices in groups.items():
            found = await asyncio.to_thread(self.seq2seq.generate_scored, [items[i][0] for i in indices], settings)
            for index, output in zip(indices, found):
                outputs[index] = output
        self.metrics.batch.remote(self.deployment, len(items), len({item[3] for item in items}))
        return outputs


@serve.deployment
class RecognizerModel:
    """The entity model, loaded once per replica; a batch is the `find` calls of several requests."""

    def __init__(self, settings: Settings, metrics: Any, batch_wait_s: float) -> None:
        self.metrics = metrics
        self.recognizer = load_recognizer(settings.ner, settings.device, settings.engine)
        self.find.set_batch_wait_timeout_s(batch_wait_s)

    def describe(self) -> dict[str, Any]:
        return {"name": self.recognizer.name, "engine": "ctranslate2" if self.recognizer.quantization else
                "transformers", "pid": os.getpid()}

    @serve.batch(max_batch_size=NER_BATCH, batch_wait_timeout_s=0.02)
    async def find(self, items: list[tuple[str, list[tuple[int, int]], str]]) -> list[list]:
        await _fault_if_asked([item[0] for item in items])
        found = await asyncio.to_thread(lambda: [self.recognizer.find(text, spans) for text, spans, _ in items])
        self.metrics.batch.remote("ner", len(items), len({item[2] for item in items}))
        return found


async def _fault_if_asked(texts: list[str]) -> None:
    """Fault injection for the tests: a batch holding a text that contains `KHULASA_SERVE_STALL` waits 3 s (a slow
    model); the replica's process dies on a text equal to `KHULASA_SERVE_CRASH`, once if
    `KHULASA_SERVE_CRASH_MARKER` names a file (created on the first crash), else every time."""
    stall = os.environ.get("KHULASA_SERVE_STALL")
    if stall and any(stall in text for text in texts):
        await asyncio.sleep(3)
    wanted = os.environ.get("KHULASA_SERVE_CRASH")
    if wanted and wanted in texts:
        die("KHULASA_SERVE_CRASH_MARKER")
