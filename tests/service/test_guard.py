"""Keys, rates and the metrics' text, without Ray: the rules the service's ingress applies."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from core.errors import InputError
from service.guard import Keys, RateLimit
from service.metrics import Registry


def test_keys_are_kept_as_hashes_and_a_stored_hash_lets_its_key_in(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# desks\nplain-key\n\nsha256:{hashlib.sha256(b'hashed-key').hexdigest().upper()}\n",
                    encoding="utf-8")
    keys = Keys.read(str(path))
    assert "plain-key" not in repr(keys)
    assert keys.holder("plain-key") == hashlib.sha256(b"plain-key").hexdigest()
    assert keys.holder("hashed-key") == hashlib.sha256(b"hashed-key").hexdigest()
    assert keys.holder("plain-ke") is None and keys.holder("") is None


def test_a_keys_file_without_keys_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# nobody yet\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no key"):
        Keys.read(str(path))


def test_a_key_gets_its_rate_then_waits_and_refills_with_time() -> None:
    now = [0.0]
    rate = RateLimit(per_minute=3, clock=lambda: now[0])
    assert [rate.wait_for("a") for _ in range(3)] == [0, 0, 0]
    assert rate.wait_for("a") == 20  # one call every 20 s
    assert rate.wait_for("b") == 0  # another key has its own bucket
    now[0] = 20.0
    assert rate.wait_for("a") == 0


def test_batch_sizes_are_histograms_with_sum_and_count() -> None:
    registry = Registry()
    registry.batch("translator_fast", 12, 3)
    registry.batch("translator_fast", 4, 1)
    text = registry.render({"translator_fast": 2}, cancelled=1)
    assert "khulasa_translator_fast_batch_size_sum 16" in text
    assert "khulasa_translator_fast_batch_size_count 2" in text
    assert 'khulasa_translator_fast_batch_size_bucket{le="8"} 1' in text
    assert 'khulasa_translator_fast_batch_callers_bucket{le="+Inf"} 2' in text
    assert 'khulasa_queue_length{deployment="translator_fast"} 2' in text and "khulasa_cancelled_total 1" in text
