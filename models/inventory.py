"""What is on this machine for each model: cached or not, its revision, its size on disk, its converted copies.

Read from the Hugging Face cache and the CTranslate2 folder only; never asks the Hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from models import ct2, hub
from models.loading import looks_like_path


@dataclass(frozen=True)
class ModelStatus:
    role: str
    name: str
    cached: bool
    folder: str = ""
    revision: str = ""
    bytes_on_disk: int = 0
    converted: tuple[str, ...] = ()


def model_status(role: str, name: str) -> ModelStatus:
    """The model `name` (Hub id or folder) as it stands on disk."""
    local = Path(name).expanduser()
    if local.is_dir():
        folder: Path | None = local
        revision = "local folder"
    elif looks_like_path(name):
        folder, revision = None, ""
    else:
        folder = hub.cached_snapshot(name)
        revision = folder.name if folder else ""
    if folder is None:
        return ModelStatus(role, name, False, converted=tuple(str(path) for path in ct2.converted_copies(name)))
    return ModelStatus(role, name, True, str(folder), revision, folder_size(folder),
                       tuple(str(path) for path in ct2.converted_copies(name)))


def folder_size(folder: Path) -> int:
    """Bytes of the files in `folder`, following the Hub cache's symlinks to their blobs."""
    return sum(os.path.getsize(path) for path in folder.rglob("*") if path.is_file())


def describe_status(status: ModelStatus) -> str:
    """One line per model for `cli.py models status`."""
    if not status.cached:
        return f"{status.role}: {status.name}: not downloaded"
    line = (f"{status.role}: {status.name}: cached, revision {status.revision}, "
            f"{status.bytes_on_disk / 1_000_000:,.1f} MB in {status.folder}")
    converted = ", ".join(status.converted) or "none yet"
    return f"{line}; converted copies: {converted}"
