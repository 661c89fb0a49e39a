"""The newsroom service on a local Ray Serve with the tiny models, started once for this module: the CLI's contract,
streaming order, keys, limits and error codes, cancel, and a replica killed mid-request.

These are the service tests (marker `serve`; deselect with `-m "not serve"`); they are skipped when Ray Serve is not
installed.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from core.settings import Settings
from tests.test_cli import run_cli

serve = pytest.importorskip("ray.serve")
import ray  # noqa: E402 - only once Ray Serve is known to be there

from documents.ray_batch import ROOT, UPLOAD_EXCLUDES  # noqa: E402
from service.app import APP_NAME, build  # noqa: E402
from service.config import ServiceConfig  # noqa: E402

pytestmark = pytest.mark.serve
DESK, CMS = "desk-key-0123456789", "cms-key-9876543210"
CRASH = "انقطع البث فجأة في منتصف الليل."  # the translator's replica dies on this sentence (once)
STALL = "تأخر القطار ساعتين عن موعده."  # the translator takes 3 s over a batch holding this one
MAX_CHARS, RATE, IN_FLIGHT = 4000, 30, 2


@pytest.fixture(scope="module")
def service(tiny_env: dict[str, str], tiny_settings: Settings,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("service")
    keys = folder / "keys"
    keys.write_text(f"# the desks\n{DESK}\nsha256:{__import__('hashlib').sha256(CMS.encode()).hexdigest()}\n",
                    encoding="utf-8")
    env = {**tiny_env, "KHULASA_SERVE_CRASH": CRASH, "KHULASA_SERVE_CRASH_MARKER": str(folder / "crashed"),
           "KHULASA_SERVE_STALL": STALL}
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES, "env_vars": env})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = ServiceConfig(port=port, keys_path=str(keys), rate_per_minute=RATE, max_in_flight=IN_FLIGHT,
                           max_chars=MAX_CHARS, reserve_memory=False, batch_wait_s=0.05)
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    serve.run(build(replace(tiny_settings, engine="ctranslate2"), config, 2.0), name=APP_NAME, route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    serve.shutdown()
    ray.shutdown()


def call(url: str, path: str, body: dict | None = None, key: str | None = DESK,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body of one request (errors included)."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json", **(headers or {}),
                                              **({"Authorization": f"Bearer {key}"} if key else {})})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def error_of(answer: tuple[int, dict, bytes]) -> tuple[int, str]:
    status, _, body = answer
    data = json.loads(body)
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message"}, data
    return status, data["error"]["code"]


def without_timings(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "timings_ms"}


def test_analysis_is_the_clis_json_timings_aside(service: str, seed: str, tiny_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(seed, encoding="utf-8")
    cli = run_cli("analyze", str(article), "--format", "json", env=tiny_env)
    assert cli.returncode == 0, cli.stderr.decode()
    status, _, body = call(service, "/v1/analyze", {"text": seed})
    assert status == 200
    assert without_timings(json.loads(body)) == without_timings(json.loads(cli.stdout))
