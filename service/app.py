"""Build the service's Ray Serve application and run it (`cli.py serve`).

Each model deployment gets a share of the node's cores: `num_cpus` for Ray's scheduler and as many threads per
model call (`KHULASA_THREADS`), so the replicas on one node never run more threads than it has cores; and, unless
told not to, a memory reservation, so Ray does not pack more replicas on a node than its memory holds.
"""

from __future__ import annotations

import logging
import math
import os
import signal
import threading
from dataclasses import replace
from typing import Any

from core.errors import KhulasaError
from core.settings import Settings
from service.config import LOOPBACK, REPLICA_MEMORY_GB, ServiceConfig

APP_NAME = "khulasa"
SERVE_REQUIREMENT = "ray[serve]==2.60.0"
SUMMARY_BATCH_TOKENS = 2048  # four full windows of the summarizer


class ServiceUnavailable(KhulasaError):
    """Ray Serve is not installed, or Ray could not be started or joined: one line for the CLI (exit 5)."""

    exit_code = 5


def build(settings: Settings, config: ServiceConfig, cpus: float) -> Any:
    """The application: one deployment per translation mode, the summarizer (none with KHULASA_SUMMARIZER=none),
    the entity model, the metrics and the ingress; `cpus` are the cores of a node the model replicas share."""
    from service.deployments import Metrics, RecognizerModel, Seq2SeqModel
    from service.ingress import Ingress

    replicas = config.replicas * (len(config.modes) + (1 if settings.summarizer_off else 2))
    threads = max(1, int(cpus // replicas))
    share = min(1.0, math.floor(cpus / replicas * 100) / 100)  # rounded down, or the last replica may not fit
    metrics = Metrics.bind()

    def options(name: str, role: str, ongoing: int) -> dict[str, Any]:
        actor: dict[str, Any] = {"num_cpus": share, "runtime_env": {"env_vars": {
            "KHULASA_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}}}
        if config.reserve_memory:
            actor["memory"] = int(REPLICA_MEMORY_GB[role] * 1024 ** 3)
        return {"name": name, "num_replicas": config.replicas, "ray_actor_options": actor,
                "max_ongoing_requests": ongoing, "max_queued_requests": ongoing * 4,
                "graceful_shutdown_timeout_s": 60}

    wait = config.batch_wait_s
    translators = {mode: Seq2SeqModel.options(**options(f"translator_{mode}", "translator", settings.batch_tokens))
                   .bind("translator", f"translator_{mode}", replace(settings, translation=mode).translation_model,
                         settings, metrics, settings.batch_tokens, wait) for mode in config.modes}
    summarizer = None if settings.summarizer_off else Seq2SeqModel.options(**options("summarizer", "summarizer", 64)) \
        .bind("summarizer", "summarizer", settings.summarizer, settings, metrics, SUMMARY_BATCH_TOKENS, wait)
    ner = RecognizerModel.options(**options("ner", "ner", 64)).bind(settings, metrics, wait)
    return Ingress.options(max_ongoing_requests=config.max_in_flight * 4).bind(
        settings, config, translators, summarizer, ner, metrics)


def start(settings: Settings, config: ServiceConfig, address: str | None) -> bool:
    """Start (or join) Ray, then Serve on `config.host:port`, and deploy the application; returns whether Ray was
    started here (and so is shut down with the service)."""
    try:
        import ray
        from ray import serve
    except ImportError:
        raise ServiceUnavailable(f"`serve` needs Ray Serve, which is not installed: pip install "
                                 f"'{SERVE_REQUIREMENT}'.") from None
    from batches.ray_batch import ROOT, UPLOAD_EXCLUDES, check_reachable

    started = False
    if not ray.is_initialized():
        if address:
            check_reachable(address)
        try:
            ray.init(address=address, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
                     runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES})
        except Exception as error:  # noqa: BLE001 - Ray's ConnectionError, RuntimeError, ValueError alike
            raise ServiceUnavailable(f"Cannot start or join Ray at {address or 'a local Ray'}: "
                                     f"{str(error).strip().splitlines()[0] if str(error).strip() else error}") \
                from None
        started = True
    cpus = min(float(os.cpu_count() or 1), ray.cluster_resources().get("CPU", 1.0))
    serve.start(http_options={"host": config.host, "port": config.port})
    serve.run(build(settings, config, cpus), name=APP_NAME, route_prefix="/")
    return started


def run_until_stopped(settings: Settings, config: ServiceConfig, address: str | None, say) -> None:
    """`cli.py serve`: start, say where, and on SIGINT or SIGTERM drain the requests in flight and stop."""
    if not config.keys_path and config.host != LOOPBACK:
        say(f"warning: no KHULASA_API_KEYS file, so the service asks for no key and listens on {LOOPBACK} only "
            f"(not {config.host})")
        config = replace(config, host=LOOPBACK)
    elif not config.keys_path:
        say(f"no KHULASA_API_KEYS file: the service asks for no key and listens on {LOOPBACK} only")
    started = start(settings, config, address)
    say(f"Khulasa service on http://{config.host}:{config.port} (API docs at /docs); Ctrl-C stops it")
    stopped = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stopped.set())
    stopped.wait()
    say("stopping: answering the requests in flight first")
    import ray
    from ray import serve

    serve.shutdown()  # each replica finishes its requests (up to graceful_shutdown_timeout_s) before it stops
    if started:
        ray.shutdown()
