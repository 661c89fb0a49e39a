"""The whole analysis: check → segment → first translated sentences → entities → the other sentences, with the
Arabic summary beside them → its English translation.

`analyze_stream` yields `Analysis` snapshots so the app can show the first translated sentences and the
entities before the summary, the slowest stage, is done; `analyze` returns the final one.
"""

from __future__ import annotations

import logging
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from analysis.checks import find_checks
from analysis.glossary import gloss_analysis
from analysis.key_sentences import METHOD, key_sentences, quoted_english
from arabic.grouping import group_entities
from arabic.language import detect_language, require_arabic
from arabic.segment import segment
from arabic.text import has_words
from core.errors import Cancelled, InputError, KhulasaError, ModelUnavailable, NoModelRan
from core.settings import Settings
from core.types import KEY_SENTENCES, Analysis, Check, Glossary, Language, ModelNames, Problem, Sentence, Summary
from models.entities import EntityRecognizer, load_recognizer
from models.seq2seq import load_seq2seq
from models.summarize import Summarizer
from models.translate import Scored, Translator

log = logging.getLogger("khulasa.pipeline")
# The stage a model's absence costs; and what the summary stage says when the model wrote nothing.
LOAD_STAGES = {"translator": "translation", "summarizer": "summary", "ner": "entities"}
NOTHING_WRITTEN = "the summarizer wrote nothing for this article."


@dataclass(frozen=True)
class Models:
    """The loaded models; a role is None when its model could not be loaded (see `problems`)."""

    names: ModelNames
    translator: Translator | None = None
    summarizer: Summarizer | None = None
    recognizer: EntityRecognizer | None = None
    problems: tuple[ModelUnavailable, ...] = ()
    load_ms: int = 0


@dataclass(frozen=True)
class Options:
    """What the user may tune per analysis, kept within sane bounds by the callers; None keeps the
    summarizer checkpoint's own setting."""

    summary_tokens: int | None = None
    summary_beams: int | None = None
    force: bool = False
    glossary: Glossary | None = None  # the newsroom's terms, applied to the English (`analysis.glossary`)
    summary_kind: str = "abstractive"  # or "key_sentences" (`core.types.SUMMARY_KINDS`)
    key_sentences: int | None = None  # how many key sentences; None: 3, or about a fifth of a long article


def load_models(settings: Settings, *, strict: bool = True,
                on_progress: Callable[[str], None] | None = None) -> Models:
    """Load the three models (once per process). With `strict`, the first failure is raised; otherwise
    failures are collected in `Models.problems` and the other models are still returned."""
    def seq2seq(role: str, name: str):
        return load_seq2seq(role, name, settings.device, settings.engine, on_progress,
                            restrict_output=settings.restrict_output)

    loaders = {
        "translator": lambda: Translator(seq2seq("translator", settings.translation_model),
                                         batch_tokens=settings.batch_tokens),
        "summarizer": lambda: Summarizer(seq2seq("summarizer", settings.summarizer)),
        "ner": lambda: load_recognizer(settings.ner, settings.device, settings.engine),
    }
    if settings.summarizer_off:
        del loaders["summarizer"]  # KHULASA_SUMMARIZER=none: summaries are key sentences
    loaded, problems, started = {}, [], time.perf_counter()
    for role, load in loaders.items():
        if on_progress:
            on_progress(f"Loading the {role} model")
        try:
            loaded[role] = load()
        except ModelUnavailable as problem:
            if strict:
                raise
            problems.append(problem)
    engines = sorted({model.seq2seq.engine for model in (loaded.get("translator"), loaded.get("summarizer")) if model})
    names = ModelNames(settings.translation_model, settings.summarizer, settings.ner,
                       engine="+".join(engines) or "none", translation=settings.translation)
    load_ms = round((time.perf_counter() - started) * 1000)
    return Models(names, loaded.get("translator"), loaded.get("summarizer"), loaded.get("ner"), tuple(problems),
                  load_ms)


def check_input(text: str, settings: Settings) -> str:
    """Raise `InputError` for text that cannot be analysed; returns the text unchanged otherwise."""
    if all(char.isspace() or unicodedata.category(char) == "Cf" for char in text):  # Cf: zero-width, bidi marks
        raise InputError("The text is empty: paste or upload an Arabic article.")
    if len(text) > settings.max_chars:
        raise InputError(f"The text is {len(text):,} characters long; the limit is {settings.max_chars:,}. "
                         "Split the article and analyse it in parts.")
    return text


def check_language(text: str, *, force: bool = False) -> Language:
    """Detect the language; raise `NotArabic` unless the text is Arabic or `force` is set."""
    language = detect_language(text)
    if not force:
        require_arabic(language)
    return language


def analyze_stream(text: str, models: Models, settings: Settings, options: Options = Options(), *,
                   stop: Callable[[], bool] = lambda: False) -> Iterator[Analysis]:
    """Yield a snapshot after the first translated batch, after the entities, after each further batch, after the
    Arabic summary and after its English translation, and the finished analysis last. Raises `NoModelRan` when
    none of the three models loaded: an empty analysis is not a finished one.

    Each stage (entities, translation, summary, English summary, checks) fails alone: its part stays empty, a
    `Problem` names it, and the others still finish. `stop` is asked after each snapshot and before each of the
    summarizer's model calls (in its own thread too): when it says True, `Cancelled` is raised and nothing more
    runs.

    The first small translation batch runs before the entities so the first sentences reach the page soonest.
    With `settings.overlap` the Arabic summary then runs beside the rest in a second thread: decoding is bound by
    reading weights, not by arithmetic, so two models decoding at once on two cores take far less than one
    after the other (BENCHMARKS.md); its English translation and the entity names follow the last batch.
    """
    if not (models.translator or models.summarizer or models.recognizer):
        raise NoModelRan(models.problems)
    started = time.perf_counter()
    timings: dict[str, int] = {"load": models.load_ms}
    check_input(text, settings)
    language = check_language(text, force=options.force)
    translator = models.translator
    measure, limit = (translator.count_tokens, translator.sentence_limit) if translator else (len, 400)
    sentences, paragraphs = segment(text, measure=measure, limit=limit)
    spans = [(sentences[p[0]].start, sentences[p[-1]].end) for p in paragraphs]
    stages = _Stages(_load_problems(models, options), stop)
    analysis = Analysis(text, language, sentences, paragraphs, None, (), (), models.names, timings, (),
                        stage="translation")
    ended = threading.Event()  # set when this generator ends, however: the summary thread then stops too
    summary_stop = lambda: ended.is_set() or stop()  # noqa: E731 - the summary thread's own stop
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="khulasa-summary") if settings.overlap else None
    try:
        found: dict[int, Scored] = {}
        batches = _translated(translator, sentences, timings)
        with stages.attempt("translation"):
            found.update(next(batches, {}))
        # The summary starts once the first batch is out, so it does not slow the first sentences down.
        arabic = pool.submit(_summary_and_english, text, models, options, timings, summary_stop) \
            if pool and not _quotes(models, options) else None
        if found:
            analysis = _with_translations(analysis, found)
            yield from stages.emit(analysis)
        with stages.attempt("entities"):
            with _timed(timings, "ner"):
                mentions = models.recognizer.find(text, spans) if models.recognizer else []
                entities, groups = group_entities(text, mentions)
            analysis = replace(analysis, entities=entities, groups=groups)
        yield from stages.emit(replace(analysis, stage="entities"))
        with stages.attempt("translation"):  # a batch that fails ends the translation (`batches` is closed)
            for batch in batches:
                found.update(batch)
                analysis = _with_translations(analysis, found)
                yield from stages.emit(analysis)
        summary = None
        with stages.attempt("summary"):
            if _quotes(models, options):
                summary = _key_summary(analysis.sentences, models, settings, options, timings)
            else:
                summary = arabic.result() if arabic else _arabic_summary(text, models, options, timings,
                                                                         summary_stop)
            if summary is not None and not summary.ar:
                stages.note("summary", NOTHING_WRITTEN)
        analysis = replace(analysis, summary=summary)
        yield from stages.emit(replace(analysis, stage="summary"))
    finally:
        ended.set()
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
    with stages.attempt("summary_en"), _timed(timings, "summarize"):
        analysis = _english(analysis, models)
    yield from stages.emit(replace(analysis, stage="summary_en"))
    glossary_checks: tuple[Check, ...] = ()
    if options.glossary and options.glossary.terms and models.translator:
        with stages.attempt("glossary"), _timed(timings, "translate"):
            analysis, glossary_checks = gloss_analysis(analysis, options.glossary, models.translator.translate)
    with stages.attempt("checks"):
        analysis = _checked(analysis, models, timings)
    analysis = replace(analysis, checks=analysis.checks + glossary_checks)
    timings["total"] = round((time.perf_counter() - started) * 1000)
    yield replace(analysis, timings_ms=dict(timings), problems=stages.problems, stage="done")


class _Stages:
    """The problems of one analysis so far, and the `stop` asked after each snapshot."""

    def __init__(self, problems: list[Problem], stop: Callable[[], bool]) -> None:
        self._problems, self._stop = problems, stop

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(self._problems)

    def note(self, stage: str, reason: str) -> None:
        self._problems.append(Problem(stage, reason))

    @contextmanager
    def attempt(self, stage: str) -> Iterator[None]:
        """Run a stage; an error in it (not a cancel) becomes that stage's problem, in one line."""
        try:
            yield
        except Cancelled:
            raise
        except KhulasaError as error:
            self.note(stage, str(error))
        except Exception as error:  # noqa: BLE001 - one stage's failure must not cost the others
            log.exception("The %s stage failed", stage)
            self.note(stage, _unexpected(error))

    def emit(self, analysis: Analysis) -> Iterator[Analysis]:
        """Yield `analysis` with the problems so far; once resumed, raise `Cancelled` if `stop` says so, so that
        a Cancel during one stage stops before the next."""
        yield replace(analysis, problems=self.problems)
        if self._stop():
            raise Cancelled


def _unexpected(error: Exception) -> str:
    """An unexpected error in one line: its type and the first line of its message (the log has the rest)."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"failed unexpectedly ({type(error).__name__}{': ' + message[:200] if message else ''})."


def _translated(translator: Translator | None, sentences: tuple[Sentence, ...],
                timings: dict[str, int]) -> Iterator[dict[int, Scored]]:
    """The translator's batches as `{sentence index: translation}`, timed into `timings["translate"]` (none
    without a translator); a line no model saw has no confidence."""
    if not translator:
        return
    # A line of separators or invisible marks goes to no model: its "translation" is the line itself.
    wanted = [i for i, sentence in enumerate(sentences) if has_words(sentence.text)]
    pending = {i: Scored(sentence.text, None) for i, sentence in enumerate(sentences) if not has_words(sentence.text)}
    stream = translator.stream_scored([sentences[i].text for i in wanted])
    while True:
        with _timed(timings, "translate"):
            batch = next(stream, None)
        if batch is None:
            break
        yield pending | {wanted[i]: translation for i, translation in batch.items()}
        pending = {}
    if pending:
        yield pending


def _with_translations(analysis: Analysis, found: dict[int, Scored]) -> Analysis:
    return replace(analysis, stage="translation", sentences=tuple(
        replace(s, translation=found[i].text, confidence=found[i].confidence) if i in found else s
        for i, s in enumerate(analysis.sentences)))


def analyze(text: str, models: Models, settings: Settings, options: Options = Options()) -> Analysis:
    """The finished analysis of `text` (the last snapshot of `analyze_stream`)."""
    return deque(analyze_stream(text, models, settings, options), maxlen=1)[0]


def _arabic_summary(text: str, models: Models, options: Options, timings: dict[str, int],
                    stop: Callable[[], bool]) -> Summary | None:
    """The Arabic summary (its `en` still empty), or None without a summarizer; its time goes to "summarize"."""
    if not models.summarizer:
        return None
    with _timed(timings, "summarize"):
        summary, strategy, detail = models.summarizer.summarize(
            text, max_tokens=options.summary_tokens, num_beams=options.summary_beams, stop=stop)
    return Summary(summary, "", strategy, detail)


def _summary_and_english(text: str, models: Models, options: Options, timings: dict[str, int],
                         stop: Callable[[], bool]) -> Summary | None:
    """In the summary's own thread: the Arabic summary, then at once its English translation, on a translator
    worker that the sentences' batches leave free (`models.budget`), instead of after the last batch. If the
    English fails here, `_english` tries it again with the entity names, as its own stage."""
    summary = _arabic_summary(text, models, options, timings, stop)
    if not (summary and summary.ar and models.translator) or stop():
        return summary
    try:
        with _timed(timings, "summarize"):
            return replace(summary, en=models.translator.translate([summary.ar])[0])
    except KhulasaError:
        return summary
    except Exception:  # noqa: BLE001 - the English summary's failure is the "summary_en" stage's, noted there
        log.exception("The English summary failed in the summary thread")
        return summary


def _load_problems(models: Models, options: Options) -> list[Problem]:
    """A problem per model that could not be loaded; the summarizer's says that key sentences stand in for it."""
    problems = []
    for problem in models.problems:
        stage = LOAD_STAGES[problem.role]
        instead = " Key sentences are shown instead." if stage == "summary" and _quotes(models, options) else ""
        problems.append(Problem(stage, f"{problem}{instead}"))
    return problems


def _quotes(models: Models, options: Options) -> bool:
    """Whether the summary is key sentences: asked for, or the summarizer is switched off or could not load."""
    return options.summary_kind == KEY_SENTENCES or models.summarizer is None


def _key_summary(sentences: tuple[Sentence, ...], models: Models, settings: Settings, options: Options,
                 timings: dict[str, int]) -> Summary:
    """The key sentences as the Arabic summary (its `en` still empty), saying why when they stand in for the
    abstractive summary; their time goes to "summarize"."""
    with _timed(timings, "summarize"):
        chosen = key_sentences(sentences, options.key_sentences)
    detail = f"{len(chosen)} of {len(sentences)} sentences, quoted verbatim, ranked by {METHOD}"
    if options.summary_kind != KEY_SENTENCES or settings.summarizer_off:  # standing in for the summarizer
        detail += ("; the summarizer is switched off (KHULASA_SUMMARIZER=none)" if settings.summarizer_off
                   else "; the summarizer could not be loaded")
    return Summary(" ".join(sentences[index].text.strip() for index in chosen), "", KEY_SENTENCES, detail, chosen)


def _english(analysis: Analysis, models: Models) -> Analysis:
    """The analysis with the English summary (unless the summary's thread wrote it) and the entity names, in one
    translator call; the English of key sentences is their translations, with no model call."""
    summary, groups = analysis.summary, analysis.groups
    if summary and summary.quoted:
        summary = replace(summary, en=quoted_english(analysis.sentences, summary.sentences))
    arabic = [summary.ar] if summary and summary.ar and not summary.quoted and not summary.en else []
    if not models.translator or not (arabic or groups):
        return replace(analysis, summary=summary)
    english = models.translator.translate(arabic + [group.canonical for group in groups])
    if arabic:
        summary = replace(summary, en=english.pop(0))
    return replace(analysis, summary=summary,
                   groups=tuple(replace(group, english=name) for group, name in zip(groups, english)))


def _checked(analysis: Analysis, models: Models, timings: dict[str, int]) -> Analysis:
    """The analysis with its check before publishing, once translation and summary are both done; the summary's
    names are found by the recogniser that found the article's."""
    with _timed(timings, "check"):
        summary = analysis.summary.ar if analysis.summary else ""
        mentions = models.recognizer.find(summary, [(0, len(summary))]) if models.recognizer and summary else []
        return replace(analysis, checks=find_checks(analysis, mentions))


class _timed:
    """Add the milliseconds spent in a `with` block to `timings[stage]`."""

    def __init__(self, timings: dict[str, int], stage: str) -> None:
        self.timings, self.stage = timings, stage

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        spent = round((time.perf_counter() - self.started) * 1000)
        self.timings[self.stage] = self.timings.get(self.stage, 0) + spent
