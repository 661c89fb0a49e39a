"""The batch on Ray Data: the same per-article analysis as the local batch, in a pool of actors that each load the
three models once, with the results streamed back to this process and written as they finish.

Only `cli.py batch --ray` imports this module, and Ray itself is imported inside its functions: the desk and the
local batch never need Ray. Article bytes travel to the workers (never local paths), and so do the `KHULASA_*`
settings (Ray's runtime environment) and this project's code (its working directory). An actor whose process
dies is restarted and its article retried `retries` times; after that the article is reported failed and the
others go on.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import socket
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.pipeline import Options, load_models
from batches.archive import Archive, Pending, content_hash
from batches.batch import BatchItem, Final, analyze_source, read_bytes
from core.errors import InputError, KhulasaError
from core.faults import die
from core.settings import Settings
from documents.serialize import from_json, to_json

RAY_REQUIREMENT = "ray[data]==2.60.0"
CONNECT_TIMEOUT_S = 5.0
ROOT = Path(__file__).resolve().parent.parent
# Not shipped to the workers: environments, caches, benchmark models, tests and pictures.
UPLOAD_EXCLUDES = [".venv", ".git", "bench/.models", "tests", "docs", "__pycache__", "*.pyc", ".ruff_cache"]
Progress = Callable[[int, int, BatchItem], None]

log = logging.getLogger(__name__)


class RayUnavailable(KhulasaError):
    """`--ray` was asked for, but Ray is not installed, its cluster cannot be reached or cannot host an actor."""

    exit_code = 5


class WorkerModelError(KhulasaError):
    """A worker could not load a model: the whole run stops, as the local batch does."""

    exit_code = 4


@dataclass(frozen=True)
class RayOptions:
    """Where to run and how big each actor is (defaults from the footprint measured in SCALE.md)."""

    address: str = "local"
    actors: int | None = None
    cpus_per_actor: int = 1
    memory_per_actor_gb: float = 3.0
    retries: int = 2


def analyze_on_ray(pending: list[Pending], archive: Archive, settings: Settings, options: Options,
                   ray_options: RayOptions, generated: datetime, on_progress: Progress | None = None) -> None:
    """Analyse `pending` on Ray and add each result to `archive` as it arrives, in whatever order they finish."""
    ray = _import_ray()
    started_here = connect(ray, ray_options.address)
    try:
        articles = _articles(pending, archive, settings.max_chars)
        if not articles:
            return
        names = {article["name"] for article in articles}
        for done, (item, sha256) in enumerate(_results(ray, articles, settings, options, ray_options), start=1):
            names.discard(item.name)
            archive.add(item, sha256, generated)
            if on_progress:
                on_progress(done, len(articles), item)
        for name in sorted(names):
            archive.fail(name, f"Its worker died {ray_options.retries + 1} times while analysing it; the other "
                               "files were analysed (the Ray logs say why).")
    finally:
        if started_here:
            ray.shutdown()


def connect(ray: Any, address: str) -> bool:
    """Start a local Ray (`local`) or join the cluster at `address`, shipping this project's code to its workers;
    returns whether this call started it. A Ray already running in this process (a notebook, a test) is used as
    it is, so its workers must already import Khulasa (a local Ray's do)."""
    if address not in {"local", "auto"}:
        check_reachable(address)
    if ray.is_initialized():
        return False
    try:
        ray.init(address=None if address == "local" else address, include_dashboard=False,
                 logging_level=logging.ERROR, log_to_driver=False,
                 runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES})
    except Exception as error:  # noqa: BLE001 - Ray's ConnectionError, RuntimeError, ValueError alike
        raise RayUnavailable(f"Cannot start or join Ray at {address}: {_first_line(error)}") from None
    return True


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Open a TCP connection to the cluster's head first: `ray.init` on a wrong address retries for minutes."""
    host_port = address.removeprefix("ray://").rstrip("/")
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        host, port = host_port, "10001" if address.startswith("ray://") else "6379"
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        raise RayUnavailable(f"Cannot reach the Ray cluster at {address} ({error.strerror or error}); start it "
                             "with `ray start --head`, or check the address and the firewall.") from None


def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise RayUnavailable(f"--ray needs Ray, which is not installed: pip install '{RAY_REQUIREMENT}'.") from None
    context = ray.data.DataContext.get_current()
    context.max_errored_blocks = -1  # an article whose worker keeps dying is reported, not fatal to the run
    context.enable_progress_bars = False  # the CLI prints its own line per article
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    logging.getLogger("ray").setLevel(logging.ERROR)
    return ray


def _articles(pending: list[Pending], archive: Archive, max_chars: int) -> list[dict[str, Any]]:
    """Name, bytes and hash of each pending article, read here so the workers need no access to the files."""
    articles = []
    for article in pending:
        try:
            data = read_bytes(article.path, max_chars, article.name)
        except InputError as error:
            archive.fail(article.name, str(error))
            continue
        articles.append({"name": article.name, "data": data, "sha256": content_hash(data)})
    return articles


def _results(ray: Any, articles: list[dict[str, Any]], settings: Settings, options: Options,
             ray_options: RayOptions) -> Iterator[tuple[BatchItem, str]]:
    """Each article's `BatchItem` and hash, as the actors finish them. One article per block, so a dying actor
    costs only its own article a retry."""
    from ray.data import ActorPoolStrategy

    actors = _pool_size(ray, len(articles), ray_options)
    with warnings.catch_warnings():  # Ray 2.60 names no replacement yet for the actor's retry arguments
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = ray.data.from_items(articles, override_num_blocks=len(articles)).map_batches(
            Analyst, batch_size=1, fn_constructor_kwargs={"options": options},
            compute=ActorPoolStrategy(size=actors, max_tasks_in_flight_per_actor=1),
            num_cpus=ray_options.cpus_per_actor, memory=int(ray_options.memory_per_actor_gb * 2**30),
            runtime_env={"env_vars": worker_env(settings, ray_options.cpus_per_actor)},
            max_restarts=-1, max_task_retries=ray_options.retries)
    for row in _guarded(iter(dataset.iter_rows())):
        if row["fatal"]:
            raise WorkerModelError(row["error"])
        if row["error"]:
            yield BatchItem(row["name"], error=row["error"], final=Final(row["final"]) if row["final"] else None), \
                row["sha256"]
            continue
        record = json.loads(row["analysis"])
        yield BatchItem(row["name"], record["title"], from_json(record, record["text"])), row["sha256"]


def _pool_size(ray: Any, articles: int, ray_options: RayOptions) -> int:
    """`actors`, else as many as the cluster's CPUs and memory hold, never more than there are articles."""
    resources = ray.cluster_resources()
    cpus, memory_gb = resources.get("CPU", 0), resources.get("memory", 0) / 2**30
    fits = int(min(cpus // ray_options.cpus_per_actor, memory_gb // ray_options.memory_per_actor_gb))
    if fits < 1:
        raise RayUnavailable(f"The Ray cluster has {cpus:g} CPUs and {memory_gb:.1f} GB for actors; one actor "
                             f"needs {ray_options.cpus_per_actor} CPUs and {ray_options.memory_per_actor_gb:g} GB "
                             "(--cpus-per-actor, --memory-per-actor).")
    return max(1, min(ray_options.actors or fits, articles))


def worker_env(settings: Settings, threads: int) -> dict[str, str]:
    """The workers' variables: every `KHULASA_*` setting of this process, the settings object's own models and
    limits winning, and one inference thread per CPU the actor holds."""
    variables = {name: value for name, value in os.environ.items()
                 if name.startswith("KHULASA_") and name != "KHULASA_RAY_ADDRESS"}
    variables |= {"KHULASA_TRANSLATOR": settings.translator, "KHULASA_TRANSLATOR_BEST": settings.translator_best,
                  "KHULASA_TRANSLATION": settings.translation, "KHULASA_SUMMARIZER": settings.summarizer,
                  "KHULASA_NER": settings.ner, "KHULASA_DEVICE": settings.device, "KHULASA_ENGINE": settings.engine,
                  "KHULASA_MAX_CHARS": str(settings.max_chars), "KHULASA_BATCH_TOKENS": str(settings.batch_tokens),
                  "KHULASA_THREADS": str(threads)}
    if os.environ.get("HF_HUB_OFFLINE"):
        variables["HF_HUB_OFFLINE"] = os.environ["HF_HUB_OFFLINE"]
    return variables


def _guarded(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Ray's own failures (a lost cluster, an internal error) as one `RayUnavailable` line, not a traceback."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # noqa: BLE001 - anything Ray raises while executing the dataset
            raise RayUnavailable(f"Ray stopped the batch: {_first_line(error)}") from None
        yield row


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Analyst:
    """A Ray actor holding the three models, loaded once; it analyses one article per call.

    A model that cannot be loaded is caught here, not raised: Ray would otherwise restart the actor again and
    again; every call then answers with the reason, and the driver stops the run."""

    def __init__(self, options: Options) -> None:
        self.options, self.problem = options, ""
        self.settings = self.models = None
        try:
            self.settings = Settings.from_env()
            self.models = _load_on_this_node(self.settings)
        except Exception as error:  # noqa: BLE001 - ModelUnavailable, SettingsError, anything else alike
            self.problem = str(error) or type(error).__name__

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        rows: dict[str, list] = {"name": [], "sha256": [], "analysis": [], "error": [], "final": [], "fatal": []}
        for name, data, sha256 in zip(batch["name"], batch["data"], batch["sha256"]):
            _crash_if_asked(str(name))
            analysis, error, final = "", self.problem, ""
            if not self.problem:
                item = analyze_source(str(name), bytes(data), self.models, self.settings, self.options)
                error, final = item.error, item.final or ""
                if item.analysis is not None:
                    analysis = json.dumps({"title": item.title, "text": item.analysis.text,
                                           **to_json(item.analysis)}, ensure_ascii=False)
            for column, value in zip(rows, (str(name), str(sha256), analysis, error, final, bool(self.problem))):
                rows[column].append(value)
        return rows


def _load_on_this_node(settings: Settings):
    """The models; the first actor on a machine loads (and converts) them alone, the others wait for it and then
    load side by side, so no two actors convert the same model at once and loading is not serialised."""
    key = hashlib.sha256(repr((settings, os.environ.get("KHULASA_CT2_DIR", ""))).encode()).hexdigest()[:16]
    ready = Path(tempfile.gettempdir()) / f"khulasa-models-{key}.ready"
    if not ready.exists():
        with _node_lock():
            if not ready.exists():
                models = load_models(settings, strict=True)
                ready.touch()
                return models
    return load_models(settings, strict=True)


@contextmanager
def _node_lock() -> Iterator[None]:
    with open(Path(tempfile.gettempdir()) / "khulasa-model-load.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _crash_if_asked(name: str) -> None:
    """Fault injection for the tests: the worker process dies on the article named by `KHULASA_RAY_CRASH`,
    once if `KHULASA_RAY_CRASH_MARKER` names a file (created on the first crash), else every time."""
    if name == os.environ.get("KHULASA_RAY_CRASH"):
        die("KHULASA_RAY_CRASH_MARKER")
