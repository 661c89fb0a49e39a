"""How the newsroom service holds up under concurrent callers, against the same articles analysed one at a time.

    .venv/bin/python bench/serve.py [--models DIR] [--clients 1,4,8,16] [--per-client 2] [--alone 3] [--faults 200]
                                    [--write]

Analyses distinct copies of the reference article (every sentence numbered by its copy, so no cache saves work)
with the bench's full-size random-weight models (`bench/build.py`), every output of a fixed length on both sides
(`bench/equal_work.py`: 60 tokens a translation, 64 a summary, as `bench/run.py`; random weights otherwise run every
output to its cap): first `--alone` of them one at a time in this
process (`analysis.pipeline`, as `cli.py analyze` does), then on the service (`service.app`, a local Ray with every
core, one replica per model, no keys, 127.0.0.1) from N concurrent clients, each streaming `--per-client`
articles one after another. It prints, and with `--write` puts into SCALE.md: throughput (articles a minute), p50
and p95 latency, first-snapshot latency, the mean batch of each deployment (items and callers, from /metrics) and
the resident memory of each replica. Then (`--faults N`, 0 to skip) a bounded load test: N requests from 8
clients, a mix of valid articles, oversize ones, non-Arabic text and bad keys, with the translator's replica killed
(SIGKILL) a third of the way in: every answer must be the analysis or the one error shape, none lost, no traceback.
Run it on an otherwise idle machine: it takes about N × per-client article
times, and the first run builds the models (a few minutes, once).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.pipeline import analyze_stream, load_models  # noqa: E402
from bench.equal_work import fix_lengths  # noqa: E402
from bench.scale import distinct_copy  # noqa: E402
from core.settings import Settings  # noqa: E402
from models.prepare import convert_ahead  # noqa: E402
from tests.tiny_models import seed_text  # noqa: E402

REPORT = ROOT / "SCALE.md"
BEGIN, END = "<!-- bench/serve.py: begin -->", "<!-- bench/serve.py: end -->"
PORT = 8790
KEY = "bench-key"


def alone(settings: Settings, count: int) -> dict[str, float]:
    """Articles one after another in this process: median latency and time to the first snapshot, after one
    untimed article as the service gets (its entities' names then come from the sentence cache on both sides)."""
    models = load_models(settings)
    for _ in analyze_stream(distinct_copy(seed_text(), 999), models, settings):
        pass
    totals, firsts = [], []
    for number in range(count):
        started, first = time.perf_counter(), None
        for _ in analyze_stream(distinct_copy(seed_text(), number), models, settings):
            first = first or time.perf_counter() - started
        totals.append(time.perf_counter() - started)
        firsts.append(first)
    return {"latency": statistics.median(totals), "first": statistics.median(firsts)}


def stream(url: str, text: str) -> tuple[float, float]:
    """Latency and first-snapshot latency of one streamed analysis."""
    request = urllib.request.Request(url + "/v1/analyze/stream", method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
        data=json.dumps({"text": text}, ensure_ascii=False).encode())
    started, first = time.perf_counter(), None
    with urllib.request.urlopen(request, timeout=3600) as response:
        for line in response:
            first = first or time.perf_counter() - started
            if json.loads(line)["type"] == "error":
                raise RuntimeError(line)
    return time.perf_counter() - started, first


def load(url: str, clients: int, per_client: int, offset: int) -> dict[str, float]:
    latencies, firsts, lock = [], [], threading.Lock()

    def client(index: int) -> None:
        for article in range(per_client):
            total, first = stream(url, distinct_copy(seed_text(), offset + index * per_client + article))
            with lock:
                latencies.append(total)
                firsts.append(first)

    before = batches(url)
    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    after = batches(url)
    means = {name: (after[name][0] - before.get(name, (0, 0, 0))[0]) /
             max(1, after[name][2] - before.get(name, (0, 0, 0))[2]) for name in after}
    callers = {name: (after[name][1] - before.get(name, (0, 0, 0))[1]) /
               max(1, after[name][2] - before.get(name, (0, 0, 0))[2]) for name in after}
    latencies.sort()
    return {"clients": clients, "per_minute": len(latencies) / wall * 60, "p50": statistics.median(latencies),
            "p95": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
            "first": statistics.median(firsts), "batch": means, "callers": callers}


def batches(url: str) -> dict[str, tuple[float, float, float]]:
    """Per deployment: the sums of batch sizes and of callers, and the number of batches, from /metrics."""
    text = urllib.request.urlopen(url + "/metrics", timeout=60).read().decode()
    found: dict[str, list[float]] = {}
    for line in text.splitlines():
        for suffix, slot in (("_batch_size_sum", 0), ("_batch_callers_sum", 1), ("_batch_size_count", 2)):
            if line.startswith("khulasa_") and line.split()[0].endswith(suffix):
                name = line.split()[0].removeprefix("khulasa_").removesuffix(suffix)
                found.setdefault(name, [0.0, 0.0, 0.0])[slot] = float(line.split()[-1])
    return {name: tuple(values) for name, values in found.items()}


def faults(url: str, total: int, max_chars: int) -> dict[str, int]:
    """`total` mixed requests from 8 clients, the translator's replica killed a third of the way in; the count of
    each answer (status and error code), and of answers that were neither an analysis nor the error shape."""
    kinds = [("valid", KEY, None), ("oversize", KEY, "ا" * (max_chars + 1)),
             ("english", KEY, "The minister met his counterpart in Ankara on Sunday to discuss the crisis."),
             ("bad key", "wrong-key", None)]
    outcomes: dict[str, int] = {}
    lock, sent = threading.Lock(), iter(range(total))

    def one(number: int) -> str:
        name, key, text = kinds[number % len(kinds)]
        body = json.dumps({"text": text or distinct_copy(seed_text(), 5000 + number)}, ensure_ascii=False).encode()
        request = urllib.request.Request(url + "/v1/analyze", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(request, timeout=3600) as response:
                answer, status = json.loads(response.read()), response.status
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                return f"{name}: {status} not JSON"
        except OSError as error:
            return f"{name}: lost ({type(error).__name__})"
        if status == 200 and "sentences" in answer:
            return f"{name}: 200"
        if set(answer) == {"error"} and set(answer["error"]) == {"code", "message"} and \
                "Traceback" not in answer["error"]["message"]:
            return f"{name}: {status} {answer['error']['code']}"
        return f"{name}: {status} unexpected body"

    def client() -> None:
        for number in sent:
            if number == total // 3:
                kill_replica("translator_")
            outcome = one(number)
            with lock:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def kill_replica(prefix: str) -> None:
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f"ServeReplica:khulasa:{prefix}" in status.read_bytes().decode(errors="replace"):
                os.kill(int(status.parent.name), signal.SIGKILL)
                print(f"killed replica {status.parent.name}", flush=True)
                return
        except OSError:
            continue


def replica_memory() -> dict[str, float]:
    """Resident GB of each replica process, by deployment."""
    found = {}
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().decode(errors="replace")
            if "ServeReplica:khulasa:" in command:
                name = command.split("ServeReplica:khulasa:")[1].split("\0")[0].split(".")[0].strip()
                rss = next(line for line in (status.parent / "status").read_text().splitlines()
                           if line.startswith("VmRSS"))
                found[name] = int(rss.split()[1]) / 1024 ** 2
        except (OSError, StopIteration, IndexError):
            continue
    return found


def report(single: dict[str, float], rows: list[dict], memory: dict[str, float], outcomes: dict[str, int]) -> str:
    lines = [f"Measured {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, load average before "
             f"{os.getloadavg()[0]:.1f}. One at a time in one process: {single['latency']:.1f} s an article "
             f"({60 / single['latency']:.2f} a minute), first sentences after {single['first']:.1f} s.", "",
             "| clients | articles/min | × alone | p50 s | p95 s | p95 ÷ alone | first snapshot s | ÷ alone first "
             "| mean batch (items, callers) |", "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        mean = "; ".join(f"{name} {row['batch'][name]:.1f}, {row['callers'][name]:.1f}"
                         for name in sorted(row["batch"]))
        lines.append(f"| {row['clients']} | {row['per_minute']:.2f} | {row['per_minute'] * single['latency'] / 60:.2f} "
                     f"| {row['p50']:.1f} | {row['p95']:.1f} | {row['p95'] / single['latency']:.1f} | "
                     f"{row['first']:.1f} | {row['first'] / single['first']:.1f} | {mean} |")
    lines += ["", "Resident memory per replica: " + ", ".join(f"{name} {gb:.2f} GB" for name, gb in
                                                              sorted(memory.items())) + "."]
    if outcomes:
        lines += ["", f"Load test, {sum(outcomes.values())} requests, the translator's replica killed a third of "
                  "the way in: " + ", ".join(f"{name} × {count}" for name, count in sorted(outcomes.items())) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, help="a folder of built bench models (default bench/.models/)")
    parser.add_argument("--clients", default="1,4,8,16")
    parser.add_argument("--per-client", type=int, default=2)
    parser.add_argument("--alone", type=int, default=3, help="articles analysed one at a time for the baseline")
    parser.add_argument("--faults", type=int, default=200, help="requests of the load test with a replica killed")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    from bench.build import ensure_models

    if args.models:
        folders = {role: args.models / role for role in ("translator", "summarizer", "ner")}
    else:
        args.models = ROOT / "bench" / ".models"
        folders = ensure_models(args.models)
    os.environ.update({"KHULASA_TRANSLATOR": str(folders["translator"]), "KHULASA_SUMMARIZER":
                       str(folders["summarizer"]), "KHULASA_NER": str(folders["ner"]), "KHULASA_DEVICE": "cpu",
                       "HF_HUB_OFFLINE": "1"})
    os.environ.setdefault("KHULASA_CT2_DIR", str(args.models / "ct2"))
    settings = Settings.from_env()
    convert_ahead(settings)
    fix_lengths()
    single = alone(settings, args.alone)
    print(f"alone: {single}", flush=True)
    import ray
    from ray import serve

    from batches.ray_batch import UPLOAD_EXCLUDES
    from service.app import APP_NAME, build
    from service.config import ServiceConfig

    env = {name: value for name, value in os.environ.items() if name.startswith(("KHULASA_", "HF_"))}
    ray.init(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES, "env_vars": env,
                          "worker_process_setup_hook": "bench.equal_work.fix_lengths"})
    keys = Path(tempfile.mkdtemp(prefix="khulasa-serve-bench-")) / "keys"
    keys.write_text(KEY + "\n", encoding="utf-8")
    config = ServiceConfig(port=PORT, keys_path=str(keys), reserve_memory=False, max_in_flight=64,
                           rate_per_minute=100_000, max_chars=settings.max_chars)
    serve.start(http_options={"host": "127.0.0.1", "port": PORT})
    serve.run(build(settings, config, float(os.cpu_count() or 1)), name=APP_NAME, route_prefix="/")
    url = f"http://127.0.0.1:{PORT}"
    rows = []
    try:
        stream(url, distinct_copy(seed_text(), 999))  # warm-up: the ingress loads its tokenizers on first use
        for index, clients in enumerate(int(value) for value in args.clients.split(",")):
            rows.append(load(url, clients, args.per_client, offset=1000 * (index + 1)))
            print(rows[-1], flush=True)
        memory = replica_memory()
        outcomes = faults(url, args.faults, settings.max_chars) if args.faults else {}
        print(outcomes, flush=True)
    finally:
        serve.shutdown()
        ray.shutdown()
    table = report(single, rows, memory, outcomes)
    print(table)
    if args.write:
        text = REPORT.read_text(encoding="utf-8")
        REPORT.write_text(text[:text.index(BEGIN) + len(BEGIN)] + "\n" + table + text[text.index(END):],
                          encoding="utf-8")


if __name__ == "__main__":
    main()
