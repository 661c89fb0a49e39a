"""NER post-processing: map model labels, and group the mentions of one entity under one display name.

Arabic glues conjunctions and prepositions onto the next word (`وكازاخستان` = `و` + `كازاخستان`), but the same
letters also begin many names (`وليد`, `فيصل`, `بكين`, `كوفي`). A proclitic is removed only on evidence
(`arabic.text` holds the rules): what is left is another mention of the article or a shipped place or
organisation name, or the combination cannot start a name (`وال…`, `لل…` → `ال…`, a clitic before a hamza alef).
Display names keep their definite article, and the spelling folding keeps hamza seats apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from arabic.text import (
    ARTICLE,
    IGNORABLE,
    MIN_STEM,
    NO_CLITIC_AFTER,
    clitic_splits,
    fold,
    known_names,
    unambiguous_split,
)
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

_LETTERS = re.compile(r"[^\W\d_]+")
SHARED_STEM = 4


def map_label(raw: str) -> str:
    """Map a model's entity type, with or without its `B-`/`I-`/... prefix, to PER, ORG, LOC or MISC.

    Unknown types come back as given, prefix removed: `map_label("B-PERS") == "PER"`,
    `map_label("I-Event") == "Event"`.
    """
    label = _POSITION.sub("", raw.strip())
    return _LABELS.get(label.upper(), label)


def normalize(word: str) -> str:
    """Fold Arabic spelling variants together for matching only, never for display, and trim punctuation.

    `normalize('«أنقَرة»') == 'انقره'` (see `arabic.text.fold`).
    """
    folded = fold(word)
    start, end = _trimmed_span(folded)
    return folded[start:end]


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


def split_proclitic(words: Sequence[str], attested: set[str], previous: str = "", first: str = "") -> tuple[int, str]:
    """How many leading letters of a mention's first folded word are a proclitic, and what replaces them.

    `words` are the mention's folded words, `attested` the folded words of the article's mentions, `previous`
    the folded word before the mention and `first` the first word as written (for the hamza rule). Returns
    `(0, "")` without evidence: `split_proclitic(["كوفي"], {"وفي"})` keeps the `ك`.
    """
    head, rest = words[0], list(words[1:])
    # A mention that is, or starts with, a known name keeps it whole: `باريس سان جيرمان` is not `ب` + `أريس ...`.
    if previous in NO_CLITIC_AFTER or " ".join(words) in known_names() or head in known_names():
        return 0, ""
    splits = clitic_splits(head, minimum=2)
    # `ك` and `ف` alone rarely stand before a name (`كلاوس` is not `ك` + `لاوس`). The shortest clitic that leaves
    # a known name wins: `ولبنان` is `و` + `لبنان`, not `ول` + `بنان`; `للبنان` is `ل` + `لبنان`.
    for removed, restored in reversed(splits):
        stem = restored + head[removed:]
        if (" ".join([stem, *rest]) in known_names() or stem in known_names()) and set(head[:removed]) & set("وبل"):
            return removed, restored
    for removed, restored in splits:
        stem = restored + head[removed:]
        # `لل` reads as `ل` + `ال` (the attested `ال…`), never as `ل` + a stem starting with `ل`.
        if not restored and head[removed - 1 : removed + 1] == "لل":
            continue
        if len(stem) >= MIN_STEM and stem in attested:
            # The attested form may carry an unambiguous clitic itself: `وللمنظمة` after `للمنظمة`.
            more, restored_more = unambiguous_split(stem)
            return (removed, restored) if not more else (removed + more - len(restored), restored_more)
    return unambiguous_split(first or head)


def strip_proclitic(word: str, attested: set[str], previous: str = "") -> str:
    """The folded `word` without a proclitic that the evidence supports.

    `strip_proclitic('وكازاخستان', {'كازاخستان'}) == 'كازاخستان'`; `strip_proclitic('وليد', set()) == 'وليد'`.
    """
    removed, restored = split_proclitic([word], attested, previous)
    return restored + word[removed:]


def mention_words(mentions: Iterable[Entity]) -> set[str]:
    """The folded words of every mention: the names this article itself vouches for (grouping's evidence)."""
    return {word for mention in mentions for word in _LETTERS.findall(fold(mention.text))}


def shared_stems(words: Iterable[str]) -> set[str]:
    """Stems that follow two different proclitics among the folded `words`: a name starts with one letter, so
    `وبريطانيا` and `لبريطانيا` vouch for `بريطانيا` even when no list has it and it never stands bare."""
    before: dict[str, set[str]] = {}
    for word in words:
        for removed, restored in clitic_splits(word, minimum=SHARED_STEM):
            if not restored and not word[:removed].endswith(ARTICLE):
                before.setdefault(word[removed:], set()).add(word[removed - 1])
    # The letters just before the stem must differ: `ولبنان` and `لبنان` both put `ل` before `بنان`. Short stems
    # are left out: `وانغ` and `فانغ` are two names, not two clitics before `انغ`.
    return {stem for stem, letters in before.items() if len(letters) > 1}


def attested_words(text: str, mentions: Iterable[Entity] = ()) -> set[str]:
    """The folded words of `text` plus those of every mention: what an article contains, names or not."""
    return set(_LETTERS.findall(fold(text))) | mention_words(mentions)


def _previous_word(text: str, start: int) -> str:
    """The folded word before offset `start`, punctuation trimmed ("" at the start of the text)."""
    words = text[max(0, start - 40) : start].split()
    return normalize(words[-1]) if words else ""


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
        if not IGNORABLE.match(surface[position]):
            letters -= 1
        position += 1
    while position < end and IGNORABLE.match(surface[position]):
        position += 1
    return surface[position:end]


def _key_and_surface(mention: Entity, attested: set[str], previous: str) -> tuple[str, str]:
    """The grouping key of a mention (folded, proclitic removed from its first word) and its display form."""
    written = [word for word in mention.text.split() if normalize(word)]
    words = [normalize(word) for word in written]
    if not words:
        return mention.text, mention.text
    start, end = _trimmed_span(written[0])
    removed, restored = split_proclitic(words, attested, previous, written[0][start:end])
    words[0] = restored + words[0][removed:]
    return " ".join(words), restored + _surface_without(mention.text, removed)


def group_entities(
    text: str, mentions: Sequence[Entity]
) -> tuple[tuple[Entity, ...], tuple[EntityGroup, ...]]:
    """Resolve overlaps between `mentions` of `text` and group those that name the same entity.

    Returns the kept mentions sorted by `(start, end)`, each with `group` set, and the groups, numbered
    0..n-1 in order of first mention. A group's `canonical` is its most frequent surface form with the
    proclitic removed (never its article) and its `label` the most frequent label; ties go to the form or label
    seen first.
    Mentions keep their offsets and text: `entity.text == text[entity.start:entity.end]` still holds.
    """
    kept = _without_overlaps(mentions)
    attested = mention_words(kept)
    attested |= shared_stems(attested)
    ids: dict[str, int] = {}
    surfaces: list[Counter[str]] = []
    labels: list[Counter[str]] = []
    grouped: list[Entity] = []
    for mention in kept:
        key, surface = _key_and_surface(mention, attested, _previous_word(text, mention.start))
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
