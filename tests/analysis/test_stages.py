"""Issue 19: each stage fails alone, an empty model output is a normal output, and a stop request stops every
stage, the summary thread included. The tiny models run for real under stand-ins that blank, break or watch them."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from analysis.pipeline import NOTHING_WRITTEN, Models, Options, analyze, analyze_stream, load_models
from core.errors import Cancelled
from core.settings import Settings
from core.types import STAGES, Analysis
from documents.glossary import read_glossary
from models.summarize import Summarizer
from models.translate import Translator
from tests.stand_ins import EngineStandIn, RecognizerStandIn
from tests.test_cli_glossary import EXAMPLE


@pytest.fixture(scope="module")
def models(tiny_settings: Settings) -> Models:
    return load_models(tiny_settings)


@pytest.fixture(scope="module")
def long_article(seed: str) -> str:
    """The seed story three times, each copy numbered: several translation batches, a summary in sections."""
    return "\n".join(f"{paragraph} ({copy})" for copy in range(3) for paragraph in seed.splitlines() if paragraph)


@pytest.fixture(scope="module")
def small_batches(tiny_settings: Settings) -> Settings:
    return replace(tiny_settings, batch_tokens=40)


def with_summarizer(models: Models, engine: EngineStandIn) -> Models:
    return replace(models, summarizer=Summarizer(engine))


def with_translator(models: Models, engine: EngineStandIn, settings: Settings) -> Models:
    return replace(models, translator=Translator(engine, batch_tokens=settings.batch_tokens, cache=None))


def summary_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("khulasa-summary")]


@pytest.mark.parametrize("output", ["", " \n "])
def test_a_summarizer_that_writes_nothing_for_every_section_gives_an_empty_summary(
    models: Models, long_article: str, output: str
) -> None:
    """Before: `generate([])[0]` on the joined, empty section summaries raised IndexError."""
    summary, strategy, _ = Summarizer(EngineStandIn(models.summarizer.seq2seq, output=output)).summarize(long_article)
    assert (summary, strategy) == ("", "sections")


def test_an_empty_section_summary_is_skipped_and_the_others_are_summarised(models: Models, long_article: str) -> None:
    real = models.summarizer.seq2seq
    outputs = iter(["", *[None] * 100])  # the first section's summary is empty, the rest are the model's

    class FirstEmpty(EngineStandIn):
        def generate(self, texts, settings):
            found = real.generate(texts, settings)
            return [""] * len(found) if next(outputs) == "" else found

    summary, strategy, _ = Summarizer(FirstEmpty(real)).summarize(long_article)
    assert strategy == "sections" and summary.strip()


def test_an_analysis_whose_summarizer_writes_nothing_is_partial_and_keeps_everything_else(
    models: Models, tiny_settings: Settings, long_article: str
) -> None:
    analysis = analyze(long_article, with_summarizer(models, EngineStandIn(models.summarizer.seq2seq, output="")),
                       tiny_settings)
    assert analysis.stage == "done" and analysis.partial
    assert analysis.summary.ar == "" and analysis.summary.en == ""
    assert [str(problem) for problem in analysis.problems] == [f"Summary: {NOTHING_WRITTEN}"]
    assert all(sentence.translation for sentence in analysis.sentences) and analysis.entities
    assert all(group.english for group in analysis.groups)


def broken(models: Models, settings: Settings, stage: str, armed: threading.Event) -> Models:
    """The models with the one behind `stage` failing while `armed` is set."""
    failing = armed.is_set
    if stage in ("entities", "checks"):
        return replace(models, recognizer=RecognizerStandIn(models.recognizer, failing=failing))
    if stage == "summary":
        return with_summarizer(models, EngineStandIn(models.summarizer.seq2seq, failing=failing))
    return with_translator(models, EngineStandIn(models.translator.seq2seq, failing=failing), settings)


# The snapshots after which the failure is armed and disarmed (None: from the start, to the end): the checks'
# recogniser call and the English summary's translator call are the only ones of their model after "summary_en"
# and "summary"; the article's entities and its sentences are the only calls before "entities" and "summary".
ARMED = {"entities": (None, "entities"), "translation": (None, "summary"), "summary": (None, None),
         "summary_en": ("summary", "summary_en"), "glossary": ("summary_en", None), "checks": ("summary_en", None)}
# Every stage runs, the glossary's included: the example glossary names people and places of the seed.
WITH_GLOSSARY = Options(glossary=read_glossary(EXAMPLE.name, EXAMPLE.read_bytes())[0])


@pytest.mark.parametrize("overlap", [True, False], ids=["overlap", "serial"])
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_stage_that_fails_costs_only_its_own_part(
    models: Models, small_batches: Settings, seed: str, stage: str, overlap: bool
) -> None:
    settings = replace(small_batches, overlap=overlap)
    armed, (arm_after, disarm_after) = threading.Event(), ARMED[stage]
    if arm_after is None:
        armed.set()
    snapshots = []
    for snapshot in analyze_stream(seed, broken(models, settings, stage, armed), settings, WITH_GLOSSARY):
        snapshots.append(snapshot)
        if snapshot.stage == arm_after:
            armed.set()
        if snapshot.stage == disarm_after:
            armed.clear()
    done = snapshots[-1]
    assert done.stage == "done" and done.partial
    [problem] = done.problems
    assert problem.stage == stage and "\n" not in str(problem)
    assert str(problem).startswith(f"{STAGES[stage]}: ") and "RuntimeError" in str(problem)
    assert done.text == seed
    translated = all(sentence.translation for sentence in done.sentences)
    assert translated == (stage != "translation")
    assert bool(done.entities) == (stage != "entities")
    assert bool(done.summary and done.summary.ar) == (stage != "summary")
    if stage == "summary_en" and overlap:
        # The summary's own thread translated it as soon as it was written, before the "summary" snapshot armed
        # the failure: what fails is the entity names' call (the glossary then names the groups it lists).
        assert done.summary and done.summary.ar and done.groups
    else:
        assert bool(done.summary and done.summary.en) == (stage not in ("summary", "summary_en"))
    # With no sentence translated, only the English summary can take a term, and whether the tiny model's summary
    # writes one depends on how it trained: the glossary is then not asserted (its stage did not fail, above).
    if stage != "translation":
        assert bool(done.glossary) == (stage != "glossary")


@pytest.mark.parametrize("after", ["translation", "entities", "summary", "summary_en"])
def test_a_stop_after_any_snapshot_stops_before_the_next_stage(
    models: Models, small_batches: Settings, long_article: str, after: str
) -> None:
    translator = EngineStandIn(models.translator.seq2seq)
    summarizer = EngineStandIn(models.summarizer.seq2seq)
    recognizer = RecognizerStandIn(models.recognizer, failing=lambda: False)
    watched = replace(with_summarizer(with_translator(models, translator, small_batches), summarizer),
                      recognizer=recognizer)
    stop, seen = threading.Event(), []
    calls: tuple[int, int, int] = (0, 0, 0)
    with pytest.raises(Cancelled):
        for snapshot in analyze_stream(long_article, watched, small_batches, stop=stop.is_set):
            seen.append(snapshot.stage)
            if snapshot.stage == after:
                stop.set()
                calls = (translator.calls, summarizer.calls, recognizer.calls)
    for thread in summary_threads():
        thread.join()
    assert seen[-1] == after and "done" not in seen
    # Nothing starts after the stop; the summary thread finishes at most the model call it was in.
    assert (translator.calls, recognizer.calls) == (calls[0], calls[2])
    assert summarizer.calls <= calls[1] + 1
    if after in ("translation", "entities"):  # sections go several to a call (issue 21): compare with a full run
        unstopped = EngineStandIn(models.summarizer.seq2seq)
        Summarizer(unstopped).summarize(long_article)
        assert summarizer.calls < unstopped.calls, "the summary went on through its sections after the stop"


def test_a_summary_stopped_between_sections_raises_cancelled(models: Models, long_article: str) -> None:
    calls = []
    engine = EngineStandIn(models.summarizer.seq2seq, before=lambda: calls.append(1))
    with pytest.raises(Cancelled):
        Summarizer(engine).summarize(long_article, stop=lambda: len(calls) >= 1)
    assert len(calls) == 1


def test_without_failures_nothing_is_partial(models: Models, tiny_settings: Settings, seed: str) -> None:
    analysis: Analysis = analyze(seed, models, tiny_settings)
    assert not analysis.partial and analysis.problems == ()


def test_the_english_summary_is_written_beside_the_remaining_sentences(
    models: Models, small_batches: Settings, long_article: str
) -> None:
    """Issue 21: with the summary beside the translation, its English is written in the summary's thread as soon
    as the Arabic exists, while the article's sentences are still being translated, not after the last batch."""
    main, english_called = threading.get_ident(), threading.Event()
    main_calls, waited = [], []

    def before() -> None:
        if threading.get_ident() != main:  # the summary's thread: the only translator call there is its English
            english_called.set()
            return
        main_calls.append(1)
        if len(main_calls) == 2:  # the first batch after the entities: hold it until the English summary is asked
            waited.append(english_called.wait(timeout=30))

    settings = replace(small_batches, overlap=True)
    translator = EngineStandIn(models.translator.seq2seq, before=before)
    done = analyze(long_article, with_translator(models, translator, settings), settings)
    assert waited == [True] and len(main_calls) > 2  # sentences were translated after the English summary started
    assert done.stage == "done" and not done.problems and done.summary.en
    assert all(sentence.translation for sentence in done.sentences)
