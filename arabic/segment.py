"""Split an article into paragraphs and sentences, and run-on sentences into window-sized pieces.

A paragraph is one line (line breaks as `str.splitlines` defines them; blank lines are skipped). A sentence ends
at `.` `؟` `?` `!` `؛` `…` plus any closing quotes or brackets, when whitespace, the line's end or an Arabic letter
follows; so `3.5` and `example.com` do not end one. Nor do a stop after a one-letter word (`د. ديفيد`, read as an
abbreviation, bidi marks around the stop included), the stops inside a dotted acronym (`إي.إس.بي.إن`), the stop
of a list number (`1. البند`) or a `؛` inside a quotation. Marks on the last letters (`عمومًا.`, `العربيَّة.`) and
a letter after a number (`2014م.`) do not make a word an abbreviation.

A small regex segmenter is used instead of pysbd: pysbd's Arabic rules also split at the Arabic comma `،` and at
`:`, which cuts news copy (`قال الوزير، في بيان: ...`) into clauses rather than sentences.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator

from arabic.text import is_arabic_letter, is_mark
from core.types import Sentence

Span = tuple[int, int]
Measure = Callable[[str], int]

_LINE = re.compile(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")
# Closing quotes and brackets, then invisible format marks (ZWSP..RLM, bidi embeddings and isolates, BOM).
_CLOSERS = "\"'»”’›)\\]}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_TERMINAL = re.compile(rf"(?:[.!?؟؛…]+[{_CLOSERS}]*)+")
_WORD_CHAR = re.compile(r"[^\W_]")
# A clause ends after `،` `,` `؛` `:` unless it sits between two digits (`2,200`, `10:30`).
_CLAUSE_END = re.compile(r"(?<!\d)[،,؛:]|[،,؛:](?!\d)")
_NON_SPACE = re.compile(r"\S+")


def segment(
    text: str, *, measure: Measure = len, limit: int = 400
) -> tuple[tuple[Sentence, ...], tuple[tuple[int, ...], ...]]:
    """Return the article's sentences and, per paragraph, the indices of its sentences.

    Every sentence satisfies `text[start:end] == sentence.text`, carries no surrounding whitespace and, when
    `measure` grows with the text, has `measure(sentence.text) <= limit`: longer ones are cut at clause
    boundaries, then between words, then between characters. Together the sentences hold every
    non-whitespace character of `text`, in order, once.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    sentences: list[Sentence] = []
    paragraphs: list[tuple[int, ...]] = []
    for line in _LINE.finditer(text):
        first = len(sentences)
        for span in _sentence_spans(text, *line.span()):
            for start, end in _fit(text, span, measure, limit):
                sentences.append(Sentence(start, end, text[start:end]))
        if len(sentences) > first:
            paragraphs.append(tuple(range(first, len(sentences))))
    return tuple(sentences), tuple(paragraphs)


def _strip(text: str, start: int, end: int) -> Span | None:
    """Narrow `text[start:end]` to exclude surrounding whitespace; None when nothing else is left."""
    piece = text[start:end]
    left = start + len(piece) - len(piece.lstrip())
    right = start + len(piece.rstrip())
    return (left, right) if left < right else None


def _sentence_spans(text: str, start: int, end: int) -> Iterator[Span]:
    """Sentences of the line `text[start:end]`, stripped."""
    last = scanned = start
    has_word = False
    quotes = _Quotes(text, start)
    for match in _TERMINAL.finditer(text, start, end):
        has_word = (
            has_word or _WORD_CHAR.search(text, scanned, match.start()) is not None
        )
        scanned = match.end()
        if has_word and _ends_sentence(text, match, last, end, quotes.depth_at(match.start())):
            if span := _strip(text, last, match.end()):
                yield span
            last, has_word = match.end(), False
    if span := _strip(text, last, end):
        yield span


class _Quotes:
    """How many quotations are open at a position of a line, counted forwards as the line is scanned."""

    OPEN, CLOSE, EITHER = "«“", "»”", '"'

    def __init__(self, text: str, start: int) -> None:
        self.text, self.position, self.depth = text, start, 0

    def depth_at(self, position: int) -> int:
        for char in self.text[self.position : position]:
            if char in self.OPEN or (char in self.EITHER and not self.depth):
                self.depth += 1
            elif self.depth and (char in self.CLOSE or char in self.EITHER):
                self.depth -= 1
        self.position = max(self.position, position)
        return self.depth


def _ends_sentence(text: str, match: re.Match[str], sentence_start: int, end: int, quoted: int) -> bool:
    """Whether the punctuation run `match`, inside a line ending at `end`, closes a sentence."""
    after = match.end()
    glued = after < end and not text[after].isspace()
    if glued and not is_arabic_letter(text[after]):
        return False
    if quoted and not any(char in match.group() for char in ".!?؟…"):
        return False  # a `؛` inside a quotation separates clauses of what was said
    if text[match.start()] != ".":
        return True
    if text[sentence_start : match.start()].strip("()[] ").isdigit():
        return False  # a list number: `1. البند الأول`
    if glued and _is_acronym(text, match.start(), end):
        return False
    letters, before = _word_before(text, match.start(), sentence_start)
    return letters != 1 or before.isdigit()  # `د. ديفيد` is an abbreviation, `2014م.` is not


def _word_before(text: str, position: int, start: int) -> tuple[int, str]:
    """The letters of the word ending at `position` (marks and bidi controls skipped) and the character before
    it ("" at `start`): `2014م.` gives `(1, "4")`, `عمومًا.` gives `(5, " ")`."""
    letters = 0
    while position > start:
        char = text[position - 1]
        if not is_mark(char):
            if not char.isalpha():
                return letters, char
            letters += 1
        position -= 1
    return letters, ""


def _is_acronym(text: str, stop: int, end: int) -> bool:
    """Whether the stop at `stop`, glued to the next word, joins the pieces of a dotted acronym: `إي.إس.بي.إن`,
    `إف.سي.فولندام` (a short piece before the stop, and a short piece after it or another stop before)."""
    before, start = _letters_back(text, stop)
    if before > 3:
        return False
    after = 0
    while stop + 1 + after < end and (text[stop + 1 + after].isalpha() or is_mark(text[stop + 1 + after])):
        after += 1
    return after <= 3 or (start > 0 and text[start - 1] == "." and _letters_back(text, start - 1)[0] <= 3)


def _letters_back(text: str, position: int) -> tuple[int, int]:
    """The letters of the word ending at `position` (marks skipped) and where that word starts."""
    letters = 0
    while position > 0 and (text[position - 1].isalpha() or is_mark(text[position - 1])):
        letters += not is_mark(text[position - 1])
        position -= 1
    return letters, position


def _fit(text: str, span: Span, measure: Measure, limit: int) -> Iterator[Span]:
    """The span itself when it fits the window, else its window-sized pieces."""
    if measure(text[span[0] : span[1]]) <= limit:
        yield span
    else:
        yield from _pack(text, span, measure, limit, level=0)


def _clauses(text: str, start: int, end: int) -> list[Span]:
    cuts = [
        start,
        *(match.end() for match in _CLAUSE_END.finditer(text, start, end)),
        end,
    ]
    return [
        span
        for left, right in itertools.pairwise(cuts)
        if (span := _strip(text, left, right))
    ]


def _words(text: str, start: int, end: int) -> list[Span]:
    return [match.span() for match in _NON_SPACE.finditer(text, start, end)]


def _characters(text: str, start: int, end: int) -> list[Span]:
    """Characters of a word, each with the combining marks (harakat, shadda) that follow it."""
    bases = [
        i for i in range(start, end) if i == start or not unicodedata.combining(text[i])
    ]
    return list(zip(bases, [*bases[1:], end]))


def _code_points(text: str, start: int, end: int) -> list[Span]:
    return [(i, i + 1) for i in range(start, end)]


_LEVELS = (_clauses, _words, _characters, _code_points)


def _pack(
    text: str, span: Span, measure: Measure, limit: int, level: int
) -> Iterator[Span]:
    """Greedily pack the span's units at `level` into pieces within the limit, going finer for a unit too long."""
    units = _LEVELS[level](text, *span)
    i = 0
    while i < len(units):
        start, end = units[i]
        if measure(text[start:end]) > limit:
            if level + 1 < len(_LEVELS):
                yield from _pack(text, units[i], measure, limit, level + 1)
            else:
                yield units[i]  # one code point over the limit: nothing finer to cut
            i += 1
            continue
        j = _reach(text, units, i, measure, limit)
        yield start, units[j][1]
        i = j + 1


def _reach(text: str, units: list[Span], i: int, measure: Measure, limit: int) -> int:
    """The last unit j such that units i..j together fit, by galloping then bisecting; unit i fits alone.

    E.g. for 100 units of which the first 37 fit: tries 1, 3, 7, 15, 31, 63, then bisects 32..62.
    """

    def fits(j: int) -> bool:
        return measure(text[units[i][0] : units[j][1]]) <= limit

    low, step = i, 1
    while low + step < len(units) and fits(low + step):
        low, step = low + step, step * 2
    high = min(low + step, len(units))
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low
