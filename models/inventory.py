"""What is on this machine for each model: cached or not, its revision, its size on disk, its converted copies.

Read from the Hugging Face cache and the CTranslate2 folder only; never asks the Hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from models import ct2, hub
from models.checkpoint import missing_files
from models.loading import looks_like_path


@dataclass(frozen=True)
class ModelStatus:
    """`cached`: the folder holds every file the model needs; otherwise `missing` names those it lacks (a
    snapshot cut short, or a local folder that is not a complete model)."""

    role: str
    name: str
    cached: bool
    folder: str = ""
    revision: str = ""
    bytes_on_disk: int = 0
    converted: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    local: bool = False


def model_status(role: str, name: str) -> ModelStatus:
    """The model `name` (Hub id or folder) as it stands on disk."""
    local = Path(name).expanduser()
    converted = tuple(str(path) for path in ct2.converted_copies(name))
    if local.is_dir():
        folder: Path | None = local
        revision = "local folder"
    elif looks_like_path(name):
        folder, revision = None, ""
    else:
        folder = hub.snapshot_folder(name)
        revision = folder.name if folder else ""
    if folder is None:
        return ModelStatus(role, name, False, converted=converted, local=local.is_dir())
    missing = tuple(missing_files(folder))
    return ModelStatus(role, name, not missing, str(folder), revision, folder_size(folder), converted, missing,
                       local=local.is_dir())


def folder_size(folder: Path) -> int:
    """Bytes of the files in `folder`, following the Hub cache's symlinks to their blobs."""
    return sum(os.path.getsize(path) for path in folder.rglob("*") if path.is_file())


def describe_status(status: ModelStatus) -> str:
    """One line per model for `cli.py models status`."""
    if status.missing:
        fix = ("it is not a complete model" if status.local else
               "run python cli.py models download to complete it")
        return (f"{status.role}: {status.name}: incomplete, {', '.join(status.missing)} missing in "
                f"{status.folder}; {fix}")
    if not status.cached:
        return f"{status.role}: {status.name}: not downloaded"
    line = (f"{status.role}: {status.name}: cached, revision {status.revision}, "
            f"{status.bytes_on_disk / 1_000_000:,.1f} MB in {status.folder}")
    converted = ", ".join(status.converted) or "none yet"
    return f"{line}; converted copies: {converted}"
