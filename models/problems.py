"""Why a model cannot be loaded, each cause with the setting that fixes it.

The loader (`models.loading.load_once`) turns a `LoadProblem` into `core.errors.ModelUnavailable` carrying its
`remedy`: not downloaded or the Hub unreachable → connect once or point the model's variable at a local folder;
disk full → free the amount missing or move `HF_HOME` / `KHULASA_CT2_DIR`; a read-only cache → point that
variable at a writable folder; a folder that is not a (complete) model → what it lacks; the wrong kind of
model → the kind the role needs.
"""

from __future__ import annotations

import errno
from pathlib import Path

from core.settings import DEFAULT_NER, DEFAULT_SUMMARIZER, DEFAULT_TRANSLATOR, VARIABLES

GB, MB = 1_000_000_000, 1_000_000
DEFAULTS = {"translator": DEFAULT_TRANSLATOR, "summarizer": DEFAULT_SUMMARIZER, "ner": DEFAULT_NER}
# What each folder setting holds, for the advice to move it.
HOLDS = {"HF_HOME": "the Hugging Face cache, where models are downloaded",
         "KHULASA_CT2_DIR": "the converted CTranslate2 models"}


class LoadProblem(OSError):
    """A failure whose cause is known: `str(error)` says what happened, `remedy` (a sentence) what to do."""

    def __init__(self, reason: str, remedy: str) -> None:
        super().__init__(reason)
        self.remedy = remedy


def amount(size: float) -> str:
    """Bytes in words: "2.3 GB", "740 MB"."""
    return f"{size / GB:,.1f} GB" if size >= GB else f"{max(size, 0) / MB:,.0f} MB"


def not_downloaded(role: str, reason: str) -> LoadProblem:
    return LoadProblem(reason, f"Connect to the internet once so it downloads into the Hugging Face cache "
                               f"(python cli.py models download), or set {VARIABLES[role]} to a local folder "
                               "that holds it.")


def no_space(folder: Path, needed: int, free: int, purpose: str, setting: str) -> LoadProblem:
    return LoadProblem(f"{purpose} needs {amount(needed)} free in {folder} but only {amount(free)} are free",
                       f"Free {amount(needed - free)} on that disk, or set {setting} ({HOLDS[setting]}) to a "
                       "folder on a disk with more room, and try again.")


def storage_problem(error: OSError, folder: Path, setting: str, purpose: str) -> LoadProblem | None:
    """`error` in words when it means the disk under `folder` is full or the folder cannot be written; None for
    any other error."""
    if isinstance(error, LoadProblem):
        return error
    if error.errno == errno.ENOSPC:
        return LoadProblem(f"the disk that holds {folder} filled up while {purpose}",
                           f"Free space on that disk, or set {setting} ({HOLDS[setting]}) to a folder on a disk "
                           "with more room, and try again.")
    if error.errno in {errno.EROFS, errno.EACCES, errno.EPERM}:
        where = error.filename or folder
        return LoadProblem(f"{where} cannot be written ({error.strerror or 'read-only'}) while {purpose}",
                           f"Set {setting} ({HOLDS[setting]}) to a folder this user can write, and try again.")
    return None


def not_a_model(role: str, folder: Path, missing: list[str]) -> LoadProblem:
    return LoadProblem(f"the folder {folder} is not a complete model: it lacks {', '.join(missing)}",
                       f"Set {VARIABLES[role]} to a folder that holds the whole checkpoint (config.json, the "
                       "weights and the tokenizer files), or to a Hub id.")


def wrong_kind(role: str, reason: str) -> LoadProblem:
    return LoadProblem(reason, f"Set {VARIABLES[role]} to such a model, for example {DEFAULTS[role]}.")
