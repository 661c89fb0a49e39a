"""Fault injection for the tests: a worker process that dies on purpose, to prove a batch or a service survives it."""

from __future__ import annotations

import os
from pathlib import Path


def die(marker_variable: str) -> None:
    """End this process at once (as a killed worker would), only the first time if the variable `marker_variable`
    names a file (created here), else every time."""
    marker = os.environ.get(marker_variable, "")
    if marker and Path(marker).exists():
        return
    if marker:
        Path(marker).touch()
    os._exit(1)
