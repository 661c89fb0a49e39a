"""Where the terms of a newsroom glossary occur in Arabic text, read with the spelling and proclitic rules of
entity grouping (`arabic.text`), so `وبأنقرة` holds the term `أنقرة` and `انقره` is the same word.

A term is a run of whole words: `مصر` is not found inside `مصرف`, but a proclitic may be glued to its first word
when grouping would remove it before a known name, since a glossary is such a list: the clitic holds `و`, `ب` or
`ل` (`ولبنان`, `للعراق` → `العراق`), or it is unambiguous (`فأنقرة`, `ببرشلونة`), and the word before is not one
after which no clitic is written (`في`, `مدينة`). The definite article belongs to the term (`العراق` is not
`عراق`), as it belongs to a group's name. Words of a term may be separated by spaces, hyphens or marks only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from arabic.text import INVISIBLE, MARKS, NO_CLITIC_AFTER, TATWEEL, clitic_splits, fold, unambiguous_split
from core.types import TermMatch

# A word: letters or digits, with the marks, tatweel and invisible controls written inside or after them.
_WORD = re.compile(f"[^\\W_](?:[^\\W_]|[{MARKS}{TATWEEL}{INVISIBLE}])*")
# What may stand between two words of one term: `قاسم جومارت`, `آل-ثاني`; not a comma or a full stop.
_JOINER = re.compile(f"[\\s\\-\u2010-\u2015{MARKS}{TATWEEL}{INVISIBLE}]*")
# Letters of a proclitic that may stand before a listed name without other evidence (see `arabic.grouping`).
_CLITIC_BEFORE_NAME = frozenset("وبل")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    folded: str
    written: str


def term_key(term: str) -> str:
    """The matching form of a term: its folded words joined by one space (`term_key("أنقَرة") == "انقره"`); two
    rows with one key are the same term."""
    return " ".join(fold(match.group()) for match in _WORD.finditer(term))


def find_terms(text: str, terms: Sequence[str]) -> list[TermMatch]:
    """Every occurrence in `text` of the Arabic `terms`, sorted by `start`; the longest term wins where two overlap.

    `find_terms("زار وبأنقرة", ["أنقرة"]) == [TermMatch(4, 11, 0)]`: offsets cover the whole written words,
    proclitic included. Terms are indexed by their folded first word, so the time grows with the text's words,
    not with words × terms.
    """
    index = _index(tuple(terms))
    words = _words(text)
    candidates: list[tuple[int, int, int, TermMatch]] = []
    previous = ""
    for position, word in enumerate(words):
        for removed, stem in _stems(word, previous):
            for term_words, term in index.get(stem, ()):
                last = position + len(term_words) - 1
                if _continues(text, words, position, term_words):
                    # Rank: more words first, then a shorter proclitic, then the earlier match.
                    match = TermMatch(word.start, words[last].end, term)
                    candidates.append((-len(term_words), removed, position, match))
        previous = word.folded
    return _without_overlaps(candidates, len(words))


def _words(text: str) -> list[_Word]:
    return [
        _Word(match.start(), match.end(), fold(match.group()), match.group()) for match in _WORD.finditer(text)
    ]


@lru_cache(maxsize=4)
def _index(terms: tuple[str, ...]) -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    """The terms by their folded first word, each as `(folded words, term index)`, most words first; a term
    whose key an earlier one has is left out (the earlier row wins)."""
    by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    seen: set[str] = set()
    for term, arabic in enumerate(terms):
        key = term_key(arabic)
        if key and key not in seen:
            seen.add(key)
            words = tuple(key.split(" "))
            by_first.setdefault(words[0], []).append((words, term))
    return {first: tuple(sorted(entries, key=lambda entry: -len(entry[0]))) for first, entries in by_first.items()}


def _stems(word: _Word, previous: str) -> list[tuple[int, str]]:
    """The readings of a word as `(proclitic letters removed, folded stem)`: the word itself, then each stem
    left by a proclitic that grouping would remove before a known name."""
    stems = [(0, word.folded)]
    if previous in NO_CLITIC_AFTER:
        return stems
    for removed, restored in clitic_splits(word.folded, minimum=2):
        if _CLITIC_BEFORE_NAME & set(word.folded[:removed]):
            stems.append((removed, restored + word.folded[removed:]))
    removed, restored = unambiguous_split(word.written)
    if removed:
        stems.append((removed, restored + word.folded[removed:]))
    return stems


def _continues(text: str, words: Sequence[_Word], position: int, term_words: tuple[str, ...]) -> bool:
    """Whether the words after `position` are the rest of `term_words`, each joined to the one before."""
    if position + len(term_words) > len(words):
        return False
    for offset, folded in enumerate(term_words[1:], start=1):
        before, word = words[position + offset - 1], words[position + offset]
        if word.folded != folded or not _JOINER.fullmatch(text, before.end, word.start):
            return False
    return True


def _without_overlaps(candidates: list[tuple[int, int, int, TermMatch]], count: int) -> list[TermMatch]:
    taken = [False] * (count + 1)
    kept: list[TermMatch] = []
    for words, _, position, match in sorted(candidates, key=lambda candidate: candidate[:3]):
        span = range(position, position - words)
        if not any(taken[i] for i in span):
            for i in span:
                taken[i] = True
            kept.append(match)
    return sorted(kept, key=lambda match: match.start)
