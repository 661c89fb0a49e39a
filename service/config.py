"""The service's own settings, read once from `KHULASA_*` variables and `cli.py serve`'s options.

| variable | default | meaning |
|---|---|---|
| KHULASA_API_KEYS | (none) | a file of API keys, one a line (`sha256:HEX`: kept as its hash); none: 127.0.0.1 only |
| KHULASA_MAX_CHARS | 100000 | longest article accepted (413 above it; shared with the desk and the CLI) |
| KHULASA_RATE | 120 | requests a minute per key (429 with Retry-After above it), per ingress replica |
| KHULASA_MAX_IN_FLIGHT | 32 | analyses an ingress replica runs at once; one more is answered 503 with Retry-After |
| KHULASA_REQUEST_TIMEOUT_S | 300 | seconds an analysis may take before it is stopped and answered 504 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from core.settings import SettingsError, _positive_int

LOOPBACK = "127.0.0.1"
# The bytes a request may carry beyond its article (options, a glossary): 2 MB.
ENVELOPE_BYTES = 2_000_000
# Threads and memory a replica of each role is given (memory in GB, for the real models' int8 copies plus Ray).
REPLICA_MEMORY_GB = {"translator": 0.8, "summarizer": 1.6, "ner": 0.8}


@dataclass(frozen=True)
class ServiceConfig:
    """How the service is run: where it listens, how many replicas of each model, and its limits."""

    host: str = LOOPBACK
    port: int = 8000
    replicas: int = 1
    modes: tuple[str, ...] = ("fast",)
    keys_path: str = ""
    rate_per_minute: int = 120
    max_in_flight: int = 32
    timeout_s: int = 300
    max_chars: int = 100_000
    reserve_memory: bool = True
    max_batch_sentences: int = 32
    batch_wait_s: float = 0.02

    @property
    def max_body_bytes(self) -> int:
        """An article of `max_chars` characters (at most 4 bytes each in UTF-8, escaped in JSON up to 6) and its
        options."""
        return self.max_chars * 6 + ENVELOPE_BYTES

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: object) -> ServiceConfig:
        env = os.environ if environ is None else environ
        keys_path = env.get("KHULASA_API_KEYS", "").strip()
        if keys_path and not os.path.isfile(os.path.expanduser(keys_path)):
            raise SettingsError(f"KHULASA_API_KEYS names {keys_path}, which is not a file; give the file that "
                                "holds the API keys, one a line.")
        config = cls(keys_path=os.path.expanduser(keys_path) if keys_path else "",
                     rate_per_minute=_positive_int(env, "KHULASA_RATE", 120),
                     max_in_flight=_positive_int(env, "KHULASA_MAX_IN_FLIGHT", 32),
                     timeout_s=_positive_int(env, "KHULASA_REQUEST_TIMEOUT_S", 300),
                     max_chars=_positive_int(env, "KHULASA_MAX_CHARS", 100_000))
        return replace(config, **{name: value for name, value in options.items() if value is not None})
