"""Work a batch driver does once before its workers start: name each model's exact checkpoint (for the batch
manifest) and convert the seq2seq models to CTranslate2 ahead, so parallel workers never race to convert.

Neither step downloads anything: a Hub id that is not in the local cache gets an empty revision and is left for
the workers to load (on a cluster the driver need not hold the models at all).
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.settings import Settings
from models import ct2, hub
from models.loading import looks_like_path, resolve_device
from models.seq2seq import resolve_engine

log = logging.getLogger("khulasa.models")


def model_revisions(settings: Settings) -> dict[str, str]:
    """Role → `name@revision` (the Hub snapshot's commit or a local folder's fingerprint; `name@` if unknown)."""
    return {role: f"{name}@{revision(name)}" for role, name in
            (("translator", settings.translation_model), ("summarizer", settings.summarizer), ("ner", settings.ner))}


def revision(name: str) -> str:
    """The checkpoint's revision without touching the network; empty when this machine does not hold it."""
    if Path(name).expanduser().is_dir():
        return ct2.fingerprint(Path(name).expanduser())
    if looks_like_path(name):
        return ""  # a folder that is not here: loading it reports that
    snapshot = hub.cached_snapshot(name)
    return snapshot.name[:12] if snapshot else ""


def convert_ahead(settings: Settings) -> None:
    """Convert the translator and summarizer to CTranslate2 now when the workers will use that engine; a model
    this machine cannot convert is left to the workers, who report it."""
    device = resolve_device(settings.device)
    if resolve_engine(settings.engine, device) != "ctranslate2":
        return
    for role, name in (("translator", settings.translation_model), ("summarizer", settings.summarizer)):
        if not revision(name):
            continue  # not on this machine: the workers download it (a cluster's driver need not hold models)
        try:
            ct2.converted_folder(name, ct2.compute_type(role, device), role=role)
        except Exception:  # noqa: BLE001 - best effort; the workers' own load gives the user-facing message
            log.debug("Converting %s ahead failed", name, exc_info=True)
