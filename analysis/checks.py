"""The check before publishing: numbers and names of the translation and the summary held against the article.

Machine translation drops and changes figures, and abstractive summarisers add facts the article does not hold.
These pure functions point the journalist at each such place; they find unsupported numbers and names, not every
error (a wrong verb, a swapped subject or a number moved to another sentence of the article pass unnoticed).
Numbers are compared as values (`analysis.numbers`), with their currency or unit where both sides write one; each
finding says what it compared ("٣ آلاف و٥٠٠ = 3,500; the translation has 3,050"). Names of the summary are grouped
with the article's mentions by the same rules as the article's own (`arabic.grouping`). A sentence the translator
left empty is a finding of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal

from analysis.glossary import GLOSSARY, glossary_findings
from analysis.numbers import ALPHA, Number, agree, find_numbers, reading, same_unit
from arabic.grouping import group_entities, normalize, strip_proclitic
from core.types import Analysis, Check, Entity, Glossary, Summary
from models.translate import UNTRANSLATED

SENTENCE, SUMMARY, SUMMARY_EN = "sentence", "summary", "summary_en"
NUMBER_MISSING, NUMBER_ADDED = "number_missing", "number_added"
NUMBER_UNSUPPORTED, NAME_UNSUPPORTED = "number_unsupported", "name_unsupported"
TRANSLATION_EMPTY = "translation_empty"
KINDS_OF_NAME = {"PER": "person", "ORG": "organisation", "LOC": "place"}


def in_english(check: Check) -> bool:
    """Whether the finding's span lies in English text (a translation or the English summary), else in Arabic."""
    return check.kind == NUMBER_ADDED


def place_of(check: Check) -> str:
    """Where a finding is, in words: "Sentence 3", "Summary", "English summary"."""
    if check.where == SENTENCE:
        return f"Sentence {check.index + 1}"
    return "English summary" if check.where == SUMMARY_EN else "Summary"


def find_checks(analysis: Analysis, summary_mentions: Sequence[Entity] = ()) -> tuple[Check, ...]:
    """Every finding of a finished analysis: sentence by sentence, then the summary, then the English summary.

    `summary_mentions` are the NER model's mentions in the Arabic summary (offsets into it), found by the
    caller with the model that found the article's.
    """
    summary = analysis.summary
    return (*sentence_checks(analysis), *summary_checks(analysis, summary_mentions),
            *(english_summary_checks(summary) if summary else ()))


def recheck(analysis: Analysis, glossary: Glossary | None = None) -> Analysis:
    """The analysis with its checks recomputed from its texts, after a person or a tool edited translations or
    summaries; no model is loaded. Without the recogniser the summary's names cannot be found again, so a
    `name_unsupported` finding is kept where its name still stands at its offsets in the summary (an unchanged
    summary keeps them all) and is dropped otherwise; a finding that was marked checked and is found again stays
    marked. The `glossary` findings are found again with `glossary`, else kept as they were."""
    summary = analysis.summary.ar if analysis.summary else ""
    names = [check for check in analysis.checks
             if check.kind == NAME_UNSUPPORTED and summary[check.start:check.end] == check.text]
    numbers = [check for check in summary_checks(analysis) if check.kind != NAME_UNSUPPORTED]
    english = list(english_summary_checks(analysis.summary)) if analysis.summary else []
    marked = {_identity(check) for check in analysis.checks if check.checked}
    terms = glossary_findings(analysis, glossary) if glossary is not None else \
        [check for check in analysis.checks if check.kind == GLOSSARY]
    checks = (*sentence_checks(analysis), *numbers, *names, *english, *terms)
    return replace(analysis, checks=tuple(replace(check, checked=_identity(check) in marked or check.checked)
                                          for check in checks))


def _identity(check: Check) -> tuple[str, str, int, int, int, str]:
    return check.kind, check.where, check.index, check.start, check.end, check.text


def sentence_checks(analysis: Analysis) -> Iterator[Check]:
    """Each sentence the translator left empty, numbers of each sentence missing from its translation, and
    numbers its translation adds."""
    for index, sentence in enumerate(analysis.sentences):
        if sentence.translation.strip() in ("", UNTRANSLATED):
            if sentence.text.strip():
                yield Check(TRANSLATION_EMPTY, SENTENCE, index, sentence.start, sentence.end, sentence.text,
                            "no translation produced: translate this sentence by hand")
            continue
        yield from _compared(sentence.text, sentence.translation, SENTENCE, index, offset=sentence.start,
                             arabic="the Arabic sentence", english="the translation")


def summary_checks(analysis: Analysis, mentions: Sequence[Entity] = ()) -> Iterator[Check]:
    """Numbers and names of the Arabic summary that the article does not hold."""
    summary = analysis.summary.ar if analysis.summary else ""
    if not summary.strip():
        return
    article: dict[Decimal, list[Number]] = defaultdict(list)
    for number in find_numbers(analysis.text):
        for value in number.values:
            article[value].append(number)
    for number in find_numbers(summary):
        held = (other for value in number.values for other in article.get(value, ()))
        if number.firm and not any(agree(number, other) for other in held):
            yield _check(NUMBER_UNSUPPORTED, SUMMARY, -1, number, f"{_said(number)}; not in the article")
    yield from _unsupported_names(analysis, summary, mentions)


def english_summary_checks(summary: Summary | None) -> Iterator[Check]:
    """The number check of the English summary against the Arabic one it translates."""
    if summary and summary.ar.strip() and summary.en.strip():
        yield from _compared(summary.ar, summary.en, SUMMARY_EN, -1, offset=0,
                             arabic="the Arabic summary", english="the English summary")


def _compared(source: str, target: str, where: str, index: int, *, offset: int, arabic: str,
              english: str) -> Iterator[Check]:
    """Findings both ways between an Arabic `source` and its English `target` (named `arabic` and `english` in
    the details); offsets into the source are shifted by `offset`. A missing number and an added one are paired
    in order, so each says what the other side has instead."""
    in_source, in_target = find_numbers(source), find_numbers(target)
    missing = [number for number in in_source if number.firm and not _found(number, in_target, target)]
    added = [number for number in in_target if number.firm and not _found(number, in_source, "")]
    for at, number in enumerate(missing):
        instead = _said(added[at]) if at < len(added) else "no such number"
        shifted = replace(number, start=number.start + offset, end=number.end + offset)
        yield _check(NUMBER_MISSING, where, index, shifted, f"{_said(number)}; {english} has {instead}")
    for number in in_source:
        other = _other_unit(number, in_target)
        if number.firm and other and number not in missing:
            shifted = replace(number, start=number.start + offset, end=number.end + offset)
            yield _check(NUMBER_MISSING, where, index, shifted, f"{_said(number)}; {english} has {_said(other)}")
    for at, number in enumerate(added):
        instead = _said(missing[at]) if at < len(missing) else "no such number"
        yield _check(NUMBER_ADDED, where, index, number, f"{_said(number)} in {english}; {arabic} has {instead}")


def _found(number: Number, others: Sequence[Number], other_text: str) -> bool:
    """Whether the other side holds the number (any unit); `ألفا` read as 2,000 is also found by the name Alpha."""
    if number.note == ALPHA and "alpha" in other_text.lower():
        return True
    return any(agree(number, other) for other in others)


def _other_unit(number: Number, others: Sequence[Number]) -> Number | None:
    """The other side's number of the same value where every such number has another currency or unit."""
    same = [other for other in others if agree(number, other)]
    if same and not any(same_unit(number, other) for other in same):
        return same[0]
    return None


def _check(kind: str, where: str, index: int, number: Number, detail: str) -> Check:
    return Check(kind, where, index, number.start, number.end, number.text, detail)


def _said(number: Number) -> str:
    """A number as written and as read: "٣ آلاف و٥٠٠ = 3,500"; a figure in plain digits is only itself."""
    shown = reading(number)
    if number.text.replace(",", "") == shown.replace(",", "") or number.text == shown:
        return number.text
    return f"{number.text} = {shown}"


def _unsupported_names(analysis: Analysis, summary: str, mentions: Sequence[Entity]) -> Iterator[Check]:
    """Mentions of the summary that join no group of the article's mentions and are not written in the article.

    The summary is grouped together with the article (joined after a blank line), so a summary mention falls
    into an article group exactly when the article's own grouping would have put it there.
    """
    if not mentions:
        return
    offset = len(analysis.text) + 2
    shifted = [replace(mention, start=mention.start + offset, end=mention.end + offset, group=-1)
               for mention in mentions]
    grouped, _ = group_entities(f"{analysis.text}\n\n{summary}", [*analysis.entities, *shifted])
    in_article = {entity.group for entity in grouped if entity.start < offset}
    words = [word for word in map(normalize, analysis.text.split()) if word]
    attested = set(words)
    for entity in grouped:
        if entity.start >= offset and entity.group not in in_article and not _written_in(entity.text, words,
                                                                                          attested):
            kind = KINDS_OF_NAME.get(entity.label, "name")
            yield Check(NAME_UNSUPPORTED, SUMMARY, -1, entity.start - offset, entity.end - offset, entity.text,
                        f"{kind} not in the article")


def _written_in(name: str, words: list[str], attested: set[str]) -> bool:
    """Whether `name` occurs as consecutive words of the article, a proclitic allowed on its first word either
    side: the NER model may have missed a name in the article that it found in the summary."""
    wanted = [word for word in map(normalize, name.split()) if word]
    if not wanted:
        return True
    wanted[0] = strip_proclitic(wanted[0], attested)
    size = len(wanted)
    return any(words[at + 1:at + size] == wanted[1:] and strip_proclitic(words[at], {wanted[0]}) == wanted[0]
               for at in range(len(words) - size + 1))
