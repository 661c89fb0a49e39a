"""An analysis JSON whose English a person edited, with its checks recomputed (`cli.py check`, `POST /v1/check`)."""

from __future__ import annotations

from typing import Any

from analysis.checks import recheck
from core.errors import InputError
from core.types import Glossary
from documents.serialize import from_json, to_json


def rechecked(data: Any, article: str | None, glossary: Glossary | None, *, source: str) -> dict[str, Any]:
    """`data` with `checks` recomputed from its texts, no model loaded (`analysis.checks.recheck`). The article is
    `article`, else rebuilt from the sentences' texts and offsets. Raises `InputError` (naming `source`) for data
    without the fields an analysis has, or offsets that do not hold their sentences in the article."""
    try:
        text = article if article is not None else _rebuilt(data["sentences"])
        analysis = from_json(data, text)
    except KeyError as error:
        raise InputError(f"{source} is not an analysis: it has no {error} field.") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise InputError(f"{source} is not an analysis: {error}.") from None
    for index, sentence in enumerate(analysis.sentences):
        if not 0 <= sentence.start <= sentence.end <= len(text) or text[sentence.start:sentence.end] != \
                sentence.text:
            raise InputError(f"Sentence {index + 1}'s offsets {sentence.start}-{sentence.end} do not hold its text "
                             "in the article; give the article the analysis was made of with --article.")
    return {**data, "checks": to_json(recheck(analysis, glossary))["checks"]}


def _rebuilt(sentences: list[dict]) -> str:
    """The article as the sentences' texts at their offsets, spaces between them."""
    if not isinstance(sentences, list) or not all(isinstance(sentence, dict) for sentence in sentences):
        raise TypeError("`sentences` is not a list of sentences")
    length = max((int(sentence["end"]) for sentence in sentences), default=0)
    article = [" "] * length
    for sentence in sentences:
        start, text = int(sentence["start"]), str(sentence["text"])
        if start < 0 or start + len(text) > length:
            raise ValueError(f"a sentence's offsets ({start}) lie outside the article")
        article[start:start + len(text)] = text
    return "".join(article)
