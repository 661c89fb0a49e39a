"""The analysis as plain JSON-ready data: the CLI's `--format json` contract, and its inverse for the history."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from core.types import (
    Analysis,
    Check,
    Entity,
    EntityGroup,
    GlossaryTerm,
    Language,
    ModelNames,
    Problem,
    Sentence,
    Summary,
)


def to_json(analysis: Analysis) -> dict[str, Any]:
    """`{"language", "paragraphs", "sentences", "summary", "entities", "groups", "models", "timings_ms", "problems",
    "checks", "glossary"}`; each sentence is `{"start", "end", "text", "translation", "confidence", "edited",
    "chosen", "machine"}` (`machine` is the machine's translation where a person edited or chose another); the
    summary's `ar_edited`/`en_edited` and `ar_machine`/`en_machine` say the same of its two parts; each check is
    `{"kind", "where", "index", "start", "end", "text", "detail", "checked"}`; each problem is its one line, which
    names the stage it concerns ("Summary: …"), so `from_json` gets the stage back; each glossary term applied is
    `{"arabic", "english", "line"}`. The summary is also
    `{"ar", "en", "strategy", "detail", "sentences", …}`: `sentences` are the indices of the key sentences (strategy
    "key_sentences"), else empty."""
    summary = analysis.summary
    return {
        "language": {"code": analysis.language.code, "probability": analysis.language.probability,
                     "arabic_share": analysis.language.arabic_share},
        "paragraphs": [list(paragraph) for paragraph in analysis.paragraphs],
        "sentences": [asdict(sentence) for sentence in analysis.sentences],
        "summary": {**asdict(summary), "sentences": list(summary.sentences)} if summary else None,
        "entities": [
            {"text": e.text, "label": e.label, "start": e.start, "end": e.end, "score": float(e.score),
             "group": e.group}
            for e in analysis.entities
        ],
        "groups": [asdict(group) for group in analysis.groups],
        "models": asdict(analysis.models),
        "timings_ms": dict(analysis.timings_ms),
        "problems": [str(problem) for problem in analysis.problems],
        "checks": [asdict(check) for check in analysis.checks],
        "glossary": [asdict(term) for term in analysis.glossary],
    }


def from_json(data: dict[str, Any], text: str) -> Analysis:
    """The finished `Analysis` that `to_json` turned into `data`, given the article `text` it does not hold."""
    language, summary = data["language"], data["summary"]
    return Analysis(
        text=text,
        language=Language(language["code"], language["probability"], language.get("arabic_share", 0.0)),
        sentences=tuple(Sentence(**_known(Sentence, sentence)) for sentence in data["sentences"]),
        paragraphs=tuple(tuple(paragraph) for paragraph in data["paragraphs"]),
        summary=_summary(summary) if summary else None,
        entities=tuple(Entity(**entity) for entity in data["entities"]),
        groups=tuple(EntityGroup(**group) for group in data["groups"]),
        models=ModelNames(**data["models"]),
        timings_ms=dict(data["timings_ms"]),
        problems=tuple(Problem.parse(line) for line in data.get("problems", ())),
        checks=tuple(Check(**check) for check in data.get("checks", ())),
        glossary=tuple(GlossaryTerm(**term) for term in data.get("glossary", ())),
    )


def _summary(data: dict[str, Any]) -> Summary:
    """Histories written before `detail` existed hold "single: …" / "sections: …" prose in `strategy`; those
    written before key sentences have no `sentences`, those written before edits existed lack the edit fields
    (nothing was edited)."""
    strategy, _, detail = data["strategy"].partition(": ")
    summary = _known(Summary, data) | {"strategy": strategy, "detail": data.get("detail", detail)}
    return Summary(**summary | {"sentences": tuple(int(index) for index in data.get("sentences", ()))})


def _known(record: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keys of `data` that are fields of `record`: a JSON may carry more (`alternatives` from the command
    line's `--alternatives`), an older one fewer (their defaults apply)."""
    names = {field.name for field in fields(record)}
    return {key: value for key, value in data.items() if key in names}
