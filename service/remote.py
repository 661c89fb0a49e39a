"""The models of one request, as the pipeline sees them, run by the model deployments.

`analysis.pipeline.analyze_stream` runs in the ingress unchanged: its `Translator` and `Summarizer` hold a
`RemoteSeq2Seq` (the checkpoint's tokenizer here, to segment and count; `generate` there), and its recogniser is
a `RemoteRecognizer`. So a service analysis is the CLI's analysis, stage for stage.

A `Call` holds a request's calls to the deployments: cancelling it cancels those in flight (a client that went
away costs the models nothing more); a call whose replica died is sent once more (Serve has started another), and
a second loss marks the request `lost` (answered 503).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ray.exceptions import RayActorError
from ray.serve.exceptions import BackPressureError, RequestCancelledError

from core.errors import Cancelled
from core.types import Entity
from models.engine import Generation, Seq2Seq


class Lost(Exception):
    """A model deployment could not answer: its replica died twice, or its queue is full (`overloaded`)."""

    def __init__(self, role: str, overloaded: bool = False) -> None:
        super().__init__(f"the {role} is {'overloaded' if overloaded else 'unavailable'}")
        self.role, self.overloaded = role, overloaded


class Call:
    """One request's calls to the model deployments. Thread-safe: the pipeline's threads share it."""

    def __init__(self, queues: Counter, timeout_s: float) -> None:
        self.id = uuid.uuid4().hex
        self.queues, self.timeout_s = queues, timeout_s
        self.lost: Lost | None = None
        self._cancelled = threading.Event()
        self._pending: set[Any] = set()
        self._lock = threading.Lock()

    def stop(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            pending = list(self._pending)
        for response in pending:
            response.cancel()

    def gather(self, role: str, method: Any, items: Sequence[Any]) -> list[Any]:
        """`method.remote(item)` for every item at once (so a deployment can batch them), then their results in
        order; an item whose replica died is sent once more."""
        responses = [self._send(role, method, item) for item in items]
        results = []
        for item, response in zip(items, responses):
            try:
                results.append(self._wait(role, response))
            except RayActorError:
                try:
                    results.append(self._wait(role, self._send(role, method, item)))
                except RayActorError:
                    self.lost = Lost(role)
                    raise self.lost from None
        return results

    def _send(self, role: str, method: Any, item: Any) -> Any:
        if self._cancelled.is_set():
            raise Cancelled
        response = method.remote(item)
        with self._lock:
            self._pending.add(response)
            self.queues[role] += 1
        return response

    def _wait(self, role: str, response: Any) -> Any:
        try:
            return response.result(timeout_s=self.timeout_s)
        except RequestCancelledError:
            raise Cancelled from None
        except BackPressureError:
            self.lost = Lost(role, overloaded=True)
            raise self.lost from None
        finally:
            with self._lock:
                if response in self._pending:
                    self._pending.discard(response)
                    self.queues[role] -= 1


class RemoteSeq2Seq(Seq2Seq):
    """A seq2seq model whose `generate_scored` runs on a deployment, with its tokenizer and settings here."""

    def __init__(self, deployment: str, handle: Any, described: dict[str, Any], tokenizer: Any,
                 lock: threading.Lock, call: Call) -> None:
        super().__init__(described["name"], "remote", tokenizer, described["window"], described["defaults"])
        self.engine, self.window = described["engine"], described["window"]
        self.lock = lock  # the tokenizer's, shared by every request's copy
        self.deployment, self.handle, self.call = deployment, handle, call

    def generate_scored(self, texts: Sequence[str], settings: Generation) -> list[tuple[str, float]]:
        items = [(text, settings, self.count_tokens(text), self.call.id) for text in texts]
        return self.call.gather(self.deployment, self.handle.generate, items)


class RemoteRecognizer:
    """The entity model on its deployment: `find` as `models.entities.EntityRecognizer.find`."""

    def __init__(self, handle: Any, name: str, call: Call) -> None:
        self.handle, self.name, self.call = handle, name, call

    def find(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Entity]:
        return self.call.gather("ner", self.handle.find, [(text, list(spans), self.call.id)])[0]
