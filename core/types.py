"""The small frozen records that cross module boundaries. Offsets always index the original article text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Language:
    """The detected language (in Arabic script named by its letters or an n-gram model, else by langdetect), how
    clearly, and the share of letters written in Arabic script."""

    code: str
    probability: float
    arabic_share: float = 0.0


@dataclass(frozen=True)
class Sentence:
    """One sentence (or window-sized piece of a run-on sentence): `text == article[start:end]`.

    `confidence` is the translator's own: the mean log-probability per output token of the beam that wrote the
    machine's translation (None where no model translated it, and in histories written before it existed).
    `edited` says a person wrote `translation` by hand, `chosen` that they chose it among the translator's
    alternatives; either way `machine` keeps the machine's translation ("" while it is the translation).
    """

    start: int
    end: int
    text: str
    translation: str = ""
    confidence: float | None = None
    edited: bool = False
    chosen: bool = False
    machine: str = ""

    @property
    def changed(self) -> bool:
        """The translation is no longer the machine's: edited by hand or chosen among the alternatives."""
        return self.edited or self.chosen


@dataclass(frozen=True)
class Entity:
    """One mention found by the NER model: `text == article[start:end]`; `group` is an `EntityGroup.id`."""

    start: int
    end: int
    label: str
    text: str
    score: float
    group: int = -1


@dataclass(frozen=True)
class EntityGroup:
    """Mentions of one real-world entity across spelling and clitic variants."""

    id: int
    canonical: str
    label: str
    count: int
    english: str = ""


# The summary kinds a user may ask for, and the strategy a key-sentence summary records.
SUMMARY_KINDS = ("abstractive", "key_sentences")
KEY_SENTENCES = "key_sentences"


@dataclass(frozen=True)
class Summary:
    """The summary in Arabic, its English translation, and the strategy that produced it: `strategy` is exactly
    "single" or "sections" for the abstractive summary (see `models.summarize`), or "key_sentences" for the
    article's most central sentences quoted verbatim (`analysis.key_sentences`): then `sentences` holds their
    indices in article order, `ar` their texts and `en` their translations, each joined by a space. `detail` says
    how it was made, in words. `ar_edited`/`en_edited` say a person rewrote that part; `ar_machine`/`en_machine`
    then keep the machine's."""

    ar: str
    en: str
    strategy: str
    detail: str = ""
    sentences: tuple[int, ...] = ()
    ar_edited: bool = False
    en_edited: bool = False
    ar_machine: str = ""
    en_machine: str = ""

    @property
    def quoted(self) -> bool:
        """Key sentences: quoted from the article, not written by a model."""
        return self.strategy == KEY_SENTENCES


@dataclass(frozen=True)
class ModelNames:
    """Which models and engine produced an analysis (Hub ids or local folders); `translation` is the mode whose
    translator wrote the English, "fast" or "best"."""

    translator: str
    summarizer: str
    ner: str
    engine: str
    translation: str = "fast"


@dataclass(frozen=True)
class Check:
    """A finding of the check before publishing: a number or a name the text beside it does not support.

    `kind` is "number_missing" (a number of the Arabic that its English lacks), "number_added" (a number of the
    English that its Arabic lacks), "number_unsupported" or "name_unsupported" (in the Arabic summary, not in the
    article), or "glossary" (a term of the newsroom's glossary that the translation of a sentence or the English
    summary does not write as listed: `text` is the term as the article, or the Arabic summary, writes it).
    `where` is "sentence" (`index` is the sentence's), "summary" or "summary_en" (`index` is -1).
    `text == source[start:end]`, where the source is the text that holds it: the article for a sentence's
    `number_missing`, that sentence's translation for its `number_added`, the Arabic summary for
    `number_missing` of `summary_en` and for both summary kinds, the English summary for its `number_added`.
    `detail` is the short reason shown to the journalist; `checked` says they have verified it.
    """

    kind: str
    where: str
    index: int
    start: int
    end: int
    text: str
    detail: str
    checked: bool = False


# The stages of an analysis that can fail alone, and the name each goes by in a problem's line.
STAGES = {
    "entities": "Entities",
    "translation": "Translation",
    "summary": "Summary",
    "summary_en": "English summary",
    "glossary": "Glossary",
    "checks": "Check before publishing",
}


@dataclass(frozen=True)
class Problem:
    """Why one stage of an analysis is missing or incomplete while the others finished: `stage` is a key of
    `STAGES`, or "" for a note that names no stage (histories written before stages were named). `str()` is
    the one line the user reads, e.g. "Summary: the summarizer wrote nothing for this article."."""

    stage: str
    reason: str

    def __str__(self) -> str:
        return f"{STAGES[self.stage]}: {self.reason}" if self.stage in STAGES else self.reason

    @classmethod
    def parse(cls, line: str) -> Problem:
        """The problem whose `str()` is `line`; a line that names no stage is a note of stage ""."""
        for stage, name in STAGES.items():
            if line.startswith(f"{name}: "):
                return cls(stage, line.removeprefix(f"{name}: "))
        return cls("", line)


@dataclass(frozen=True)
class Analysis:
    """Everything Khulasa knows about one article. `paragraphs` lists sentence indices per paragraph.

    While the analysis runs, snapshots are produced with `stage` set to the step just finished
    ("translation", "entities", "summary", "summary_en"); the final one has `stage == "done"` and carries the
    `checks`. A stage that failed leaves its part empty and a `Problem` naming it: the analysis is `partial`.
    """

    text: str
    language: Language
    sentences: tuple[Sentence, ...]
    paragraphs: tuple[tuple[int, ...], ...]
    summary: Summary | None
    entities: tuple[Entity, ...]
    groups: tuple[EntityGroup, ...]
    models: ModelNames
    timings_ms: dict[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    stage: str = "done"
    checks: tuple[Check, ...] = ()
    glossary: tuple[GlossaryTerm, ...] = ()

    @property
    def partial(self) -> bool:
        """A stage failed or a model was missing: some part of the analysis is absent (see `problems`)."""
        return any(problem.stage for problem in self.problems)

    def problem(self, stage: str) -> Problem | None:
        """The first problem of `stage`, if that stage failed."""
        return next((problem for problem in self.problems if problem.stage == stage), None)


@dataclass(frozen=True)
class Finished:
    """A finished analysis and when it finished (the export's "Generated" time), kept in the session; `entry` is
    its id in the history once saved (where marks of its checks are kept too)."""

    analysis: Analysis
    generated: datetime
    entry: int | None = None


@dataclass(frozen=True)
class GlossaryTerm:
    """One row of a newsroom glossary: an Arabic term, the English the desk writes for it, and the line of the file
    it came from (0 for a term typed in rather than read)."""

    arabic: str
    english: str
    line: int = 0


@dataclass(frozen=True)
class Glossary:
    """A newsroom's list of Arabic terms and their English, in the order of its file; `name` is that file's name."""

    name: str
    terms: tuple[GlossaryTerm, ...] = ()


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text: `text[start:end]` are the whole written words, proclitics included
    (`وبأنقرة` for the term `أنقرة`); `term` indexes the list of terms searched."""

    start: int
    end: int
    term: int
