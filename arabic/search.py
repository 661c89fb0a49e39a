"""Forgiving text search for the history: a query matches whatever its spelling of alef, ya, kaf and ta marbuta,
with or without diacritics, tatweel or invisible marks, in any letter case (the folding of `arabic.text`).

`fold` turns stored text and queries into one comparable form (SQL compares the folded copies with `instr`);
`snippet` finds the first match in the original text, so the excerpt shown is the article's own spelling.
"""

from __future__ import annotations

import functools
import hashlib
import re

from arabic.text import INVISIBLE, MARKS, TATWEEL, VARIANTS, search_form

_GAP = f"[{MARKS}{TATWEEL}{INVISIBLE}]*"
SNIPPET_WIDTH = 160


def fold(text: str) -> str:
    """The search form of `text` (`arabic.text.search_form`): `fold("إسرائيلُ")` gives `"اسرائيل"`."""
    return search_form(text)


# Every character the folding could touch (Latin, the Arabic blocks and presentation forms, invisible marks), and a
# few words, so that any change to `fold` changes `folding()`.
_PROBE = "".join(chr(c) for first, last in ((0x20, 0x24F), (0x600, 0x8FF), (0x200B, 0x200F), (0x202A, 0x202E),
                                              (0x2066, 0x2069), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
                 for c in range(first, last + 1))


@functools.cache
def folding() -> str:
    """A fingerprint of what `fold` does: the history refolds its saved search copies when it changes."""
    probe = "\n".join([*_PROBE, _PROBE, "إسرائيلُ الأُمم المتّحدة مدرسة مستشفى كتابـــة"])
    return hashlib.sha256(fold(probe).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def terms(query: str) -> list[str]:
    """The folded words of a query; each must occur in an entry for it to match."""
    return [term for term in fold(query).split() if term]


def snippet(text: str, words: list[str], width: int = SNIPPET_WIDTH) -> str:
    """About `width` characters of `text` on one line, around the first match of any of `words` (folded terms),
    else from the start."""
    matches = (_pattern(word).search(text) for word in words)
    hits = [match.start() for match in matches if match]
    start = max(0, min(hits) - width // 4) if hits else 0
    piece = " ".join(text[start: start + width].split())
    prefix = "…" if start > 0 and text[:start].strip() else ""
    suffix = "…" if text[start + width:].strip() else ""
    return prefix + piece + suffix


def _pattern(word: str) -> re.Pattern[str]:
    """A regex for `word` (folded) in unfolded text: each letter in any of its variants, marks allowed between."""
    letters = [f"[{re.escape(char + VARIANTS[char])}]" if char in VARIANTS else re.escape(char) for char in word]
    return re.compile(_GAP.join(letters), re.IGNORECASE)
