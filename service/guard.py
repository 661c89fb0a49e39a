"""Who may call, and how often: API keys kept as hashes and compared in constant time, and a rate per key.

Plain Python (no Ray, no web framework), so the rules are tested on their own.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError


def key_hash(key: str) -> str:
    return hashlib.sha256(key.strip().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Keys:
    """The hashes of the keys that may call. A line of the keys file is a key, or `sha256:HEX` for a key stored
    only as its hash; blank lines and lines starting with `#` are skipped. The keys themselves are not kept."""

    hashes: tuple[str, ...]

    @classmethod
    def read(cls, path: str) -> Keys:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"Cannot read the API keys file {path}: {error}.") from None
        hashes = []
        for line in (line.strip() for line in lines):
            if not line or line.startswith("#"):
                continue
            stored = line.removeprefix("sha256:").lower() if line.startswith("sha256:") else key_hash(line)
            hashes.append(stored)
        if not hashes:
            raise InputError(f"The API keys file {path} holds no key; put one key a line.")
        return cls(tuple(hashes))

    def holder(self, presented: str) -> str | None:
        """The hash of `presented` if it is one of the keys, else None. Every stored hash is compared, each in
        constant time, so the time taken says nothing about which key came close."""
        wanted, found = key_hash(presented), None
        for stored in self.hashes:
            if secrets.compare_digest(wanted, stored):
                found = stored
        return found


class RateLimit:
    """A token bucket per key: `per_minute` requests a minute, up to `per_minute` at once after a quiet spell."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute, self._clock = per_minute, clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait_for(self, holder: str) -> int:
        """0 when `holder` may call now (the call is counted), else the whole seconds until it may."""
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(holder, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens >= 1.0:
                self._buckets[holder] = (tokens - 1.0, now)
                return 0
            self._buckets[holder] = (tokens, now)
            return max(1, math.ceil((1.0 - tokens) / rate))
