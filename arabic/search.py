"""Forgiving text search for the history: a query matches whatever its spelling of alef, ya and ta marbuta,
with or without diacritics and tatweel, in any letter case.

`fold` turns stored text and queries into one comparable form (SQL compares the folded copies with `instr`);
`snippet` finds the first match in the original text, so the excerpt shown is the article's own spelling.
"""

from __future__ import annotations

import re
import unicodedata

# Harakat, Quranic marks and the dagger alef carry no meaning for search; the tatweel only stretches a word.
_IGNORED = "\u0640\u0670" + "".join(map(chr, range(0x064B, 0x0660))) + "".join(map(chr, range(0x06D6, 0x06EE)))
# Spellings that news copy uses interchangeably: hamza forms of alef, alef maqsura for ya, ta marbuta for ha.
_VARIANTS = {"ا": "اأإآٱ", "ي": "يى", "ه": "هة"}
_FOLD = str.maketrans({char: None for char in _IGNORED}
                      | {variant: plain for plain, variants in _VARIANTS.items() for variant in variants[1:]})
_GAP = f"[{re.escape(_IGNORED)}]*"
SNIPPET_WIDTH = 160


def fold(text: str) -> str:
    """The search form of `text`: NFKC (Arabic presentation forms become letters), lower case, no diacritics
    or tatweel, one spelling per letter variant. Example: `fold("إسرائيلُ")` gives `"اسرائيل"`."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()


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
    letters = [f"[{re.escape(_VARIANTS[char])}]" if char in _VARIANTS else re.escape(char) for char in word]
    return re.compile(_GAP.join(letters), re.IGNORECASE)
