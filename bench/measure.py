"""One benchmark configuration, run in its own process so that its peak memory is its own.

`python -m bench.measure CONFIG --out FILE [--repeats N]`, CONFIG one of:

- `naive`: transformers fp32 the plain way: `from_pretrained`, then tokenizer + `model.generate` one sentence at
  a time, the token-classification pipeline one paragraph at a time;
- `pipeline`: Khulasa's own code (`load_models`, `Translator`, `Summarizer`, `EntityRecognizer`) with the engine
  that `KHULASA_ENGINE` chooses;
- `convert`: CTranslate2 conversion of the translator and the summarizer into `KHULASA_CT2_DIR`, then the
  cached lookup.

The models are the folders in `KHULASA_TRANSLATOR`, `KHULASA_SUMMARIZER` and `KHULASA_NER`. Every output is
forced to a fixed length, so every configuration generates the same number of tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path

from arabic.segment import segment
from bench.equal_work import SENTENCE_TOKENS, SUMMARY_TOKENS
from bench.rss import RssTrace
from models.summarize import normalize_whitespace
from models.translate import SENTENCE_TOKENS as SENTENCE_LIMIT
from tests.seed import seed_text

BEAMS = 4
SUMMARY_SOURCE_TOKENS = 64  # source tokens of the sentence that stands in for the summary when it is translated


def memory_kib(field: str) -> int:
    """`VmRSS` (now) or `VmHWM` (peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


class CpuShare:
    """How much of the machine's CPU time, while it runs, goes to other processes and to the hypervisor (steal):
    a measure of how far the timings were disturbed."""

    def __enter__(self) -> CpuShare:
        self.start = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        (wall0, busy0, steal0, own0), (wall1, busy1, steal1, own1) = self.start, self._sample()
        capacity = (wall1 - wall0) * (os.cpu_count() or 1)
        self.others = max(0.0, (busy1 - busy0) - (own1 - own0)) / capacity
        self.steal = (steal1 - steal0) / capacity

    @staticmethod
    def _sample() -> tuple[float, float, float, float]:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        per_second = os.sysconf("SC_CLK_TCK")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        busy = (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / per_second
        return time.perf_counter(), busy, ticks[7] / per_second, usage.ru_utime + usage.ru_stime


@contextmanager
def timed(seconds: dict[str, float], stage: str, trace: RssTrace | None = None) -> Iterator[None]:
    started = time.perf_counter()
    with trace.stage(STAGE_NAMES[stage]) if trace else nullcontext():
        yield
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started


STAGE_NAMES = {"ner": "entities", "translate": "translation", "summarize": "summary"}


def summary_stand_in(text: str, count_tokens: Callable[[str], int]) -> str:
    """The article's longest opening run of words that is at most `SUMMARY_SOURCE_TOKENS` translator tokens:
    the English summary's source, the same for every engine (a random-weight summary is noise of any length)."""
    words = text.split()
    size = max(n for n in range(1, len(words) + 1) if count_tokens(" ".join(words[:n])) <= SUMMARY_SOURCE_TOKENS)
    return " ".join(words[:size])


def article_text() -> str:
    """The article under test: `KHULASA_BENCH_ARTICLE` (a path; default the seed story) repeated
    `KHULASA_BENCH_TIMES` times, paragraph after paragraph (a longer article of the same shape)."""
    path = os.environ.get("KHULASA_BENCH_ARTICLE", "")
    text = Path(path).read_text(encoding="utf-8") if path else seed_text()
    return "\n\n".join([text.strip()] * int(os.environ.get("KHULASA_BENCH_TIMES", "1") or 1)) + "\n"


def article(count_tokens: Callable[[str], int], limit: int) -> tuple[str, list[str], list[tuple[int, int]]]:
    """The article, its sentences (at most `limit` tokens) and its paragraph spans, segmented as
    `analyze_stream` does."""
    text = article_text()
    sentences, paragraphs = segment(text, measure=count_tokens, limit=limit)
    spans = [(sentences[p[0]].start, sentences[p[-1]].end) for p in paragraphs]
    return text, [sentence.text for sentence in sentences], spans


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}


class FixedSummarizer:
    """The summarizer with every summary `SUMMARY_TOKENS` long (equal work across engines), returning the
    fixed stand-in as its text, so that the English summary translates the same source everywhere."""

    def __init__(self, summarizer, stand_in: str) -> None:
        self.summarizer, self.stand_in = summarizer, stand_in

    def summarize(self, text: str, **_: object) -> tuple[str, str, str]:
        _, strategy, detail = self.summarizer.summarize(text, num_beams=BEAMS, fixed_new_tokens=SUMMARY_TOKENS)
        return self.stand_in, strategy, detail


class NamelessRecognizer:
    """The recognizer, whose mentions are found and then dropped: random weights find random "names", and their
    translation (a handful of short names on a real article) is left out of the comparison."""

    def __init__(self, recognizer) -> None:
        self.recognizer, self.trace = recognizer, None

    def find(self, text: str, spans: list[tuple[int, int]]) -> list:
        with self.trace.stage("entities") if self.trace else nullcontext():
            self.recognizer.find(text, spans)
        return []


def run_pipeline(repeats: int) -> dict:
    """Khulasa's code path: `analyze_stream` itself (its order of stages, its threads), with fixed output
    lengths and no sentence cache."""
    from analysis.pipeline import load_models
    from core.settings import Settings
    from models.translate import Translator

    settings = Settings.from_env()
    started = time.perf_counter()
    models = load_models(settings)
    translator = Translator(models.translator.seq2seq, batch_tokens=settings.batch_tokens, cache=None,
                            fixed_new_tokens=SENTENCE_TOKENS)
    summarizer, recognizer = models.summarizer, models.recognizer
    text, sentences, spans = article(translator.count_tokens, translator.sentence_limit)
    _warm_up(translator, summarizer, recognizer, text, spans)
    load_s, loaded_kib, loading_peak_kib = time.perf_counter() - started, memory_kib("VmRSS"), memory_kib("VmHWM")

    stand_in = summary_stand_in(text, translator.count_tokens)
    bench_models = replace(models, translator=translator, summarizer=FixedSummarizer(summarizer, stand_in),
                           recognizer=NamelessRecognizer(recognizer))
    clock = translator.seq2seq.model = EngineClock(translator.seq2seq.model, "translation")
    summary_clock = summarizer.seq2seq.model = EngineClock(summarizer.seq2seq.model, "summary")
    clocks = (clock, summary_clock, bench_models.recognizer)
    with CpuShare() as share:
        traced = [_analyse(text, settings, bench_models, clocks) for _ in range(repeats)]
    runs = [seconds for seconds, _ in traced]
    seq2seq = translator.seq2seq
    return {
        "engine": models.names.engine, "repeats": repeats, "load_s": round(load_s, 2), "rss_loaded_kib": loaded_kib,
        "loading_peak_rss_kib": loading_peak_kib,
        "seconds": medians(runs), "runs": runs, "generated_tokens": clock.tokens,
        "stage_peak_rss_kib": highest([peaks for _, peaks in traced]),
        "summary_calls": summary_clock.batches,
        "shape": {"sentences": len(sentences), "paragraphs": len(spans), "words": len(text.split()),
                  "batches": [len(batch) for batch in translator.batches(sentences)],
                  "source_tokens": [translator.count_tokens(s) for s in sentences],
                  "summary_source_tokens": summarizer.seq2seq.count_tokens(normalize_whitespace(text)),
                  "stand_in_tokens": translator.count_tokens(stand_in),
                  "word_pieces": _word_pieces(recognizer, text, spans),
                  "kept_pieces": {"translator": [getattr(seq2seq, "kept_pieces", None), len(seq2seq.tokenizer)],
                                  "summarizer": [getattr(summarizer.seq2seq, "kept_pieces", None),
                                                 len(summarizer.seq2seq.tokenizer)]},
                  "ner": getattr(recognizer, "quantization", None) or "fp32", "overlap": settings.overlap},
        "threads": _threads(seq2seq), "others_cpu": round(share.others, 3), "steal": round(share.steal, 3),
    }


def highest(peaks: list[dict[str, int]]) -> dict[str, int]:
    """Each stage's highest peak over the runs."""
    return {stage: max(run.get(stage, 0) for run in peaks) for stage in STAGE_NAMES.values()}


def _analyse(text: str, settings, models, clocks: tuple) -> tuple[dict[str, float], dict[str, int]]:
    """One timed `analyze_stream`; its stage times (`timings_ms`: entities, translation batches, summary with
    its English version, each as long as it ran, overlapping where the pipeline overlaps them) and each stage's
    peak RSS (KiB)."""
    from analysis.pipeline import analyze_stream

    seconds: dict[str, float] = {}
    clock = clocks[0]
    for watched in clocks[:2]:
        watched.calls, watched.tokens, watched.batches = [], [], []
    with RssTrace() as trace:
        for watched in clocks:
            watched.trace = trace
        started = time.perf_counter()
        for snapshot in analyze_stream(text, models, settings):
            if any(sentence.translation for sentence in snapshot.sentences):
                seconds.setdefault("first", time.perf_counter() - started)
        seconds["total"] = time.perf_counter() - started
    timings = snapshot.timings_ms
    seconds.update(ner=timings["ner"] / 1000, translate=timings["translate"] / 1000,
                   summarize=timings["summarize"] / 1000, engine_translate=sentence_calls(clock, settings.overlap))
    seconds["overhead"] = seconds["translate"] / seconds["engine_translate"] - 1
    return seconds, trace.peaks()


def _warm_up(translator, summarizer, recognizer, text: str, spans: list[tuple[int, int]]) -> None:
    """One small call per model, so that one-off costs (first allocations, kernel choice) are not timed."""
    from analysis.pipeline import check_language
    from models.translate import Translator

    check_language(text)
    Translator(translator.seq2seq, cache=None, fixed_new_tokens=8).translate([text.split("،")[0]])
    summarizer.summarize(text.split("،")[0], fixed_new_tokens=4)
    recognizer.find(text, spans[:1])


def sentence_calls(clock: EngineClock, overlap: bool) -> float:
    """Seconds inside the engine for the article's sentences: the translator's calls less the English summary's,
    which the summary's own thread makes beside the translation (`KHULASA_OVERLAP`), else the last call."""
    calls = [seconds for seconds, thread in zip(clock.calls, clock.threads) if not thread.startswith("khulasa-summary")]
    return sum(calls if overlap else calls[:-1])


class EngineClock:
    """Stands in for a seq2seq's engine (`.model`): passes every call on, and records the seconds spent inside
    each `generate` (transformers) or `translate_batch` (CTranslate2) call, its batch size and how many tokens
    each output got; with a `trace`, marks the call's span as `stage`'s (the translator's last call, the English
    summary, counts as translation there)."""

    def __init__(self, model, stage: str) -> None:
        self.model, self.stage, self.trace = model, stage, None
        self.calls: list[float] = []
        self.threads: list[str] = []
        self.tokens: list[int] = []
        self.batches: list[int] = []

    def __getattr__(self, name: str):
        return getattr(self.model, name)

    @contextmanager
    def _call(self, size: int) -> Iterator[None]:
        started = time.perf_counter()
        with self.trace.stage(self.stage) if self.trace else nullcontext():
            yield
        self.calls.append(time.perf_counter() - started)
        self.threads.append(threading.current_thread().name)
        self.batches.append(size)

    def generate(self, **kwargs):
        with self._call(len(kwargs["input_ids"])):
            output = self.model.generate(**kwargs)
        self.tokens += [output.sequences.shape[1] - 1] * output.sequences.shape[0]  # decoder start excluded
        return output

    def translate_batch(self, *args, **kwargs):
        with self._call(len(args[0])):
            results = self.model.translate_batch(*args, **kwargs)
        self.tokens += [len(result.hypotheses[0]) for result in results]
        return results


def _transformers_generate(model, batch, new_tokens: int, no_repeat_ngram_size: int = 0):
    """`model.generate` with the settings `TransformersSeq2Seq` uses; the generated ids, decoder start first."""
    import torch

    with torch.inference_mode():
        return model.generate(
            **batch, num_beams=BEAMS, max_new_tokens=new_tokens, min_new_tokens=new_tokens,
            no_repeat_ngram_size=no_repeat_ngram_size, do_sample=False, output_scores=True,
            return_dict_in_generate=True,
        ).sequences


def _word_pieces(recognizer, text: str, spans: list[tuple[int, int]]) -> int:
    tokenizer = recognizer.tokenizer
    return sum(len(tokenizer(text[start:end])["input_ids"]) for start, end in spans)


def _threads(seq2seq) -> dict[str, int]:
    """The threads each runtime in the process uses. torch is asked only where the analysis loaded it: importing it
    here, after the runs, added its 0.18 GB to the CTranslate2 pipeline's peak RSS (every run before issue 21)."""
    torch = sys.modules.get("torch")
    threads = {"torch": torch.get_num_threads()} if torch else {}
    if seq2seq.engine == "ctranslate2":
        from models.ct2 import engine_threads

        for role in ("translator", "summarizer"):
            layout = engine_threads("cpu", role)
            threads[f"ctranslate2_{role}"] = f"{layout['inter_threads']} worker(s) × {layout['intra_threads']} thread"
    return threads


class NaiveDesk:
    """transformers fp32 as a first script would use it: `from_pretrained`, no batching, no engine choice."""

    def __init__(self) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

        self.marian_tokenizer = AutoTokenizer.from_pretrained(os.environ["KHULASA_TRANSLATOR"])
        self.marian = AutoModelForSeq2SeqLM.from_pretrained(os.environ["KHULASA_TRANSLATOR"]).eval()
        self.mt5_tokenizer = AutoTokenizer.from_pretrained(os.environ["KHULASA_SUMMARIZER"])
        self.mt5 = AutoModelForSeq2SeqLM.from_pretrained(os.environ["KHULASA_SUMMARIZER"]).eval()
        self.ner = pipeline("token-classification", model=os.environ["KHULASA_NER"], aggregation_strategy="first")

    def count(self, sentence: str) -> int:
        return len(self.marian_tokenizer(sentence)["input_ids"])

    def translate(self, sentence: str, new_tokens: int = SENTENCE_TOKENS) -> str:
        batch = self.marian_tokenizer([sentence], return_tensors="pt")
        output = _transformers_generate(self.marian, batch, new_tokens)[0]
        return self.marian_tokenizer.decode(output, skip_special_tokens=True)

    def summarize(self, text: str, new_tokens: int = SUMMARY_TOKENS) -> str:
        batch = self.mt5_tokenizer([normalize_whitespace(text)], return_tensors="pt", truncation=True, max_length=512)
        output = _transformers_generate(self.mt5, batch, new_tokens, no_repeat_ngram_size=2)[0]
        return self.mt5_tokenizer.decode(output, skip_special_tokens=True)


def run_naive(repeats: int) -> dict:
    """The naive desk: every sentence, paragraph and summary on its own, in the order of the article."""
    import torch

    started = time.perf_counter()
    desk = NaiveDesk()
    text, sentences, spans = article(desk.count, SENTENCE_LIMIT)
    desk.translate(sentences[0], 8)  # warm-up, as for the pipeline
    desk.summarize(sentences[0], 4)
    desk.ner(text[slice(*spans[0])])
    load_s, loaded_kib = time.perf_counter() - started, memory_kib("VmRSS")
    stand_in = summary_stand_in(text, desk.count)
    with CpuShare() as share:
        traced = [_analyse_naively(desk, text, sentences, spans, stand_in) for _ in range(repeats)]
    runs = [seconds for seconds, _ in traced]
    return {"engine": "transformers (naive)", "repeats": repeats, "load_s": round(load_s, 2),
            "rss_loaded_kib": loaded_kib, "seconds": medians(runs), "runs": runs,
            "stage_peak_rss_kib": highest([peaks for _, peaks in traced]),
            "threads": {"torch": torch.get_num_threads()}, "others_cpu": round(share.others, 3),
            "steal": round(share.steal, 3)}


def _analyse_naively(desk: NaiveDesk, text: str, sentences: list[str], spans: list[tuple[int, int]],
                     stand_in: str) -> tuple[dict[str, float], dict[str, int]]:
    seconds: dict[str, float] = {}
    with RssTrace() as trace:
        started = time.perf_counter()
        with timed(seconds, "ner", trace):
            for start, end in spans:
                desk.ner(text[start:end])
        with timed(seconds, "translate", trace):
            for sentence in sentences:
                desk.translate(sentence)
                seconds.setdefault("first", time.perf_counter() - started)
        with timed(seconds, "summarize", trace):
            desk.summarize(text)
            desk.translate(stand_in)
        seconds["total"] = time.perf_counter() - started
    return seconds, trace.peaks()


def run_convert() -> dict:
    """CTranslate2 int8 conversion of both seq2seq models (first time), then the cached lookup. The entity model's
    encoder is converted too (not timed), so that no measured run converts it (and imports torch to do so)."""
    from models.ct2 import cache_root, converted_folder

    converted_folder(os.environ["KHULASA_NER"], "int8", role="ner")

    existing = {folder.parent for folder in cache_root().glob("*/model.bin")}
    result = {}
    for role, variable in (("translator", "KHULASA_TRANSLATOR"), ("summarizer", "KHULASA_SUMMARIZER")):
        started = time.perf_counter()
        folder = converted_folder(os.environ[variable], "int8")
        first = time.perf_counter() - started
        started = time.perf_counter()
        converted_folder(os.environ[variable], "int8")
        result[role] = {"fresh": folder not in existing, "convert_s": round(first, 2),
                        "cached_s": round(time.perf_counter() - started, 4)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", choices=["naive", "pipeline", "convert"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from models.loading import prepare_runtime

    prepare_runtime()
    if args.config == "convert":
        result = run_convert()
    else:
        result = (run_naive if args.config == "naive" else run_pipeline)(args.repeats)
    result["peak_rss_kib"] = memory_kib("VmHWM")
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
