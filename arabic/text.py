"""Arabic text in one place: letter classes, the one normaliser, and the proclitic rules.

Grouping, history search, segmentation, the language check and NER input preparation all read letters and
spellings through this module, so "Arabic letter" and "the same spelling" mean the same thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from itertools import product
from pathlib import Path

# --- letter classes ------------------------------------------------------------------------------------------

# Harakat, tanween, shadda, sukun, superscript alef, Quranic annotation signs: marks that sit on a letter.
MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
# Zero-width and bidi controls, soft hyphen, BOM: invisible format characters pasted along with news copy.
INVISIBLE = "\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
# Everything that never changes which word is meant.
IGNORABLE = re.compile(f"[{MARKS}{TATWEEL}{INVISIBLE}]")
_SCRIPT_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFC))

ZWNJ = "\u200c"  # joins Persian compounds (`دست‌ها`); Arabic copy does not use it
# Letters that only one neighbour of Arabic uses (Arabic news copy uses none of them).
URDU = frozenset("ٹڈڑںےۓ")  # not `ھ` `ہ`: Gulf tweets write them for a plain ha
PASHTO = frozenset("ټډړږښګڼځڅېۍ")
SORANI = frozenset("ڕڵێۆە")  # not `ڤ`: Arabic writes it for a "v" (`ڤيروس`)


def is_arabic_script(char: str) -> bool:
    """A code point of the Arabic script blocks (letters, marks, digits, punctuation, presentation forms)."""
    return any(low <= ord(char) <= high for low, high in _SCRIPT_RANGES)


def is_arabic_letter(char: str) -> bool:
    """A letter of the Arabic script (not a mark, digit, tatweel or punctuation): `is_arabic_letter("ـ") is False`."""
    return char != TATWEEL and unicodedata.category(char).startswith("L") and is_arabic_script(char)


def is_mark(char: str) -> bool:
    """A mark or invisible control that belongs to the letter before it (harakat, shadda, tatweel, bidi marks)."""
    return IGNORABLE.match(char) is not None or unicodedata.category(char) in ("Mn", "Cf")


def has_words(text: str) -> bool:
    """Whether `text` holds a letter or a digit; lines of separators or invisible marks have nothing to translate."""
    return any(char.isalnum() for char in text)


# --- the normaliser -------------------------------------------------------------------------------------------

# Spellings that news copy uses interchangeably: hamza forms of a bare alef, alef maqsura for ya, ta marbuta for
# ha, and the Persian keyboard's kaf and ya. Hamza on waw or ya (`ؤ`, `ئ`) is kept: `لؤي` and `لوي` are two names.
VARIANTS = {"ا": "أإآٱ", "ي": "ىی", "ه": "ة", "ك": "ک"}
_FOLDED = str.maketrans({variant: plain for plain, variants in VARIANTS.items() for variant in variants})


def fold(text: str) -> str:
    """The matching form of `text`: no marks, tatweel or invisible controls, one spelling per letter variant.

    Letters map one to one, so the n-th letter of `fold(word)` is the n-th letter of `word`:
    `fold("أنقَرة") == "انقره"`. Never shown to a reader.
    """
    return IGNORABLE.sub("", text).translate(_FOLDED)


def search_form(text: str) -> str:
    """`fold` after NFKC (presentation forms become letters) and case folding: what history search compares."""
    return fold(unicodedata.normalize("NFKC", text)).casefold()


# --- proclitics -----------------------------------------------------------------------------------------------

CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ل", "ك")
ARTICLE = "ال"
# Words after which no conjunction or preposition can be glued to the next word: prepositions, and nouns that
# take a name as their complement (`في وجدة`, `مدينة بنها`). Folded spellings.
NO_CLITIC_AFTER = frozenset(
    fold(word)
    for word in "في من إلى على عن مع بين منذ لدى عند حول نحو ضد عبر مدينة ولاية محافظة إقليم بلدة قرية عاصمة".split()
)
MIN_STEM = 3


@cache
def proclitics() -> tuple[tuple[str, str], ...]:
    """Every `(prefix, restored)` pair of folded proclitics, longest first; `restored` replaces the prefix.

    `ل` + `ال` is written `لل`, so `لل` restores the article (`للأمم` → `الأمم`); with `ال`, a prefix keeps the
    article in what it leaves (`والعراق` → `العراق`): only the conjunction and preposition are removed.
    """
    pairs: set[tuple[str, str]] = set()
    for conjunction, preposition, article in product(CONJUNCTIONS, PREPOSITIONS, ("", ARTICLE)):
        if preposition == "ل" and article:
            pairs.add((conjunction + "لل", ARTICLE))
        elif conjunction + preposition:
            pairs.add((conjunction + preposition + article, article))
    return tuple(sorted(pairs, key=lambda pair: (len(pair[0]) - len(pair[1]), pair), reverse=True))


def clitic_splits(word: str, minimum: int = MIN_STEM) -> list[tuple[int, str]]:
    """Every way to read the folded `word` as proclitic + stem: `(letters removed, restored prefix)`, longest first.

    Stems shorter than `minimum` letters are not offered (`ولد` is not `و` + `لد`).
    """
    return [
        (len(prefix), restored)
        for prefix, restored in proclitics()
        if word.startswith(prefix) and len(word) - len(prefix) >= minimum
    ]


def unambiguous_split(word: str) -> tuple[int, str]:
    """A proclitic that needs no other evidence, or `(0, "")`: `لل` before a stem (`للأمم` → `الأمم`), a clitic
    before the article (`والعراق` → `العراق`), a clitic before a hamza alef, which no name starts after
    (`وأنقرة`, `لإسرائيل`), or a doubled `ب ف ك`: the letters are read in the unfolded `word`."""
    folded = fold(word)
    if len(folded) > MIN_STEM and folded[0] == folded[1] and folded[0] in "بفك":
        return 1, ""  # no name starts with `بب`: `ببرشلونة` is `ب` + `برشلونة`
    for removed, restored in clitic_splits(folded):
        stem = restored + folded[removed:]
        if stem.startswith(ARTICLE):
            # `والد` is a word, not `و` + `الد`; `فالنسيا` and `كاليفورنيا` are names, not `ف`/`ك` + article.
            clitic = folded[:removed].removesuffix(ARTICLE)
            if len(stem) - len(ARTICLE) >= MIN_STEM and not set(clitic) <= set("فك"):
                return removed, restored
            continue
        if _letters(word)[removed] in VARIANTS["ا"][:3]:
            return removed, restored
    return 0, ""


def _letters(word: str) -> str:
    return IGNORABLE.sub("", word)


# --- names ----------------------------------------------------------------------------------------------------

_NAMES = Path(__file__).with_name("names")


@cache
def known_names() -> frozenset[str]:
    """Folded shipped names of places, organisations and people (`names/*.txt` say where each list comes from)."""
    names: set[str] = set()
    for path in sorted(_NAMES.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                names.add(" ".join(fold(line).split()))
    return frozenset(names)


@cache
def known_first_words() -> frozenset[str]:
    """The first word of every known name: evidence that a stem after a proclitic starts a name."""
    return frozenset(name.split()[0] for name in known_names())


# --- model input ----------------------------------------------------------------------------------------------

def strip_marks(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` without harakat, tatweel and invisible controls (what CAMeLBERT saw in training), and the offset in
    `text` of every kept character plus `len(text)`, so a span `[i, j)` of the result is
    `text[offsets[i]:offsets[j - 1] + 1]`: `strip_marks("عُمان")` gives `("عمان", (0, 2, 3, 4, 5))`."""
    kept = [i for i, char in enumerate(text) if not IGNORABLE.match(char)]
    return "".join(text[i] for i in kept), (*kept, len(text))
