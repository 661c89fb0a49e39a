"""The Hugging Face Hub: which files a model needs, whether they are cached, and downloading only those.

Everything goes through `huggingface_hub` with its own configuration (`HF_ENDPOINT` for a mirror, the usual
`HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` variables, `HF_HUB_OFFLINE`, `HF_HOME`/`HF_HUB_CACHE`), so a newsroom's
mirror or proxy is used as the Hub client would use it. A cached model is returned as its snapshot folder,
which transformers and CTranslate2 read without a single request to the Hub.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from models.progress import BOARD, MB

log = logging.getLogger("khulasa.models")

# Configuration, tokenizer and vocabulary files; the weights are chosen separately (one format only).
NEEDED = ("config.json", "generation_config.json", "tokenizer_config.json", "special_tokens_map.json",
          "tokenizer.json", "vocab.json", "vocab.txt", "merges.txt", "*.spm", "spiece.model",
          "sentencepiece.bpe.model", "added_tokens.json")
# Weights formats in order of preference: safetensors when the repo has them, else PyTorch's pickle.
WEIGHTS = (("model.safetensors", "model.safetensors.index.json", "model-*-of-*.safetensors"),
           ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*-of-*.bin"))
REACH_TIMEOUT = 5.0
ATTEMPTS = 3


@dataclass(frozen=True)
class RepoFile:
    name: str
    size: int


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


def has_weights(folder: Path) -> bool:
    return any(next(folder.glob(pattern), None) is not None for patterns in WEIGHTS for pattern in patterns)


def offline() -> bool:
    """`HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) as `huggingface_hub` reads it, also when set after import."""
    from huggingface_hub import constants

    now = (os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or "").strip().lower()
    return constants.is_offline_mode() or now in {"1", "on", "yes", "true"}


def endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def cached_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot folder of `repo_id` at `main` when it holds a config and weights; no network."""
    from huggingface_hub import try_to_load_from_cache

    config = try_to_load_from_cache(repo_id, "config.json")
    if not isinstance(config, str):
        return None
    folder = Path(config).parent
    return folder if has_weights(folder) and all(path.exists() for path in folder.iterdir()) else None


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
    files = [RepoFile(sibling.rfilename, int(sibling.size or 0)) for sibling in info.siblings or []]
    return files, str(info.sha or "")


def download(role: str, repo_id: str) -> Path:
    """Download the files `repo_id` needs into the Hugging Face cache, with progress on `BOARD`, and return
    the snapshot folder. A file cut off midway is resumed (the cache keeps the partial blob)."""
    from huggingface_hub import constants

    files, _ = repo_files(repo_id)
    wanted = needed_files(files)
    if not any(_is_weights(file.name) for file in wanted):
        raise OSError(f"{repo_id} holds no PyTorch or safetensors weights")
    total = sum(file.size for file in wanted)
    require_space(Path(constants.HF_HUB_CACHE), total, f"downloading {repo_id}")
    BOARD.start(role, repo_id, "download", files_total=len(wanted), bytes_total=total)
    folder = None
    resumes = _ResumeNotes(role, repo_id)
    hub_log = logging.getLogger("huggingface_hub.file_download")
    hub_log.addHandler(resumes)
    try:
        # Weights last: a snapshot that holds weights is then complete (see `cached_snapshot`).
        for index, file in enumerate(sorted(wanted, key=lambda file: _is_weights(file.name))):
            BOARD.update(role, file=file.name, files_done=index)
            folder = _fetch(role, repo_id, file).parent
        BOARD.update(role, files_done=len(wanted), file="")
    except Exception as error:
        BOARD.finish(role, failed=_short(error))
        raise
    finally:
        hub_log.removeHandler(resumes)
    BOARD.finish(role)
    return folder


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


def require_space(folder: Path, needed: int, purpose: str) -> None:
    """Raise `OSError` saying how much is missing when `folder`'s disk has less than `needed` bytes free."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed:
        raise OSError(f"{purpose} needs {needed / MB:,.0f} MB free in {folder} but only {free / MB:,.0f} MB are "
                      f"free; free {(needed - free) / MB:,.0f} MB and try again")


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."
