"""The analysis as plain JSON-ready data: the CLI's `--format json` contract."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .types import Analysis


def to_json(analysis: Analysis) -> dict[str, Any]:
    """`{"language", "paragraphs", "sentences", "summary", "entities", "groups", "models", "timings_ms"}`."""
    summary = analysis.summary
    return {
        "language": {"code": analysis.language.code, "probability": analysis.language.probability},
        "paragraphs": [list(paragraph) for paragraph in analysis.paragraphs],
        "sentences": [asdict(sentence) for sentence in analysis.sentences],
        "summary": ({"ar": summary.ar, "en": summary.en, "strategy": summary.strategy} if summary else None),
        "entities": [
            {"text": e.text, "label": e.label, "start": e.start, "end": e.end, "score": float(e.score),
             "group": e.group}
            for e in analysis.entities
        ],
        "groups": [asdict(group) for group in analysis.groups],
        "models": asdict(analysis.models),
        "timings_ms": dict(analysis.timings_ms),
        "problems": list(analysis.problems),
    }
