"""The reference article (`seed.txt`), for tests and benchmarks; imports nothing heavy, so that a benchmark of
the CTranslate2 path measures a process without torch."""

from __future__ import annotations

from pathlib import Path

SEED_PATH = Path(__file__).resolve().parents[2] / "shared" / "samples" / "seed.txt"
REPO_SEED_PATH = Path(__file__).resolve().parent / "data" / "seed.txt"


def seed_text() -> str:
    """The reference article: shared/ beside the checkout, else the copy committed under tests/data."""
    path = SEED_PATH if SEED_PATH.exists() else REPO_SEED_PATH
    return path.read_text(encoding="utf-8")
