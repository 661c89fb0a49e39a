"""How fast the Ray batch goes per actor on the full-size models, and how much memory an actor holds.

    .venv/bin/python bench/scale.py [--models DIR] [--articles 4] [--actors 1,2] [--write]

Runs `cli.py batch --ray`'s own code (`batches.ray_batch.analyze_on_ray`) on a local Ray with as many CPUs as
actors, one CPU and one inference thread per actor, over copies of the reference article (each sentence numbered
by its copy, so neither the manifest nor the translator's sentence cache saves any work), with the bench's
full-size random-weight models (`bench/build.py`, reused from `bench/.models/` or `--models`). It prints, and
with `--write` puts into SCALE.md: the time until the first article is back (Ray start-up, actor start-up, model
loading, one article), the steady pace in articles per minute per actor (from the first result to the last),
the actors' CPU seconds per article (the pace an actor keeps on a core of its own, whatever else runs), the peak
resident memory of one actor and of Ray's own processes, and how busy the machine was (load average,
CPU steal).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.pipeline import Options  # noqa: E402
from arabic.segment import segment  # noqa: E402
from batches.archive import Archive  # noqa: E402
from batches.ray_batch import UPLOAD_EXCLUDES, RayOptions, analyze_on_ray  # noqa: E402
from core.settings import Settings  # noqa: E402
from models.prepare import convert_ahead, model_revisions  # noqa: E402
from tests.tiny_models import seed_text  # noqa: E402

REPORT = ROOT / "SCALE.md"
BEGIN, END = "<!-- bench/scale.py: begin -->", "<!-- bench/scale.py: end -->"


class PeakMemory:
    """Samples every second the resident memory of the actors and of Ray's own processes (from /proc)."""

    def __init__(self) -> None:
        self.actor_gb = self.ray_gb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            actors, ray_own = [], 0.0
            for status in Path("/proc").glob("[0-9]*/status"):
                try:
                    name = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    rss = int(re.search(r"VmRSS:\s+(\d+)", status.read_text()).group(1)) / 2**20
                except (OSError, AttributeError):
                    continue
                if "MapWorker" in name:
                    actors.append(rss)
                elif re.search(r"raylet|gcs_server|dashboard|ray/_private|default_worker|runtime_env", name):
                    ray_own += rss
            self.actor_gb = max([self.actor_gb, *actors])
            self.ray_gb = max(self.ray_gb, ray_own)


def actor_cpu_seconds() -> float:
    """CPU time (user + system) used so far by the live actor processes: a pace that does not depend on how much
    of the machine other work takes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if b"MapWorker" not in (stat.parent / "cmdline").read_bytes():
                continue
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_steal() -> tuple[int, int]:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return fields[7], sum(fields)


def measure(ray, folder: Path, settings: Settings, actors: int) -> dict[str, float]:
    out = Path(tempfile.mkdtemp(prefix="khulasa-scale-out-"))
    archive = Archive(out, model_revisions(settings), max_chars=settings.max_chars)
    pending = archive.plan((path.name, path) for path in sorted(folder.iterdir()))
    finished: list[float] = []
    cpu: list[float] = []
    ray.init(num_cpus=actors, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES})
    steal_before, total_before = cpu_steal()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    try:
        with PeakMemory() as memory:
            analyze_on_ray(pending, archive, settings, Options(), RayOptions("local", actors, 1, 1.0),
                           datetime.now(UTC), lambda done, total, item: finished.append(time.perf_counter())
                           or cpu.append(actor_cpu_seconds()) or print(
                               f"  [{done}/{total}] {item.name}: {'analysed' if item.ok else item.error}"))
    finally:
        archive.close()
        ray.shutdown()
    steal_after, total_after = cpu_steal()
    later = len(finished) - actors  # articles after each actor's first, which carries the model loading
    steady = later / (finished[-1] - finished[actors - 1]) * 60 / actors if later > 0 else float("nan")
    cpu_per_article = (cpu[-1] - cpu[actors - 1]) / later if later > 0 else float("nan")
    return {"actors": actors, "articles": len(finished), "first_s": finished[0] - started,
            "total_s": finished[-1] - started, "per_actor_per_min": steady,
            "cpu_s": cpu_per_article, "actor_gb": memory.actor_gb,
            "ray_gb": memory.ray_gb, "load": (load_before + os.getloadavg()[0]) / 2,
            "steal": 100 * (steal_after - steal_before) / max(1, total_after - total_before)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, help="a folder of already built bench models, used as it is "
                        "(default: bench/.models/, built by bench/build.py when missing)")
    parser.add_argument("--articles", type=int, default=4)
    parser.add_argument("--actors", default="1,2")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    import ray

    from bench.build import ensure_models

    if args.models:  # someone else's folder: read it, never rebuild it
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
    folder = Path(tempfile.mkdtemp(prefix="khulasa-scale-in-"))
    for number in range(args.articles):
        (folder / f"article-{number:03}.txt").write_text(distinct_copy(seed_text(), number), encoding="utf-8")
    rows = []
    for actors in (int(value) for value in args.actors.split(",")):
        print(f"{actors} actor(s), {args.articles} articles")
        rows.append(measure(ray, folder, settings, actors))
    table = report(rows, args.articles)
    print(table)
    if args.write:
        text = REPORT.read_text(encoding="utf-8")
        REPORT.write_text(text[:text.index(BEGIN) + len(BEGIN)] + "\n" + table + text[text.index(END):],
                          encoding="utf-8")


def distinct_copy(text: str, number: int) -> str:
    """The article with the copy's number before every sentence, so no sentence of one copy is in another and
    the translator's sentence cache saves nothing: each copy is a full article's work."""
    sentences, _ = segment(text)
    pieces, last = [], 0
    for sentence in sentences:
        pieces += [text[last:sentence.start], f"{number + 1} ", sentence.text]
        last = sentence.end
    return "".join(pieces) + text[last:]


def report(rows: list[dict[str, float]], articles: int) -> str:
    head = (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
            f"({Path('/proc/cpuinfo').read_text().split('model name')[1].split(':')[1].splitlines()[0].strip()}), "
            f"{articles} copies of the reference article, one CPU and one thread per actor.\n\n")
    lines = ["| actors | time to first article (s) | all articles (s) | articles / minute / actor, as run | "
             "actor CPU s / article | articles / minute / actor on its own core | peak RSS per actor (GB) | "
             "Ray's own processes (GB) | load average | CPU steal |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['actors']} | {r['first_s']:.0f} | {r['total_s']:.0f} | {r['per_actor_per_min']:.2f} | "
              f"{r['cpu_s']:.1f} | {60 / r['cpu_s']:.2f} | {r['actor_gb']:.2f} | {r['ray_gb']:.2f} | "
              f"{r['load']:.1f} | {r['steal']:.0f}% |" for r in rows]
    return head + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
