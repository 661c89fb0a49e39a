"""Load each model once per process, from a Hub id or a local folder, and say clearly when that fails.

A Hub id is looked up in the local Hugging Face cache first; only when it is missing there is the Hub asked
(`models.hub`: only the files the model needs, a short timeout, the Hub client's own endpoint and proxies).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.errors import ModelUnavailable
from core.settings import VARIABLES
from models import hub

log = logging.getLogger("khulasa.models")
T = TypeVar("T")

_loaded: dict[tuple, Any] = {}
_loading = threading.Lock()
_downloading: dict[str, threading.Lock] = {}
LOAD_COUNTS: dict[str, int] = {}


def prepare_runtime() -> None:
    """Once per process: quiet transformers' progress bars and notices, and use every core for inference."""
    import torch
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()  # downloads report to `models.progress.BOARD` instead
    torch.set_num_threads(cpu_threads())


def cpu_threads() -> int:
    """Threads per inference call: `KHULASA_THREADS`, else `OMP_NUM_THREADS`, else every core.

    On a laptop running one analysis at a time every core is fastest; where several processes share the cores
    (a test run with a server, CI) one thread each avoids oversubscription, which costs far more than it saves.
    """
    for variable in ("KHULASA_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(variable, "").strip()
        if value.isdigit() and int(value) > 0:
            return int(value)
    return max(1, os.cpu_count() or 1)


def resolve_device(setting: str) -> str:
    """`auto` → `cuda` when a GPU is present, else `cpu`; anything else (`cpu`, `cuda`, `cuda:N`) as given."""
    if setting != "auto":
        return setting
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def model_folder(role: str, name: str) -> Path:
    """The local folder of a model: `name` itself when it is a folder, else the cached Hub snapshot, downloaded
    first (only the files needed, with progress on `models.progress.BOARD`) when it is not cached yet.

    Loaders are always handed this folder, never the Hub id, so a cached model is read without any request to
    the Hub (no model-info, commit or safetensors-conversion calls from transformers).
    """
    folder = Path(name).expanduser()
    if folder.is_dir():
        return folder
    if looks_like_path(name):
        raise OSError(f"there is no folder at {folder}")
    cached = hub.cached_snapshot(name)
    if cached is not None:
        return cached
    if hub.offline():
        raise OSError("it is not in the local Hugging Face cache and HF_HUB_OFFLINE forbids downloading it")
    with _downloading.setdefault(name, threading.Lock()):  # one download per model, however many sessions ask
        return hub.cached_snapshot(name) or hub.download(role, name)


def looks_like_path(name: str) -> bool:
    """Hub ids are `owner/name`; anything else with a path shape is meant as a local folder."""
    return name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1


def load_once(role: str, name: str, key: tuple, build: Callable[[], T]) -> T:
    """Build the model for `(role, name, *key)` the first time it is asked for; reuse it afterwards.

    Any failure becomes a `ModelUnavailable` naming the model and the variable that chooses it.
    """
    cache_key = (role, name, *key)
    with _loading:
        if cache_key in _loaded:
            return _loaded[cache_key]
        if not _loaded:
            prepare_runtime()
        try:
            model = build()
        except ModelUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - every load failure is reported the same way
            raise ModelUnavailable(role, name, VARIABLES[role], _reason(error)) from error
        LOAD_COUNTS[role] = LOAD_COUNTS.get(role, 0) + 1
        log.info("loaded %s model %s (load #%d)", role, name, LOAD_COUNTS[role])
        _loaded[cache_key] = model
        return model


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."
