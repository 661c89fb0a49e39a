"""Load each model once per process, from a Hub id or a local folder, and say clearly when that fails.

A Hub id is looked up in the local Hugging Face cache first; only when it is missing there is the Hub asked
(`models.hub`: only the files the model needs, a short timeout, the Hub client's own endpoint and proxies).
"""

from __future__ import annotations

import ctypes
import functools
import importlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.errors import ModelUnavailable
from core.settings import VARIABLES
from models import hub
from models.checkpoint import kind_problem, missing_files, read_config
from models.problems import LoadProblem, not_a_model, not_downloaded, wrong_kind

log = logging.getLogger("khulasa.models")
T = TypeVar("T")

_loaded: dict[tuple, Any] = {}
_loading = threading.Lock()
_downloading: dict[str, threading.Lock] = {}
LOAD_COUNTS: dict[str, int] = {}


def prepare_runtime() -> None:
    """Once per process: quiet transformers' progress bars and notices, and use every core for inference.

    torch is not imported here: on CTranslate2 nothing needs it (it alone takes about 0.2 GB of memory), so its
    threads are set when the transformers engine first imports it (`torch_runtime`)."""
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()  # downloads report to `models.progress.BOARD` instead
    if "torch" in sys.modules:
        torch_runtime()


def torch_runtime():
    """torch, imported on first use by the transformers engine, with every core for inference."""
    import torch

    torch.set_num_threads(cpu_threads())
    return torch


def release_memory() -> None:
    """Hand the memory a finished engine call freed back to the system. glibc keeps freed blocks in the heaps of
    the threads that used them: after one analysis about 0.2 GB that no model holds any more, which then adds
    to the next call's peak. Nothing happens where the C library is not glibc."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@functools.cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


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
    """`auto` → `cuda` when a GPU is present, else `cpu`; anything else (`cpu`, `cuda`, `cuda:N`) as given.

    CTranslate2, when installed, is asked (torch is not imported just to learn there is no GPU); a GPU that only
    torch can use is then left alone, and the CPU path stays CTranslate2's."""
    if setting != "auto":
        return setting
    try:
        import ctranslate2
    except ImportError:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


# The tokenizer class `AutoTokenizer` picks for each model type, and the module it lives in: loaded directly,
# because `AutoTokenizer` reads the model configuration through code that imports torch.
TOKENIZERS = {
    "marian": ("transformers.models.marian.tokenization_marian", "MarianTokenizer"),
    "mt5": ("transformers.models.t5.tokenization_t5", "T5Tokenizer"),
    "t5": ("transformers.models.t5.tokenization_t5", "T5Tokenizer"),
    "bert": ("transformers.models.bert.tokenization_bert", "BertTokenizer"),
}


def load_tokenizer(folder: Path):
    """The checkpoint's own tokenizer, the class `AutoTokenizer` would choose; for the model types of the three
    roles it is loaded without `AutoTokenizer`, so that CTranslate2 runs without torch in the process."""
    settings_path = Path(folder) / "tokenizer_config.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8")) if settings_path.is_file() else {}
    module, name = TOKENIZERS.get(read_config(folder).get("model_type", ""), ("", ""))
    wanted = (settings.get("tokenizer_class") or name).removesuffix("Fast")
    if module and wanted == name:
        tokenizer = getattr(importlib.import_module(module), name).from_pretrained(str(folder))
    else:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(folder))
    # T5Tokenizer keeps the (piece, score) list it built its tokenizer from and never reads it again: for mT5's
    # 250,100 pieces that is 0.05 GB.
    vars(tokenizer).pop("_vocab_scores", None)
    return tokenizer


def model_folder(role: str, name: str) -> Path:
    """The local folder of a model: `name` itself when it is a folder, else the cached Hub snapshot, downloaded
    first (only the files needed, with progress on `models.progress.BOARD`) when it is not cached yet or lacks a
    file. Raises a `LoadProblem` when the folder is not a complete model or not the kind `role` needs.

    Loaders are always handed this folder, never the Hub id, so a cached model is read without any request to
    the Hub (no model-info, commit or safetensors-conversion calls from transformers).
    """
    folder = Path(name).expanduser()
    if folder.is_dir():
        missing = missing_files(folder)
        if missing:
            raise not_a_model(role, folder, missing)
    elif looks_like_path(name):
        raise LoadProblem(f"there is no folder at {folder}",
                          f"Set {VARIABLES[role]} to an existing folder that holds the model, or to a Hub id.")
    else:
        folder = _hub_folder(role, name)
    problem = kind_problem(role, read_config(folder))
    if problem:
        raise wrong_kind(role, problem)
    return folder


def _hub_folder(role: str, name: str) -> Path:
    cached = hub.cached_snapshot(name)
    if cached is not None:
        return cached
    if hub.offline():
        partial = hub.snapshot_folder(name)
        held = f"its cached copy in {partial} lacks {', '.join(missing_files(partial))}" if partial else \
            "it is not in the local Hugging Face cache"
        raise not_downloaded(role, f"{held} and HF_HUB_OFFLINE forbids downloading it")
    with _downloading.setdefault(name, threading.Lock()):  # one download per model, however many sessions ask
        return hub.cached_snapshot(name) or hub.download(role, name)


def looks_like_path(name: str) -> bool:
    """Hub ids are `owner/name`; anything else with a path shape is meant as a local folder."""
    return name.startswith(("/", ".", "~")) or "\\" in name or name.count("/") > 1


def load_once(role: str, name: str, key: tuple, build: Callable[[], T]) -> T:
    """Build the model for `(role, name, *key)` the first time it is asked for; reuse it afterwards.

    Any failure becomes a `ModelUnavailable` naming the model, the cause and what fixes it: a `LoadProblem`'s
    own remedy, else the advice to replace the copy of the model.
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
            raise ModelUnavailable(role, name, VARIABLES[role], _reason(error), _remedy(role, name, error)) \
                from error
        release_memory()  # reading a model leaves its buffers freed but held: 0.18 GB for the three, measured
        LOAD_COUNTS[role] = LOAD_COUNTS.get(role, 0) + 1
        log.info("loaded %s model %s (load #%d)", role, name, LOAD_COUNTS[role])
        _loaded[cache_key] = model
        return model


def _remedy(role: str, name: str, error: Exception) -> str:
    if isinstance(error, LoadProblem):
        return error.remedy
    if Path(name).expanduser().is_dir():
        return f"Check that the folder holds a working copy of the model, or set {VARIABLES[role]} to another one."
    return (f"Its cached copy may be damaged: delete {hub.repo_storage(name)} and run python cli.py models "
            f"download again, or set {VARIABLES[role]} to a local folder that holds the model.")


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."
