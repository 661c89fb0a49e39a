"""NER post-processing: map model labels, normalise Arabic spellings, and group mentions of one entity.

Arabic glues conjunctions, prepositions and the article onto the next word (`وكازاخستان` = `و` + `كازاخستان`),
so mentions are compared on a normalised key with the proclitic removed. A proclitic is removed only when the
form left over is itself attested in the article: the letters `و ف ب ل ك` also begin many names (`وليد`,
`فلسطين`, `بغداد`, `لبنان`, `كازاخستان`), and cutting them blindly would merge or mangle those names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import product

from core.types import Entity, EntityGroup

_LABELS = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
    "MISC": "MISC",
}
# BIO / BIOES / BILOU position prefixes: `B-PERS`, `I_LOC`, `U-ORG`.
_POSITION = re.compile(r"^[BIESLU][-_]", re.IGNORECASE)

# Marks and invisible controls that never change which word is meant: Quranic annotation signs, harakat,
# hamza and madda written as combining marks, superscript alef, tatweel, zero-width and bidi controls.
_REMOVED = (
    "\u0610-\u061a\u061c\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
)
_REMOVED_CHAR = re.compile(f"[{_REMOVED}]")
_FOLDED = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        # Persian keyboard forms of the same letters, common in copy-pasted Arabic.
        "ی": "ي",
        "ک": "ك",
    }
)
_LETTERS = re.compile(r"[^\W\d_]+")

# Conjunction, then preposition, then article; `ل` + `ال` is written `لل`.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
_ARTICLES = ("", "ال")
# Shorter stems are too often ordinary words (`ولد` → `لد`, `وليد` → `يد`) to risk stripping.
_MIN_STEM = 3


def map_label(raw: str) -> str:
    """Map a model's entity type, with or without its `B-`/`I-`/... prefix, to PER, ORG, LOC or MISC.

    Unknown types come back as given, prefix removed: `map_label("B-PERS") == "PER"`,
    `map_label("I-Event") == "Event"`.
    """
    label = _POSITION.sub("", raw.strip())
    return _LABELS.get(label.upper(), label)


def normalize(word: str) -> str:
    """Fold Arabic spelling variants together for matching only, never for display.

    Drops diacritics, tatweel and invisible controls, unifies alef, ya, ta marbuta, and hamza seats, and trims
    surrounding punctuation: `normalize('«أنقَرة»') == 'انقره'`.
    """
    folded = _fold(word)
    start, end = _trimmed_span(folded)
    return folded[start:end]


def _fold(text: str) -> str:
    """Normalise every character of `text` without trimming; letters map one to one, marks disappear."""
    return _REMOVED_CHAR.sub("", text).translate(_FOLDED)


def _is_edge_noise(char: str) -> bool:
    """Punctuation, symbols, spaces and controls that may surround a word but are not part of it."""
    return unicodedata.category(char)[0] in "PSZC"


def _trimmed_span(text: str) -> tuple[int, int]:
    """The span of `text` left after removing edge noise from both ends."""
    start, end = 0, len(text)
    while start < end and _is_edge_noise(text[start]):
        start += 1
    while end > start and _is_edge_noise(text[end - 1]):
        end -= 1
    return start, end


def _proclitics() -> tuple[tuple[str, str], ...]:
    """Every `(prefix, restored)` pair, most letters removed first; `restored` replaces the prefix.

    `restored` is `ال` only for `لل` (`للمنظمة` may stand for `ل` + `المنظمة`), and it is tried before a
    plain prefix removing as many letters, so `وللمنظمة` reaches `المنظمة` rather than stopping at `للمنظمة`.
    """
    pairs: list[tuple[str, str]] = []
    for conjunction, preposition, article in product(_CONJUNCTIONS, _PREPOSITIONS, _ARTICLES):
        if preposition == "ل" and article:
            pairs += [(conjunction + "لل", ""), (conjunction + "لل", "ال")]
        elif conjunction + preposition + article:
            pairs.append((conjunction + preposition + article, ""))
    return tuple(sorted(pairs, key=lambda pair: (len(pair[0]) - len(pair[1]), pair[1]), reverse=True))


_PROCLITICS = _proclitics()


def _split_proclitic(word: str, attested: set[str]) -> tuple[int, str]:
    """How many leading letters of the normalised `word` are a proclitic, and what replaces them.

    `(0, "")` when no stripped form is attested, so names that merely start with a clitic letter stay whole.
    """
    for prefix, restored in _PROCLITICS:
        stem = word[len(prefix) :]
        if word.startswith(prefix) and len(stem) >= _MIN_STEM and restored + stem in attested:
            return len(prefix), restored
    return 0, ""


def strip_proclitic(word: str, attested: set[str]) -> str:
    """Remove the longest proclitic of the normalised `word` whose remainder is in `attested`.

    `strip_proclitic('وكازاخستان', {'كازاخستان'}) == 'كازاخستان'`, but `strip_proclitic('لبنان', set())`
    stays `'لبنان'`.
    """
    dropped, restored = _split_proclitic(word, attested)
    return restored + word[dropped:]


def attested_words(text: str, mentions: Iterable[Entity] = ()) -> set[str]:
    """The normalised words of the article plus those of every mention (a model may cut inside a word)."""
    words = set(_LETTERS.findall(_fold(text)))
    for mention in mentions:
        words.update(_LETTERS.findall(_fold(mention.text)))
    return words


def _without_overlaps(mentions: Sequence[Entity]) -> list[Entity]:
    """Keep the longer (then higher-scoring, then earlier) of overlapping mentions, sorted by `(start, end)`."""
    ranked = sorted(mentions, key=lambda m: (m.start - m.end, -m.score, m.start))
    kept: list[Entity] = []
    for mention in ranked:
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: (m.start, m.end))


def _surface_without(surface: str, letters: int) -> str:
    """`surface` trimmed, minus its first `letters` letters (and the marks on them), as written in the text."""
    start, end = _trimmed_span(surface)
    position = start
    while position < end and letters:
        if not _REMOVED_CHAR.match(surface[position]):
            letters -= 1
        position += 1
    while position < end and _REMOVED_CHAR.match(surface[position]):
        position += 1
    return surface[position:end]


def _key_and_surface(mention: Entity, attested: set[str]) -> tuple[str, str]:
    """The grouping key of a mention (normalised, proclitic stripped from its first word) and its display form."""
    words = [word for word in map(normalize, mention.text.split()) if word]
    if not words:
        return mention.text, mention.text
    dropped, restored = _split_proclitic(words[0], attested)
    words[0] = restored + words[0][dropped:]
    return " ".join(words), restored + _surface_without(mention.text, dropped)


def group_entities(
    text: str, mentions: Sequence[Entity]
) -> tuple[tuple[Entity, ...], tuple[EntityGroup, ...]]:
    """Resolve overlaps between `mentions` of `text` and group those that name the same entity.

    Returns the kept mentions sorted by `(start, end)`, each with `group` set, and the groups, numbered
    0..n-1 in order of first mention. A group's `canonical` is its most frequent surface form with the
    proclitic removed and its `label` the most frequent label; ties go to the form or label seen first.
    Mentions keep their offsets and text: `entity.text == text[entity.start:entity.end]` still holds.
    """
    kept = _without_overlaps(mentions)
    attested = attested_words(text, kept)
    ids: dict[str, int] = {}
    surfaces: list[Counter[str]] = []
    labels: list[Counter[str]] = []
    grouped: list[Entity] = []
    for mention in kept:
        key, surface = _key_and_surface(mention, attested)
        if key not in ids:
            ids[key] = len(ids)
            surfaces.append(Counter())
            labels.append(Counter())
        group = ids[key]
        surfaces[group][surface] += 1
        labels[group][mention.label] += 1
        grouped.append(replace(mention, group=group))
    groups = tuple(
        EntityGroup(
            id=group,
            canonical=surfaces[group].most_common(1)[0][0],
            label=labels[group].most_common(1)[0][0],
            count=labels[group].total(),
        )
        for group in range(len(ids))
    )
    return tuple(grouped), groups
