"""Speed benchmark: the seed story analysed by full-size models with random weights, three ways, side by side.

    .venv/bin/python bench/run.py [--article PATH] [--times N] [--json FILE] [--repeats 3] [--naive-repeats 1]
                                  [--reconvert] [--no-write] [--best]

Builds (once, cached in `bench/.models/`) opus-mt-ar-en, mT5-base XLSum and BERT-base NER with random weights
in their real file layouts, converts the seq2seq models to CTranslate2 int8 (once, cached), then runs each
configuration in its own process — naive transformers fp32, the pipeline on transformers, the pipeline on
CTranslate2 — and prints a Markdown table that it also writes into BENCHMARKS.md with the machine, the date
and the library versions. Every output has a fixed length, so every configuration generates the same tokens.
`--article` measures another article (default: the seed story), `--times 2` the article twice over (a longer
one, whose summary needs the `sections` strategy); `--json` also writes the medians in a fixed schema. `--best`
adds a fourth column: the pipeline on CTranslate2 with the best translation mode (opus-mt-tc-big-ar-en's
architecture, `bench/build.py`), held against the fast mode's column by the best mode's targets.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.build import ensure_models  # noqa: E402
from bench.measure import BEAMS, SENTENCE_TOKENS, SUMMARY_SOURCE_TOKENS, SUMMARY_TOKENS  # noqa: E402

MODELS = ROOT / "bench" / ".models"
REPORT = ROOT / "BENCHMARKS.md"

CONFIGS = {  # column title → (bench.measure config, KHULASA_ENGINE)
    "naive transformers fp32": ("naive", ""),
    "pipeline, transformers fp32": ("pipeline", "transformers"),
    "pipeline, CTranslate2 int8": ("pipeline", "auto"),
}
# Issue 21's targets: the seed story, and a longer article (the seed three times over: a summary in sections),
# whose peak RSS may also be at most `above_seed_gb` over the seed's last run.
TARGETS = {"seed": {"speedup": 12.0, "first_speedup": 5.0, "peak_gb": 1.2, "overhead": 0.20},
           "long": {"speedup": 10.0, "first_speedup": 5.0, "peak_gb": 1.3, "overhead": 0.20, "above_seed_gb": 0.1}}
BEST = "pipeline, CTranslate2 int8, best translation"
# The best translation mode's targets (issue 22), against the fast mode's run on CTranslate2 in the same run.
BEST_TARGETS = {"total": 2.0, "first": 2.0, "peak_gb": 1.6}
JSON_RUNS = {"naive": "naive transformers fp32", "transformers": "pipeline, transformers fp32",
             "ctranslate2": "pipeline, CTranslate2 int8"}


def measure(config: str, env: dict[str, str], repeats: int = 1) -> dict:
    """Run `bench.measure` in a fresh process and return what it measured."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "result.json"
        command = [sys.executable, "-m", "bench.measure", config, "--out", str(out), "--repeats", str(repeats)]
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def conversion(env: dict[str, str]) -> dict:
    """This run's conversion measurement; the first conversion's, recorded when it happened, if it was cached."""
    record = MODELS / "ct2" / "first-conversion.json"
    result = measure("convert", env)
    if all(result[role]["fresh"] for role in ("translator", "summarizer")):
        result["date"] = today()
        record.write_text(json.dumps(result))
        return {"first": result, "now": result}
    first = json.loads(record.read_text()) if record.exists() else None
    return {"first": first, "now": result}


def today() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict[str, str]:
    import ctranslate2
    import torch
    import transformers

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": f"{cpu}, {os.cpu_count()} cores (nproc), {memory / 1024**2:.0f} GiB RAM",
            "versions": f"Python {platform.python_version()}, torch {torch.__version__}, "
                        f"transformers {transformers.__version__}, ctranslate2 {ctranslate2.__version__}"}


def cell(seconds: float, naive: float | None = None) -> str:
    ratio = f" ({naive / seconds:.1f}×)" if naive and seconds else ""
    return f"{seconds:.2f}{ratio}"


def gb(kib: int) -> float:
    return kib * 1024 / 1e9


def table(results: dict[str, dict]) -> str:
    """The side-by-side table; ratios in brackets are speed-ups against the naive column, "—" is not measured."""
    naive = next(iter(results.values()))["seconds"]
    sentences = results["pipeline, CTranslate2 int8"]["shape"]["sentences"]

    def stage(key: str, ratio: bool = True):
        return lambda result: cell(result["seconds"][key], naive.get(key) if ratio else None)

    rows = [("load + one warm-up call per model (s)", lambda result: f"{result['load_s']:.1f}"),
            ("entities (s)", stage("ner")),
            (f"translation, {sentences} sentences (s)", stage("translate")),
            ("summary + English summary (s; beside the translation in the pipeline)", stage("summarize")),
            ("**total analysis (s)**", lambda result: f"**{stage('total')(result)}**"),
            ("first translated sentences (s from start)", stage("first")),
            ("translation, inside the engine (s)", stage("engine_translate", ratio=False)),
            ("pipeline overhead on translation", lambda result: f"{overhead(result['seconds']):+.0%}"),
            ("peak RSS, all three models (GB)", lambda result: f"{gb(result['peak_rss_kib']):.2f}"),
            ("peak RSS while entities / translation / summary ran (GB)",
             lambda result: " / ".join(f"{gb(result['stage_peak_rss_kib'][stage]):.2f}"
                                       for stage in ("entities", "translation", "summary"))),
            ("RSS after loading and warm-up (GB)", lambda result: f"{gb(result['rss_loaded_kib']):.2f}"),
            ("timed runs (median of)", lambda result: str(result["repeats"])),
            ("CPU taken by other processes / hypervisor steal while timing",
             lambda result: f"{result['others_cpu']:.0%} / {result['steal']:.0%}")]
    lines = ["| | " + " | ".join(results) + " |", "|---" * (len(results) + 1) + "|"]
    for title, value in rows:
        lines.append(f"| {title} | " + " | ".join(_or_dash(value, result) for result in results.values()) + " |")
    return "\n".join(lines)


def _or_dash(value, result: dict) -> str:
    try:
        return value(result)
    except KeyError:
        return "—"


def overhead(seconds: dict[str, float]) -> float:
    """The translation stage's time over the time spent inside the engine, minus one (median of the runs)."""
    return seconds["overhead"]


def verdicts(results: dict[str, dict], label: str) -> str:
    """Each target against the default CPU configuration (the pipeline on CTranslate2 int8): the seed's, or a
    longer article's (`label` set), which is also held against the seed's last recorded peak RSS."""
    naive, default = (results[title] for title in ("naive transformers fp32", "pipeline, CTranslate2 int8"))
    seconds, targets = default["seconds"], TARGETS["long" if label else "seed"]
    checks = [
        ("faster end to end than naive fp32", f"≥ {targets['speedup']:g}×",
         naive["seconds"]["total"] / seconds["total"], targets["speedup"], "×", True),
        ("first translated sentences sooner than naive's", f"≥ {targets['first_speedup']:g}×",
         naive["seconds"]["first"] / seconds["first"], targets["first_speedup"], "×", True),
        ("peak RSS with all three models", f"≤ {targets['peak_gb']:g} GB", gb(default["peak_rss_kib"]),
         targets["peak_gb"], " GB", False),
        ("pipeline overhead over the engine (translation)", f"≤ {targets['overhead']:.0%}",
         overhead(seconds) * 100, targets["overhead"] * 100, "%", False),
    ]
    seed_run = MODELS / "last-run.json"
    if label and seed_run.exists():
        seed_peak = gb(json.loads(seed_run.read_text())["pipeline, CTranslate2 int8"]["peak_rss_kib"])
        checks.append((f"peak RSS over the seed's last run ({seed_peak:.2f} GB)",
                       f"≤ {targets['above_seed_gb']:g} GB", gb(default["peak_rss_kib"]) - seed_peak,
                       targets["above_seed_gb"], " GB", False))
    lines = ["| target | goal | measured | |", "|---|---|---|---|"]
    for name, goal, value, limit, unit, higher in checks:
        met = value >= limit if higher else value <= limit
        verdict = "met" if met else f"**missed** by {abs(value - limit):.2f}{unit}"
        lines.append(f"| {name} | {goal} | {value:.2f}{unit} | {verdict} |")
    return "\n".join(lines)


def best_verdicts(results: dict[str, dict]) -> str:
    """The best translation mode against the fast one (both the pipeline on CTranslate2 int8, in this run)."""
    fast, best = results["pipeline, CTranslate2 int8"], results[BEST]
    checks = [("best mode's end-to-end time over fast mode's", f"≤ {BEST_TARGETS['total']:g}×",
               best["seconds"]["total"] / fast["seconds"]["total"], BEST_TARGETS["total"], "×"),
              ("best mode's first sentences over fast mode's", f"≤ {BEST_TARGETS['first']:g}×",
               best["seconds"]["first"] / fast["seconds"]["first"], BEST_TARGETS["first"], "×"),
              ("best mode's peak RSS with all three models", f"≤ {BEST_TARGETS['peak_gb']:g} GB",
               gb(best["peak_rss_kib"]), BEST_TARGETS["peak_gb"], " GB")]
    lines = ["| best translation mode | goal | measured | |", "|---|---|---|---|"]
    for name, goal, value, limit, unit in checks:
        verdict = "met" if value <= limit else f"**missed** by {value - limit:.2f}{unit}"
        lines.append(f"| {name} | {goal} | {value:.2f}{unit} | {verdict} |")
    return "\n".join(lines)


def details(results: dict[str, dict], converted: dict, context: dict[str, str]) -> str:
    default = results["pipeline, CTranslate2 int8"]
    shape = default["shape"]
    first, now = converted["first"], converted["now"]
    first_text = (f"{first['translator']['convert_s']:.0f} s (translator) + {first['summarizer']['convert_s']:.0f} s "
                  f"(summarizer), peak RSS {gb(first['peak_rss_kib']):.1f} GB, measured {first['date']}"
                  if first else "not recorded (run with --reconvert)")
    cached = now["translator"]["cached_s"] + now["summarizer"]["cached_s"]
    return "\n".join([
        f"- Date: {context['date']}. Machine: {context['cpu']}. {context['versions']}.",
        f"- Load average (1/5/15 min) before: {context['load_before']}; after: {context['load_after']}.",
        f"- Article: {context['article']}, {shape['words']} words, {shape['paragraphs']} paragraphs.",
        f"- Workload: {shape['sentences']} sentences of {min(shape['source_tokens'])}–{max(shape['source_tokens'])} "
        f"Marian tokens (mean {sum(shape['source_tokens']) / len(shape['source_tokens']):.1f}) → {SENTENCE_TOKENS} "
        f"tokens each, beam {BEAMS}, in batches of {shape['batches']}; summary input {shape['summary_source_tokens']}"
        f" mT5 tokens → {SUMMARY_TOKENS} tokens, beam {BEAMS}; English summary: one {shape['stand_in_tokens']}-token "
        f"sentence (≤ {SUMMARY_SOURCE_TOKENS}) → {SENTENCE_TOKENS} tokens; summary engine calls (sections per call): "
        f"{default.get('summary_calls', '—')}; entities over {shape['word_pieces']} word "
        f"pieces in {shape['paragraphs']} paragraphs, one window per paragraph, windows to the encoder several at a "
        "time (naive: one paragraph per call). Pipeline overhead on translation includes any wait for room in the "
        "decode budget the translation shares with the summary (`models/budget.py`).",
        f"- Tokens the engine generated for each translation (every sentence and the English summary): "
        f"{sorted(set(default['generated_tokens']))} with CTranslate2, "
        f"{sorted(set(results['pipeline, transformers fp32']['generated_tokens']))} with transformers (whose last "
        "one is the end-of-sentence token Marian forces; CTranslate2 stops without it): the same decoding steps.",
        f"- Threads: {default['threads']} (pipeline on CTranslate2); {results['naive transformers fp32']['threads']}"
        f" (naive). Summary beside the translation (`KHULASA_OVERLAP`): {shape['overlap']}.",
        f"- Output pieces every output may write on CTranslate2 (kept / vocabulary; plus the pieces of its source): "
        f"translator {kept(shape, 'translator')}, summarizer {kept(shape, 'summarizer')}; entities: BERT "
        f"{shape['ner']} on CTranslate2 (pipeline) against fp32 (naive, transformers).",
        f"- CTranslate2 conversion, first time: {first_text}; cached lookup: {cached * 1000:.0f} ms.",
    ])


def kept(shape: dict, role: str) -> str:
    count, size = shape["kept_pieces"][role]
    return f"{count:,} / {size:,} ({count / size:.0%})" if count else f"all {size:,} (restriction off)"


def markers(label: str) -> tuple[str, str]:
    """The comment lines around the block this run writes: one block per article (the seed's has no label)."""
    name = f"bench/run.py {label}" if label else "bench/run.py"
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def write_report(block: str, label: str) -> None:
    """Replace this article's generated block of BENCHMARKS.md (appended when new), keeping the rest."""
    begin, end = markers(label)
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    if begin not in text:
        text = f"{text.rstrip()}\n\n{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    REPORT.write_text(f"{head}{begin}\n{block}\n{end}{tail}", encoding="utf-8")


def json_record(results: dict[str, dict], article: dict) -> dict:
    """The medians in the schema other tools read: article, then per configuration total, first sentences,
    peak RSS and stage times."""
    def run(result: dict) -> dict:
        seconds = result["seconds"]
        return {"total_s": seconds["total"], "first_s": seconds["first"],
                "peak_rss_gb": round(gb(result["peak_rss_kib"]), 3),
                "stage_peak_rss_gb": {stage: round(gb(kib), 3) for stage, kib in result["stage_peak_rss_kib"].items()},
                "stages": {"ner_s": seconds["ner"], "translate_s": seconds["translate"],
                           "summary_s": seconds["summarize"]}}
    return {"article": article, "runs": {key: run(results[title]) for key, title in JSON_RUNS.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each pipeline (median reported)")
    parser.add_argument("--naive-repeats", type=int, default=1, help="timed runs of the naive configuration")
    parser.add_argument("--reconvert", action="store_true", help="drop the cached CTranslate2 models first")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    parser.add_argument("--article", type=Path, help="the article to analyse (default: the seed story)")
    parser.add_argument("--times", type=int, default=1, help="analyse the article repeated this many times over")
    parser.add_argument("--json", type=Path, help="also write the medians to this JSON file")
    parser.add_argument("--best", action="store_true", help="also measure the best translation mode")
    args = parser.parse_args()
    label = "" if args.article is None and args.times == 1 else \
        f"{args.article.name if args.article else 'seed'}×{args.times}"
    label = f"{label} best".strip() if args.best else label

    context = {"load_before": "/".join(f"{x:.2f}" for x in os.getloadavg()), **machine()}
    if os.getloadavg()[0] > 0.5:
        print(f"warning: load average {context['load_before']}: other processes will distort the timings")
    folders = ensure_models(MODELS)
    if args.reconvert:
        shutil.rmtree(MODELS / "ct2", ignore_errors=True)
    (MODELS / "ct2").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KHULASA_TRANSLATOR": str(folders["translator"]),
           "KHULASA_SUMMARIZER": str(folders["summarizer"]), "KHULASA_NER": str(folders["ner"]),
           "KHULASA_DEVICE": "cpu", "KHULASA_CT2_DIR": str(MODELS / "ct2"), "HF_HUB_OFFLINE": "1",
           "KHULASA_BENCH_ARTICLE": str(args.article.resolve()) if args.article else "",
           "KHULASA_BENCH_TIMES": str(args.times)}
    converted = conversion(env)
    results = {}
    for title, (config, engine) in CONFIGS.items():
        print(f"measuring: {title} …", flush=True)
        repeats = args.naive_repeats if config == "naive" else args.repeats
        results[title] = measure(config, {**env, "KHULASA_ENGINE": engine or "transformers"}, repeats)
    if args.best:
        best_env = {**env, "KHULASA_ENGINE": "auto", "KHULASA_TRANSLATION": "best",
                    "KHULASA_TRANSLATOR_BEST": str(folders["translator_best"])}
        measure("convert", {**best_env, "KHULASA_TRANSLATOR": str(folders["translator_best"])})  # not timed
        print(f"measuring: {BEST} …", flush=True)
        results[BEST] = measure("pipeline", best_env, args.repeats)
    shape = results["pipeline, CTranslate2 int8"]["shape"]
    article = {"path": str(args.article or "shared/samples/seed.txt") + (f" ×{args.times}" if args.times > 1 else ""),
               "words": shape["words"], "sentences": shape["sentences"]}
    context.update(date=today(), load_after="/".join(f"{x:.2f}" for x in os.getloadavg()), article=article["path"])

    sections = [table(results), verdicts(results, label.removesuffix("best").strip())]
    if args.best:
        sections.append(best_verdicts(results))
    block = "\n\n".join([*sections, details(results, converted, context)])
    print(block)
    disturbed = [title for title, result in results.items() if result["others_cpu"] + result["steal"] > 0.05]
    if disturbed:
        print(f"\nwarning: over 5% of the CPU went elsewhere while timing {', '.join(disturbed)}: rerun when quiet")
    record = {"context": context, "conversion": converted, **results}
    (MODELS / f"last-run{'-' + label if label else ''}.json").write_text(json.dumps(record, indent=1))
    if args.json:
        args.json.write_text(json.dumps(json_record(results, article), indent=1))
    if not args.no_write:
        write_report(block, label)
        print(f"\nwritten to {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
