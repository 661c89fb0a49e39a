"""Analyses from the newsroom service: `POST /v1/analyze` and the NDJSON snapshots of `/v1/analyze/stream`, turned
back into `Analysis` records; the service's errors become Khulasa's own, with its message.

A stopped stream closes its connection, and the service cancels the analysis (its model calls included).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from analysis.pipeline import Options
from core.errors import Cancelled, InputError, KhulasaError, NotArabic
from core.types import Analysis
from documents.glossary import to_csv
from documents.serialize import from_json

# The CLI's exit code for each of the service's error codes; the others (keys, limits, an unreachable or overloaded
# service) are 5, as for a Ray cluster that cannot be reached.
EXIT_CODES = {"bad_input": 2, "too_long": 2, "too_large": 2, "invalid_request": 2, "not_arabic": 3,
              "model_missing": 4}
POLL_S = 0.2


class ServiceRefused(KhulasaError):
    """The service answered with an error (or could not be reached): its message, and the CLI's exit code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.exit_code = code, EXIT_CODES.get(code, 5)


@dataclass(frozen=True)
class ServiceClient:
    """The service at `url` (e.g. http://desk-server:8000), called with `key` (none for a loopback service)."""

    url: str
    key: str = ""
    timeout_s: float = 600.0

    def body(self, text: str, options: Options, mode: str, **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text, "force": options.force, "translation": mode, **extra}
        if options.summary_kind != "abstractive":
            body["summary"] = options.summary_kind.replace("_", "-")
        if options.key_sentences:
            body["key_sentences"] = options.key_sentences
        if options.summary_tokens:
            body["summary_tokens"] = options.summary_tokens
        if options.summary_beams:
            body["summary_beams"] = options.summary_beams
        if options.glossary and options.glossary.terms:
            body["glossary"], body["glossary_name"] = to_csv(options.glossary), options.glossary.name or "glossary.csv"
        return body

    def analyze(self, text: str, options: Options, mode: str, *, format: str = "json") -> tuple[str, bool]:
        """The service's answer to `/v1/analyze` as text (the CLI's JSON or Markdown), and whether it is partial."""
        with self._open("/v1/analyze", self.body(text, options, mode, format=format)) as response:
            return response.read().decode("utf-8"), response.headers.get("X-Khulasa-Partial") == "1"

    def analysis(self, text: str, options: Options, mode: str) -> Analysis:
        answer, _ = self.analyze(text, options, mode)
        return from_json(json.loads(answer), text)

    def stream(self, text: str, options: Options, mode: str,
               stop: Callable[[], bool] = lambda: False) -> Iterator[Analysis]:
        """The snapshots of the analysis as the service sends them, the finished one last. When `stop` says True
        (asked every `POLL_S` seconds), the connection is closed and `Cancelled` raised."""
        response = self._open("/v1/analyze/stream", self.body(text, options, mode))
        done = threading.Event()
        stopped = threading.Event()

        def watch() -> None:
            while not done.wait(POLL_S):
                if stop():
                    stopped.set()
                    response.close()  # the service sees the client go and cancels the analysis
                    return

        threading.Thread(target=watch, name="khulasa-service-cancel", daemon=True).start()
        try:
            for raw in response:
                line = json.loads(raw)
                if line["type"] == "error":
                    raise ServiceRefused(line["error"]["code"], line["error"]["message"])
                yield replace(from_json(line["analysis"], text), stage=line["stage"])
        except (OSError, ValueError, AttributeError) as error:  # AttributeError: read after the watcher's close
            if stopped.is_set():
                raise Cancelled from None
            raise ServiceRefused("unavailable", f"The service at {self.url} broke off the analysis ({error}); try "
                                 "again.") from None
        finally:
            done.set()
            response.close()
        if stopped.is_set() or stop():
            raise Cancelled

    def _open(self, path: str, body: dict[str, Any]):
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url.rstrip("/") + path, method="POST", headers=headers,
                                         data=json.dumps(body, ensure_ascii=False).encode("utf-8"))
        try:
            return urllib.request.urlopen(request, timeout=self.timeout_s)
        except urllib.error.HTTPError as error:
            raise _refusal(error) from None
        except (OSError, ValueError) as error:
            raise ServiceRefused("unavailable", f"Cannot reach the Khulasa service at {self.url} ({error}); check "
                                 "KHULASA_SERVICE or --service, and that the service runs.") from None


def _refusal(error: urllib.error.HTTPError) -> KhulasaError:
    """The service's error answer as Khulasa's own error: its code and message."""
    try:
        detail = json.loads(error.read())["error"]
        code, message = str(detail["code"]), str(detail["message"])
    except (ValueError, KeyError, TypeError, OSError):
        code, message = "unavailable", f"The service answered HTTP {error.code} without a reason."
    if code == "not_arabic":
        return NotArabic(message)
    if code in {"bad_input", "too_long"}:
        return InputError(message)
    return ServiceRefused(code, message)
