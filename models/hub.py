"""The Hugging Face Hub: which files a model needs, whether they are cached, and downloading only those.

Everything goes through `huggingface_hub` with its own configuration (`HF_ENDPOINT` for a mirror, the usual
`HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables, `HF_HUB_OFFLINE`, `HF_HOME`/`HF_HUB_CACHE`), so a newsroom's
mirror or proxy is used as the Hub client would use it. A cached model is returned as its snapshot folder,
which transformers and CTranslate2 read without a single request to the Hub.
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from core.settings import VARIABLES
from models.checkpoint import WEIGHTS, missing_files, read_config
from models.problems import LoadProblem, no_space, not_downloaded, storage_problem
from models.progress import BOARD

log = logging.getLogger("khulasa.models")

# Configuration, tokenizer and vocabulary files; the weights are chosen separately (one format only).
NEEDED = ("config.json", "generation_config.json", "tokenizer_config.json", "special_tokens_map.json",
          "tokenizer.json", "vocab.json", "vocab.txt", "merges.txt", "*.spm", "spiece.model",
          "sentencepiece.bpe.model", "added_tokens.json")
REACH_TIMEOUT = 5.0
ATTEMPTS = 3


@dataclass(frozen=True)
class RepoFile:
    """A file of a Hub repo; `blob` names it in the cache's `blobs/` folder (LFS sha256, else git blob id)."""

    name: str
    size: int
    blob: str = ""


def needed_files(files: list[RepoFile]) -> list[RepoFile]:
    """The files of a repo a model needs: configs, tokenizer and ONE weights format (never tf_model.h5,
    rust_model.ot, flax_model.msgpack, ONNX, READMEs or training files)."""
    names = [file.name for file in files]
    chosen = {name for name in names if "/" not in name and any(fnmatch.fnmatch(name, p) for p in NEEDED)}
    for patterns in WEIGHTS:
        weights = {name for name in names if "/" not in name and any(fnmatch.fnmatch(name, p) for p in patterns)}
        if weights:
            chosen |= weights
            break
    return [file for file in files if file.name in chosen]


def left_to_fetch(storage: Path, commit: str, files: list[RepoFile]) -> int:
    """Bytes still to download into the repo's cache folder `storage` (`<HF_HUB_CACHE>/models--owner--name`): a
    file already in the snapshot of `commit`, or whose blob is there, counts as fetched. A partial file does
    not: huggingface_hub resumes a dropped connection within a download, never a partial file of an earlier run."""
    left = 0
    for file in files:
        cached = storage / "snapshots" / commit / file.name
        if (cached.is_file() and cached.stat().st_size == file.size) or \
                (file.blob and (storage / "blobs" / file.blob).is_file()):
            continue
        left += file.size
    return left


def remove_abandoned_partials(storage: Path, files: list[RepoFile]) -> int:
    """Delete the partial downloads (`blobs/<blob>.<id>.incomplete`) of `files` that no running download holds
    the lock of: an interrupted run leaves them behind and nothing reads them again. Returns the bytes freed."""
    from filelock import FileLock, Timeout

    freed = 0
    for file in files:
        partials = list((storage / "blobs").glob(f"{glob.escape(file.blob)}*.incomplete")) if file.blob else []
        if not partials:
            continue
        lock = storage.parent / ".locks" / storage.name / f"{file.blob}.lock"  # where huggingface_hub locks it
        try:
            lock.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(lock, timeout=0):
                for partial in partials:
                    freed += partial.stat().st_size
                    partial.unlink()
        except (Timeout, OSError):
            continue  # being downloaded now, or a cache this user cannot change: the download itself says so
    if freed:
        log.warning("removed %.0f MB of partial downloads left by an interrupted run in %s", freed / 1e6, storage)
    return freed


def offline() -> bool:
    """`HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) as `huggingface_hub` reads it, also when set after import."""
    from huggingface_hub import constants

    now = (os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or "").strip().lower()
    return constants.is_offline_mode() or now in {"1", "on", "yes", "true"}


def endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def snapshot_folder(repo_id: str) -> Path | None:
    """The cached snapshot folder of `repo_id` at `main`, complete or not (None when nothing is cached); no network."""
    storage = repo_storage(repo_id)
    try:
        commit = (storage / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = storage / "snapshots" / commit
    return folder if commit and folder.is_dir() else None


def cached_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot folder of `repo_id` at `main` when it holds every file the model needs
    (`models.checkpoint.missing_files`); no network."""
    folder = snapshot_folder(repo_id)
    return folder if folder is not None and not missing_files(folder) else None


def repo_storage(repo_id: str) -> Path:
    """The repo's folder in the Hugging Face cache (`models--owner--name`)."""
    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    return Path(constants.HF_HUB_CACHE) / repo_folder_name(repo_id=repo_id, repo_type="model")


def repo_files(repo_id: str) -> tuple[list[RepoFile], str]:
    """The repo's files with their sizes, and the commit of `main`: one API call, with a short timeout.

    This call is also the reachability check: it fails fast, with the endpoint in the message, when the Hub (or
    the mirror in `HF_ENDPOINT`, through any proxy the environment sets) cannot be reached.
    """
    import httpx2
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    try:
        info = HfApi().model_info(repo_id, files_metadata=True, timeout=REACH_TIMEOUT)
    except (httpx2.TransportError, OSError) as error:
        raise OSError(f"the Hub cannot be reached at {endpoint()} ({_short(error)}); check the network, "
                      "HF_ENDPOINT and the HTTPS_PROXY setting") from None
    except HfHubHTTPError as error:
        raise OSError(f"the Hub at {endpoint()} refused {repo_id}: {_short(error)}") from None
    files = [RepoFile(sibling.rfilename, int(sibling.size or 0),
                      str(sibling.lfs.sha256 if sibling.lfs else sibling.blob_id or ""))
             for sibling in info.siblings or []]
    return files, str(info.sha or "")


def download(role: str, repo_id: str) -> Path:
    """Download the files `repo_id` needs into the Hugging Face cache, with progress on `BOARD`, and return
    the snapshot folder. Files already cached are kept, so the free space asked for is only what is left to
    fetch; a connection dropped midway is resumed, and partial files of an interrupted run are removed first."""
    try:
        files, commit = repo_files(repo_id)
    except OSError as error:
        raise not_downloaded(role, str(error)) from None
    wanted = needed_files(files)
    if not any(_is_weights(file.name) for file in wanted):
        raise LoadProblem(f"{repo_id} holds no PyTorch or safetensors weights",
                          f"Set {VARIABLES[role]} to a model with PyTorch or safetensors weights.")
    total = sum(file.size for file in wanted)
    storage = repo_storage(repo_id)
    remove_abandoned_partials(storage, wanted)
    require_space(storage, left_to_fetch(storage, commit, wanted), f"downloading {repo_id}", "HF_HOME")
    BOARD.start(role, repo_id, "download", files_total=len(wanted), bytes_total=total)
    folder = None
    resumes = _ResumeNotes(role, repo_id)
    hub_log = logging.getLogger("huggingface_hub.file_download")
    hub_log.addHandler(resumes)
    try:
        # Weights last: the largest file, and the one a person watching the progress waits for.
        for index, file in enumerate(sorted(wanted, key=lambda file: _is_weights(file.name))):
            BOARD.update(role, file=file.name, files_done=index)
            folder = _fetch(role, repo_id, file).parent
        BOARD.update(role, files_done=len(wanted), file="")
        _check_complete(role, repo_id, folder)
    except Exception as error:
        BOARD.finish(role, failed=_short(error))
        raise
    finally:
        hub_log.removeHandler(resumes)
    BOARD.finish(role)
    return folder


def _check_complete(role: str, repo_id: str, folder: Path) -> None:
    """Raise when the repo itself lacks a file its model type needs (downloading again would not help)."""
    missing = missing_files(folder)
    if missing:
        kind = read_config(folder).get("model_type") or "model"
        raise LoadProblem(f"{repo_id} at {endpoint()} has no {', '.join(missing)}, which a {kind} checkpoint "
                          "needs", f"Set {VARIABLES[role]} to a complete model (a Hub id or a local folder).")


def _is_weights(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for patterns in WEIGHTS for pattern in patterns)


class _ResumeNotes(logging.Handler):
    """`huggingface_hub` resumes a file whose connection dropped on its own, saying so only in its log: put
    that on the board and in our log, in words a person can act on."""

    def __init__(self, role: str, repo_id: str) -> None:
        super().__init__(logging.WARNING)
        self.role, self.repo_id = role, repo_id

    def emit(self, record: logging.LogRecord) -> None:
        if "resume" in record.getMessage():
            message = "the connection dropped; resuming where it stopped"
            log.warning("%s: %s", self.repo_id, message)
            BOARD.update(self.role, note=message)


def _fetch(role: str, repo_id: str, file: RepoFile) -> Path:
    """One file, retried (resuming) when the connection drops, with a clear message on the board."""
    import httpx2
    from huggingface_hub import hf_hub_download

    for attempt in range(1, ATTEMPTS + 1):
        bar = progress_bar(role)
        try:
            return Path(hf_hub_download(repo_id, file.name, tqdm_class=bar))
        except (httpx2.TransportError, OSError) as error:
            BOARD.update(role, add_bytes=-bar.counted)
            stored = isinstance(error, OSError) and storage_problem(error, repo_storage(repo_id), "HF_HOME",
                                                                    f"downloading {file.name}")
            if stored:
                raise stored from None  # a full disk or a read-only cache: retrying cannot help
            if attempt == ATTEMPTS:
                raise OSError(f"the download of {file.name} stopped ({_short(error)}); run again to resume "
                              "where it stopped") from None
            message = f"connection lost during {file.name}; retrying ({attempt + 1} of {ATTEMPTS})"
            log.warning("%s: %s", repo_id, message)
            BOARD.update(role, note=message)
            time.sleep(attempt)
    raise AssertionError("unreachable")


def progress_bar(role: str):
    """A tqdm class for `hf_hub_download` that reports bytes to `BOARD` instead of drawing a bar."""
    from tqdm.auto import tqdm

    class BoardBar(tqdm):
        counted = 0

        def __init__(self, *args, **kwargs) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)
            BoardBar.counted += int(kwargs.get("initial") or 0)
            BOARD.update(role, add_bytes=int(kwargs.get("initial") or 0))

        def update(self, n: float | None = 1) -> bool | None:
            BoardBar.counted += int(n or 0)
            BOARD.update(role, add_bytes=int(n or 0))
            return None

    return BoardBar


def require_space(folder: Path, needed: int, purpose: str, setting: str) -> None:
    """Raise a `LoadProblem` saying how much is missing, and that `setting` moves `folder`, when `folder`'s disk
    has less than `needed` bytes free."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed:
        raise no_space(folder, needed, free, purpose, setting)


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."
