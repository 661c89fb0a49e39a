"""The newsroom service on a local Ray Serve with the tiny models, started once for this module: the CLI's contract,
streaming order, keys, limits and error codes, cancel, a replica killed mid-request, and a node lost (two simulated
nodes on this machine).

These are the service tests (marker `serve`; deselect with `-m "not serve"`); they are skipped when Ray Serve is not
installed.
"""

from __future__ import annotations

import hashlib
import itertools
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

from analysis.pipeline import Options
from bench.scale import distinct_copy
from core.settings import Settings
from tests.batching import assert_same_but_batching
from tests.test_cli import run_cli

serve = pytest.importorskip("ray.serve")
import ray  # noqa: E402 - only once Ray Serve is known to be there
from ray.cluster_utils import Cluster  # noqa: E402

from batches.ray_batch import ROOT, UPLOAD_EXCLUDES  # noqa: E402
from service.app import APP_NAME, build  # noqa: E402
from service.config import ServiceConfig  # noqa: E402

pytestmark = pytest.mark.serve
DESK, CMS = "desk-key-0123456789", "cms-key-9876543210"
CRASH = "انقطع البث فجأة في منتصف الليل."  # the translator's replica dies on this sentence (once)
STALL = "تأخر القطار ساعتين"  # the translator takes 3 s over a batch holding a sentence with these words
MAX_CHARS, RATE, IN_FLIGHT = 4000, 30, 3
_copies = itertools.count(1)


def fresh(seed: str, *, stalled: bool = False) -> str:
    """A copy of the seed no other request sent (each sentence numbered), so the ingress's sentence cache saves no
    model call; `stalled`: with a first sentence over which the translator takes 3 s."""
    number = next(_copies)
    copy = distinct_copy(seed, number)
    return f"{STALL} عن موعده في الرحلة {number}.\n{copy}" if stalled else copy


@pytest.fixture(scope="module")
def cluster(tiny_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two simulated nodes of one CPU each on this machine: the head, and a worker node a test removes."""
    folder = tmp_path_factory.mktemp("service")
    env = {**tiny_env, "KHULASA_SERVE_CRASH": CRASH, "KHULASA_SERVE_CRASH_MARKER": str(folder / "crashed"),
           "KHULASA_SERVE_STALL": STALL}
    nodes = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    nodes.add_node(num_cpus=1)
    ray.init(address=nodes.address, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES, "env_vars": env})
    yield nodes
    ray.shutdown()
    nodes.shutdown()


@pytest.fixture(scope="module")
def service(cluster: Cluster, tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service on the two nodes, every model replica sized to fit one node (so the head alone can hold them
    all once the other node is lost); its HTTP proxy on the head only."""
    keys = tmp_path_factory.mktemp("keys") / "keys"
    keys.write_text(f"# the desks\n{DESK}\nsha256:{hashlib.sha256(CMS.encode()).hexdigest()}\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = ServiceConfig(port=port, keys_path=str(keys), rate_per_minute=RATE, max_in_flight=IN_FLIGHT,
                           max_chars=MAX_CHARS, reserve_memory=False, batch_wait_s=0.05)
    serve.start(proxy_location="HeadOnly", http_options={"host": "127.0.0.1", "port": port})
    serve.run(build(replace(tiny_settings, engine="ctranslate2"), config, 1.0), name=APP_NAME, route_prefix="/")
    yield f"http://127.0.0.1:{port}"
    serve.shutdown()


def call(url: str, path: str, body: dict | None = None, key: str | None = DESK,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers (names in lower case) and body of one request (errors included)."""
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json", **(headers or {}),
                                              **({"Authorization": f"Bearer {key}"} if key else {})})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()


def _lower(headers) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def error_of(answer: tuple[int, dict, bytes]) -> tuple[int, str]:
    status, _, body = answer
    data = json.loads(body)
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message"}, data
    return status, data["error"]["code"]


def test_analysis_is_the_clis_json_timings_aside(service: str, seed: str, tiny_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(seed, encoding="utf-8")
    cli = run_cli("analyze", str(article), "--format", "json", env=tiny_env)
    assert cli.returncode == 0, cli.stderr.decode()
    status, _, body = call(service, "/v1/analyze", {"text": seed})
    assert status == 200
    # the service batches the sentences otherwise than the CLI's process: equal but for what that moves
    assert_same_but_batching(json.loads(cli.stdout), json.loads(body))


def stream_lines(url: str, body: dict) -> list[dict]:
    status, _, raw = call(url, "/v1/analyze/stream", body)
    assert status == 200
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


def test_stream_sends_first_sentences_then_entities_then_summary_and_done_last(service: str, seed: str) -> None:
    lines = stream_lines(service, {"text": seed})
    stages = [line["stage"] for line in lines]
    assert stages[0] == "translation" and any(s["translation"] for s in lines[0]["analysis"]["sentences"])
    assert stages.index("entities") < stages.index("summary") < stages.index("summary_en") < stages.index("done")
    assert [line["type"] for line in lines] == ["snapshot"] * (len(lines) - 1) + ["done"]


def test_keys_none_wrong_and_right(service: str) -> None:
    assert error_of(call(service, "/v1/models", key=None)) == (401, "unauthorized")
    assert error_of(call(service, "/v1/models", key="not-a-key")) == (403, "forbidden")
    assert call(service, "/v1/models")[0] == 200
    assert call(service, "/v1/models", key=CMS)[0] == 200  # kept in the file only as its hash
    assert call(service, "/v1/health", key=None)[0] == 200  # public: health, metrics and the API's docs
    assert call(service, "/docs", key=None)[0] == 200
    assert "/v1/analyze/stream" in json.loads(call(service, "/openapi.json", key=None)[2])["paths"]


def test_each_refusal_has_its_code_and_the_clis_message(service: str, seed: str) -> None:
    assert error_of(call(service, "/v1/analyze", {"text": "ا" * (MAX_CHARS + 1)})) == (413, "too_long")
    huge = {"text": "ا", "glossary": "x" * 2_100_000}
    assert error_of(call(service, "/v1/analyze", huge)) == (413, "too_large")
    status, _, body = call(service, "/v1/analyze", {"text": "The minister met his counterpart in Ankara today."})
    assert (status, json.loads(body)["error"]["code"]) == (422, "not_arabic")
    assert "does not look like Arabic" in json.loads(body)["error"]["message"]
    assert error_of(call(service, "/v1/analyze", {"text": " \u200f "})) == (400, "bad_input")
    assert error_of(call(service, "/v1/analyze", {"text": seed, "colour": "red"})) == (422, "invalid_request")
    assert error_of(call(service, "/v1/analyze", {"text": seed, "translation": "best"})) == (503, "model_missing")
    assert error_of(call(service, "/v1/nowhere", key=DESK)) == (404, "not_found")


def test_a_key_over_its_rate_waits(service: str) -> None:
    answers = [call(service, "/v1/models", key=CMS) for _ in range(RATE + 1)]
    assert error_of(answers[-1]) == (429, "rate_limited")
    assert int(answers[-1][1]["retry-after"]) >= 1
    assert call(service, "/v1/models", key=DESK)[0] == 200  # the other key's bucket is its own


def test_a_full_service_answers_503_with_retry_after_instead_of_queueing(service: str, seed: str) -> None:
    answers: list = []
    threads = [threading.Thread(target=lambda body: answers.append(call(service, "/v1/analyze", body)),
                                args=({"text": fresh(seed, stalled=True)},)) for _ in range(IN_FLIGHT)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while _queued(service, "translator_fast") < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    refused = call(service, "/v1/analyze", {"text": seed})
    for thread in threads:
        thread.join()
    assert error_of(refused) == (503, "overloaded") and int(refused[1]["retry-after"]) >= 1
    assert [answer[0] for answer in answers] == [200] * IN_FLIGHT


def _queued(url: str, deployment: str) -> int:
    text = call(url, "/metrics", key=None)[2].decode()
    line = next((line for line in text.splitlines() if line.startswith(f'khulasa_queue_length{{deployment="'
                                                                        f'{deployment}"}}')), "x 0")
    return int(line.split()[-1])


def test_requests_of_several_callers_share_translator_batches(service: str, seed: str) -> None:
    articles = [fresh(seed, stalled=True), fresh(seed), fresh(seed)]
    threads = [threading.Thread(target=call, args=(service, "/v1/analyze", {"text": article}))
               for article in articles]
    for thread in threads:
        thread.start()
        time.sleep(0.5)  # the stalled batch runs first; the others' calls queue behind it and are batched together
    for thread in threads:
        thread.join()
    metrics = call(service, "/metrics", key=None)[2].decode()
    single = _metric(metrics, 'khulasa_translator_fast_batch_callers_bucket{le="1"}')
    assert _metric(metrics, "khulasa_translator_fast_batch_callers_count") > single  # a batch of two callers
    assert _metric(metrics, "khulasa_translator_fast_batch_size_sum") >= _metric(
        metrics, "khulasa_translator_fast_batch_size_count")


def _metric(text: str, name: str) -> float:
    return float(next(line for line in text.splitlines() if line.startswith(name + " ")).split()[-1])


def test_a_client_that_goes_away_cancels_its_analysis(service: str, seed: str) -> None:
    from analysis.pipeline import Options
    from client.http import ServiceClient
    from core.errors import Cancelled

    before = _metric(call(service, "/metrics", key=None)[2].decode(), "khulasa_cancelled_total")
    client = ServiceClient(service, DESK)
    seen: list = []
    with pytest.raises(Cancelled):
        for analysis in client.stream(fresh(seed, stalled=True), Options(), "fast", stop=lambda: bool(seen)):
            seen.append(analysis)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        after = _metric(call(service, "/metrics", key=None)[2].decode(), "khulasa_cancelled_total")
        if after > before:
            break
        time.sleep(0.5)
    assert after == before + 1
    assert len(seen) == 1 and seen[0].stage != "done"


def test_a_replica_killed_mid_request_is_replaced_and_the_request_retried_or_refused(service: str,
                                                                                    seed: str) -> None:
    status, _, body = call(service, "/v1/analyze", {"text": f"{fresh(seed)}\n{CRASH}"})
    assert status in {200, 503}, body
    if status == 503:
        assert json.loads(body)["error"]["code"] == "unavailable"
    else:
        assert all(sentence["translation"] for sentence in json.loads(body)["sentences"])
    deadline = time.monotonic() + 120
    while call(service, "/v1/health", key=None)[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert call(service, "/v1/analyze", {"text": seed})[0] == 200


def test_an_edited_analysis_is_rechecked_as_the_cli_does(service: str, seed: str) -> None:
    analysis = json.loads(call(service, "/v1/analyze", {"text": seed})[2])
    analysis["checks"] = []
    status, _, body = call(service, "/v1/check", {"analysis": analysis, "article": seed})
    assert status == 200 and "checks" in json.loads(body)
    assert error_of(call(service, "/v1/check", {"analysis": {"sentences": []}})) == (400, "bad_input")


def test_the_cli_on_the_service_prints_what_it_prints_alone_and_keeps_its_exit_codes(
        service: str, seed: str, tiny_env: dict[str, str], tmp_path: Path) -> None:
    article, english = tmp_path / "seed.txt", tmp_path / "english.txt"
    article.write_text(seed, encoding="utf-8")
    english.write_text("The minister met his counterpart in Ankara today.", encoding="utf-8")
    # No model where the CLI runs: every model variable points nowhere, so only the service can have analysed it.
    env = {**tiny_env, "KHULASA_SERVICE_KEY": DESK, "KHULASA_TRANSLATOR": str(tmp_path / "none"),
           "KHULASA_SUMMARIZER": str(tmp_path / "none"), "KHULASA_NER": str(tmp_path / "none")}
    served = run_cli("analyze", str(article), "--service", service, env=env)
    assert served.returncode == 0, served.stderr.decode()
    direct = json.loads(call(service, "/v1/analyze", {"text": seed})[2])
    assert_same_but_batching(direct, json.loads(served.stdout))
    refused = run_cli("analyze", str(english), "--service", service, env=env)
    assert refused.returncode == 3 and refused.stderr.decode().count("\n") == 1
    wrong_key = run_cli("analyze", str(article), "--service", service, env={**env, "KHULASA_SERVICE_KEY": "x"})
    assert wrong_key.returncode == 5 and "not one of the service's keys" in wrong_key.stderr.decode()


def test_the_desks_batch_on_the_service_loads_no_model_and_keeps_each_files_reason(service: str, seed: str,
                                                                                   tiny_settings: Settings) -> None:
    """The desk's batch with `KHULASA_SERVICE` set: every file goes to the service, no model is loaded here, a
    refusal is that file's reason; a key the service refuses stops the batch with the service's message."""
    from analysis.worker import DONE, FAILED
    from batches.batch import Final
    from batches.batch_run import BatchRun
    from components.progress import service_analyse

    settings = replace(tiny_settings, service=service, service_key=DESK)
    sources = [("one.txt", fresh(seed).encode()), ("english.txt", b"The minister met his counterpart in Ankara."),
               ("two.txt", fresh(seed).encode())]
    loads: list[str] = []
    run = BatchRun(sources, Options(), settings=settings, load=loads.append, analyse=service_analyse(settings))
    run.start().join(timeout=300)
    view = run.view()
    assert view.state == DONE and loads == [] and [item.name for item in view.items] == ["one.txt", "english.txt",
                                                                                         "two.txt"]
    one, english, two = view.items
    assert one.ok and two.ok and all(sentence.translation for sentence in one.analysis.sentences)
    assert not english.ok and english.final == Final.LANGUAGE and "Arabic" in english.error
    wrong = replace(settings, service_key="not-a-key")
    refused = BatchRun(sources, Options(), settings=wrong, load=loads.append, analyse=service_analyse(wrong))
    refused.start().join(timeout=300)
    view = refused.view()
    assert view.state == FAILED and view.items == () and "not one of the service's keys" in view.error and loads == []


@pytest.mark.browser
def test_the_desk_on_the_service_shows_the_analysis_without_loading_a_model(
        service: str, seed: str, tiny_env: dict[str, str], tmp_path: Path) -> None:
    import os

    from tests.browser import CHROMIUM, CHROMIUM_ARGS, analyse, open_session, playwright_api, streamlit_server

    nowhere = str(tmp_path / "none")
    env = {**os.environ, **tiny_env, "KHULASA_SERVICE": service, "KHULASA_SERVICE_KEY": DESK,
           "KHULASA_TRANSLATOR": nowhere, "KHULASA_SUMMARIZER": nowhere, "KHULASA_NER": nowhere,
           "KHULASA_DB": str(tmp_path / "history.sqlite3")}
    with streamlit_server(env, tmp_path / "streamlit.log") as server, playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with open_session(browser, server.url) as session:
                analyse(session.page, seed)
                assert session.page.locator(".khulasa-translation").inner_text().strip()
        finally:
            browser.close()
        assert "could not be loaded" not in server.console()


def test_a_node_lost_from_the_cluster_leaves_the_service_answering(service: str, cluster: Cluster,
                                                                   seed: str) -> None:
    """Last in this module: the worker node goes, and the replicas it held start again on the head."""
    worker = next(node for node in cluster.list_all_nodes() if node is not cluster.head_node)
    cluster.remove_node(worker)
    deadline = time.monotonic() + 180
    while call(service, "/v1/health", key=None)[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    status, _, body = call(service, "/v1/analyze", {"text": fresh(seed)})
    assert status == 200, body
    assert all(sentence["translation"] for sentence in json.loads(body)["sentences"])
