"""A newsroom glossary applied to the English: each term of the list in the Arabic reads as the list writes it.

How the pipeline uses it, after translation:
1. `matches = find_terms(article, arabic_terms(glossary))` (`arabic.glossary_match`), and the same on the Arabic
   summary;
2. one extra translator call for the model's own English of each term found (`terms_found`), each output made
   into `renderings_of(output)`;
3. for each sentence, `apply_glossary(sentence.translation, in_sentence, glossary.terms, renderings)` with the
   sentence's own matches (`by_sentence`): the model's rendering of a term is replaced by the list's English, and
   `glossary_checks` turns each term the translation still lacks into a `glossary` finding; the English summary is
   treated the same way with the Arabic summary's matches;
4. `name_groups` gives the entity groups that name a term the list's English.
Only the terms of the sentence at hand are replaced, so nothing changes in a sentence that does not hold a term.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from analysis.key_sentences import quoted_english
from arabic.glossary_match import find_terms
from arabic.text import has_words
from core.types import Analysis, Check, EntityGroup, Glossary, GlossaryTerm, Sentence, TermMatch
from models.translate import UNTRANSLATED

GLOSSARY = "glossary"
# A rendering made of these words alone would replace ordinary English everywhere; it is never used.
_FUNCTION_WORDS = frozenset("a an the of and or in on at to for with by from as is was it its this that".split())
_EDGES = " \t\n.,;:!?\"'“”‘’«»()[]"
_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
# What may stand between the end of a sentence and a word that starts the next: spaces and opening quotes.
_SENTENCE_START = re.compile(r"(?:^|[.!?…:])[\s\"'“‘«(\[]*$")


@dataclass(frozen=True)
class _Span:
    """A place in a translation where `rendering` of glossary term `term` was found."""

    start: int
    end: int
    term: int
    rendering: str


@dataclass(frozen=True)
class Rendered:
    """A translation after the glossary: its new text, the terms it now writes as listed (`applied`, indices into
    the glossary's terms) and, for each term it still lacks, the term's first match in the Arabic (`missing`)."""

    translation: str
    applied: tuple[int, ...]
    missing: tuple[TermMatch, ...]


def arabic_terms(glossary: Glossary) -> list[str]:
    """The Arabic side of every term, in order: what `find_terms` searches for."""
    return [term.arabic for term in glossary.terms]


def terms_found(matches: Iterable[TermMatch]) -> list[int]:
    """The indices of the terms that occur, each once, in order: those the translator renders on their own."""
    return sorted({match.term for match in matches})


def renderings_of(machine: str) -> tuple[str, ...]:
    """What the model may write for a term in a sentence, from its translation of the term alone: the output
    without the full stop, quotes or leading "the" it adds (`renderings_of("the Ankara.") == ("Ankara",)`);
    nothing for an empty or function-word-only output."""
    text = machine.strip(_EDGES) if machine != UNTRANSLATED else ""
    text = _ARTICLE.sub("", text)
    words = text.casefold().split()
    return (text,) if words and not set(words) <= _FUNCTION_WORDS and any(c.isalpha() for c in text) else ()


def by_sentence(matches: Sequence[TermMatch], sentences: Sequence[Sentence]) -> list[list[TermMatch]]:
    """The matches that overlap each sentence (offsets index the article); a term split by a window boundary
    belongs to both pieces. Both inputs are sorted by `start`."""
    found: list[list[TermMatch]] = [[] for _ in sentences]
    first = 0
    for index, sentence in enumerate(sentences):
        while first < len(matches) and matches[first].end <= sentence.start:
            first += 1
        position = first
        while position < len(matches) and matches[position].start < sentence.end:
            if matches[position].end > sentence.start:
                found[index].append(matches[position])
            position += 1
    return found


def apply_glossary(translation: str, matches: Sequence[TermMatch], terms: Sequence[GlossaryTerm],
                   renderings: Mapping[int, Sequence[str]]) -> Rendered:
    """Rewrite `translation` so each term of `matches` (the terms its Arabic holds) reads as `terms` lists it.

    `renderings` holds, by term index, what the model may have written for a term (`renderings_of`); the listed
    English itself counts too, written without its accents or in another case (`Mevlut Cavusoglu`). Each one found
    as whole words is replaced, longest first, keeping ALL CAPS and a capital that starts a sentence; the text
    around it is untouched. An empty translation (the model wrote nothing) is left as it is, with no finding.
    """
    wanted = terms_found(matches)
    if not translation.strip() or translation == UNTRANSLATED or not wanted:
        return Rendered(translation, (), ())
    listed = [span for term in wanted for span in _occurrences(translation, terms[term].english, accents=True)]
    found: list[_Span] = []
    for term in wanted:
        for rendering in {*renderings.get(term, ()), terms[term].english}:
            found += [_Span(start, end, term, rendering)
                      for start, end in _occurrences(translation, rendering, accents=False)
                      if not any(start < other_end and other_start < end for other_start, other_end in listed)]
    rewritten = _rewrite(translation, _longest_first(found), terms)
    applied = tuple(term for term in wanted if _occurrences(rewritten, terms[term].english, accents=True))
    missing: dict[int, TermMatch] = {}
    for match in sorted(matches, key=lambda match: match.start):
        if match.term not in applied:
            missing.setdefault(match.term, match)
    return Rendered(rewritten, applied, tuple(missing.values()))


def glossary_checks(source: str, rendered: Rendered, terms: Sequence[GlossaryTerm], where: str,
                    index: int) -> tuple[Check, ...]:
    """One `glossary` finding for each term the translation does not write as listed: `source` is the text the
    matches index (the article for a sentence, the Arabic summary for the English summary)."""
    return tuple(
        Check(GLOSSARY, where, index, match.start, match.end, source[match.start : match.end],
              f"The glossary writes '{terms[match.term].arabic}' as '{terms[match.term].english}'; "
              "the translation does not.")
        for match in rendered.missing
    )


def name_groups(groups: Sequence[EntityGroup], terms: Sequence[GlossaryTerm]) -> tuple[EntityGroup, ...]:
    """The entity groups, those whose whole name is a term of the list with `english` set to the list's English."""
    arabic = [term.arabic for term in terms]
    named = []
    for group in groups:
        matches = find_terms(group.canonical, arabic)
        whole = len(matches) == 1 and not has_words(group.canonical[: matches[0].start] +
                                                    group.canonical[matches[0].end :])
        named.append(replace(group, english=terms[matches[0].term].english) if whole else group)
    return tuple(named)


def _fold_english(text: str, *, accents: bool) -> str:
    """Lower case, and without accents unless `accents`, one character for one (`Çavuşoğlu` → `cavusoglu`), so
    offsets in the folded text index the original."""
    def one(char: str) -> str:
        base = char if accents else unicodedata.normalize("NFD", char)[0]
        lower = base.lower()
        return lower if len(lower) == 1 else base
    return "".join(one(char) for char in text)


def _occurrences(text: str, phrase: str, *, accents: bool) -> list[tuple[int, int]]:
    """The spans of `phrase` in `text` as whole words, case-insensitively (and accent-insensitively unless
    `accents`); any run of spaces matches a space."""
    words = _fold_english(phrase, accents=accents).split()
    if not words:
        return []
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")
    return [match.span() for match in pattern.finditer(_fold_english(text, accents=accents))]


def _longest_first(found: Sequence[_Span]) -> list[_Span]:
    """The spans that do not overlap a longer (then earlier) one, sorted by start."""
    kept: list[_Span] = []
    for span in sorted(set(found), key=lambda span: (span.start - span.end, span.start, span.rendering)):
        if all(span.end <= other.start or other.end <= span.start for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def _rewrite(translation: str, spans: Sequence[_Span], terms: Sequence[GlossaryTerm]) -> str:
    """`translation` with each span replaced by its term's English, in the case of what it replaces."""
    pieces, position = [], 0
    for span in spans:
        english, start = terms[span.term].english, span.start
        # A listed English with its own "the" absorbs the one already before the span: no "the the".
        before = re.search(r"\bthe\s+$", translation[position:start], re.IGNORECASE)
        if before and _ARTICLE.match(english):
            start = position + before.start()
        written = translation[start : span.end]
        pieces += [translation[position:start], _cased(english, written, span.rendering, translation[:start])]
        position = span.end
    return "".join([*pieces, translation[position:]])


def _cased(english: str, written: str, rendering: str, before: str) -> str:
    """`english` in the case of the `written` text it replaces: ALL CAPS stays so (unless the rendering is an
    acronym in its own right, `CSTO`), and a capital that starts a sentence stays one; otherwise the list's case."""
    if sum(char.isalpha() for char in written) > 1 and written.isupper() and not rendering.isupper():
        return english.upper()
    if written[:1].isupper() and _SENTENCE_START.search(before):
        return english[:1].upper() + english[1:]
    return english


def gloss_analysis(analysis: Analysis, glossary: Glossary,
                   translate: Callable[[list[str]], list[str]]) -> tuple[Analysis, tuple[Check, ...]]:
    """The analysis with `glossary` applied to every sentence's translation, the English summary and the entity
    groups (steps 1-4 above), and the `glossary` findings of the terms a translation still lacks. `translate` is
    the translator's own call, made once for the model's English of the terms found; `Analysis.glossary` lists
    the terms applied somewhere."""
    terms, arabic = glossary.terms, arabic_terms(glossary)
    summary = analysis.summary
    in_article = find_terms(analysis.text, arabic) if terms else []
    in_summary = find_terms(summary.ar, arabic) if terms and summary and summary.ar else []
    found = terms_found([*in_article, *in_summary])
    if not found:
        return analysis, ()
    renderings = {term: renderings_of(machine) for term, machine in
                  zip(found, translate([terms[term].arabic for term in found]))}
    sentences, checks, applied = [], [], set()
    for index, (sentence, matches) in enumerate(zip(analysis.sentences, by_sentence(in_article, analysis.sentences))):
        rendered = apply_glossary(sentence.translation, matches, terms, renderings)
        sentences.append(replace(sentence, translation=rendered.translation))
        checks += glossary_checks(analysis.text, rendered, terms, "sentence", index)
        applied.update(rendered.applied)
    if summary and summary.quoted:  # its English is the sentences' own, glossed above
        summary = replace(summary, en=quoted_english(sentences, summary.sentences))
    elif in_summary and summary.en:
        rendered = apply_glossary(summary.en, in_summary, terms, renderings)
        summary = replace(summary, en=rendered.translation)
        checks += glossary_checks(summary.ar, rendered, terms, "summary_en", -1)
        applied.update(rendered.applied)
    glossed = replace(analysis, sentences=tuple(sentences), summary=summary,
                      groups=name_groups(analysis.groups, terms),
                      glossary=tuple(terms[term] for term in sorted(applied)))
    return glossed, tuple(checks)


def glossary_findings(analysis: Analysis, glossary: Glossary) -> tuple[Check, ...]:
    """The `glossary` findings of an analysis whose English a person edited: each term of `glossary` that a
    sentence (or the Arabic summary) holds and its English does not write as listed. Nothing is rewritten."""
    terms, arabic = glossary.terms, arabic_terms(glossary)
    if not terms:
        return ()
    checks: list[Check] = []
    in_article = find_terms(analysis.text, arabic)
    for index, (sentence, matches) in enumerate(zip(analysis.sentences, by_sentence(in_article, analysis.sentences))):
        checks += glossary_checks(analysis.text, apply_glossary(sentence.translation, matches, terms, {}), terms,
                                  "sentence", index)
    summary = analysis.summary
    if summary and summary.ar and summary.en and not summary.quoted:
        rendered = apply_glossary(summary.en, find_terms(summary.ar, arabic), terms, {})
        checks += glossary_checks(summary.ar, rendered, terms, "summary_en", -1)
    return tuple(checks)
