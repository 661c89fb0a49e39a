"""The check before publishing: numbers and names of the translation and the summary held against the article.

Machine translation drops and changes figures, and abstractive summarisers add facts the article does not hold.
These pure functions point the journalist at each such place; they find unsupported numbers and names, not every
error (a wrong verb, a swapped subject or a number moved to another sentence of the article pass unnoticed).
Numbers are compared as values (`analysis.numbers`); names of the summary are grouped with the article's mentions
by the same rules as the article's own (`arabic.grouping`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from analysis.numbers import Number, find_numbers, show_value, unmatched, values_of
from arabic.grouping import group_entities, normalize, strip_proclitic
from core.types import Analysis, Check, Entity, Summary
from models.translate import UNTRANSLATED

SENTENCE, SUMMARY, SUMMARY_EN = "sentence", "summary", "summary_en"
NUMBER_MISSING, NUMBER_ADDED = "number_missing", "number_added"
NUMBER_UNSUPPORTED, NAME_UNSUPPORTED = "number_unsupported", "name_unsupported"
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


def sentence_checks(analysis: Analysis) -> Iterator[Check]:
    """Numbers of each sentence missing from its translation, and numbers its translation adds."""
    for index, sentence in enumerate(analysis.sentences):
        if sentence.translation.strip() in ("", UNTRANSLATED):
            continue
        yield from _compared(sentence.text, sentence.translation, SENTENCE, index, offset=sentence.start,
                             arabic="the Arabic sentence", english="the translation")


def summary_checks(analysis: Analysis, mentions: Sequence[Entity] = ()) -> Iterator[Check]:
    """Numbers and names of the Arabic summary that the article does not hold."""
    summary = analysis.summary.ar if analysis.summary else ""
    if not summary.strip():
        return
    article = values_of(find_numbers(analysis.text))
    for number in unmatched(find_numbers(summary), article):
        yield _check(NUMBER_UNSUPPORTED, SUMMARY, -1, number, _reason(number, "not in the article"))
    yield from _unsupported_names(analysis, summary, mentions)


def english_summary_checks(summary: Summary) -> Iterator[Check]:
    """The number check of the English summary against the Arabic one it translates."""
    if summary.ar.strip() and summary.en.strip():
        yield from _compared(summary.ar, summary.en, SUMMARY_EN, -1, offset=0,
                             arabic="the Arabic summary", english="the English summary")


def _compared(source: str, target: str, where: str, index: int, *, offset: int, arabic: str,
              english: str) -> Iterator[Check]:
    """Findings both ways between an Arabic `source` and its English `target` (named `arabic` and `english` in
    the reasons); offsets into the source are shifted by `offset`."""
    in_source, in_target = find_numbers(source), find_numbers(target)
    for number in unmatched(in_source, values_of(in_target)):
        number = replace(number, start=number.start + offset, end=number.end + offset)
        yield _check(NUMBER_MISSING, where, index, number, _reason(number, f"not in {english}"))
    for number in unmatched(in_target, values_of(in_source)):
        yield _check(NUMBER_ADDED, where, index, number, _reason(number, f"in {english}, not in {arabic}"))


def _check(kind: str, where: str, index: int, number: Number, detail: str) -> Check:
    return Check(kind, where, index, number.start, number.end, number.text, detail)


def _reason(number: Number, where: str) -> str:
    """Figures are certain: "not in the translation"; number words are read less surely, so they say "check"."""
    if number.words:
        return f"check: {show_value(number)} (in words) {where}"
    if any(char.isalpha() for char in number.text):
        return f"{where} ({show_value(number)})"
    return where


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
