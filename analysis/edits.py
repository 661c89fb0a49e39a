"""The journalist's last word: edits of a sentence's translation or of either summary, a chosen alternative, a
restored machine text, and which sentences to review first. Pure functions of an `Analysis`; each change re-runs
the check before publishing on the texts at once (`analysis.checks.recheck`), so a number an edit changes is a
finding straight away and a fix clears it. The machine's text is kept beside an edited one (`Sentence.machine`,
`Summary.ar_machine`/`en_machine`), so it stays one click away and can be restored.
"""

from __future__ import annotations

import math
from dataclasses import replace

from analysis.checks import recheck
from analysis.key_sentences import quoted_english
from core.types import Analysis, Glossary, Sentence, Summary

# A sentence whose translation scored below this mean log-probability per output token is marked for review,
# whatever the others scored: e ** -1.0 ≈ 0.37, i.e. on average the translator gave each token it wrote about a
# one-in-three chance. Not calibrated on the real opus-mt-ar-en here (it cannot be downloaded on these machines);
# see README "Review first" for how it was chosen and how to recalibrate it.
REVIEW_BELOW = -1.0
# Besides those below `REVIEW_BELOW`, the least sure tenth of the translated sentences (at least one) is marked.
REVIEW_SHARE = 0.1
PARTS = ("ar", "en")


def edit_sentence(analysis: Analysis, index: int, text: str, *, chosen: bool = False,
                  glossary: Glossary | None = None) -> Analysis:
    """The analysis with sentence `index` translated as `text` by hand (or, with `chosen`, as an alternative the
    journalist chose), the machine's translation kept, and the checks found again. Writing the machine's own
    text back restores it."""
    sentence = analysis.sentences[index]
    machine = machine_sentence(sentence)
    if text.strip() == machine.strip():
        updated = replace(sentence, translation=machine, edited=False, chosen=False, machine="")
    else:
        updated = replace(sentence, translation=text.strip(), edited=not chosen, chosen=chosen, machine=machine)
    return _rechecked(analysis, _with_sentence(analysis, index, updated), glossary)


def restore_sentence(analysis: Analysis, index: int, *, glossary: Glossary | None = None) -> Analysis:
    """The analysis with sentence `index` back to the machine's translation."""
    return edit_sentence(analysis, index, machine_sentence(analysis.sentences[index]), glossary=glossary)


def machine_sentence(sentence: Sentence) -> str:
    """The machine's translation of a sentence, edited or not."""
    return sentence.machine if sentence.changed else sentence.translation


def edit_summary(analysis: Analysis, part: str, text: str, *, glossary: Glossary | None = None) -> Analysis:
    """The analysis with the Arabic (`part` "ar") or English ("en") summary written as `text` by hand, the
    machine's kept, and the checks found again; the machine's own text restores it."""
    if part not in PARTS:
        raise ValueError(f"A summary part is 'ar' or 'en', not {part!r}.")
    summary = analysis.summary
    if summary is None:
        raise ValueError("This analysis has no summary to edit.")
    machine = machine_summary(summary, part)
    if text.strip() == machine.strip():
        fields = {part: machine, f"{part}_edited": False, f"{part}_machine": ""}
    else:
        fields = {part: text.strip(), f"{part}_edited": True, f"{part}_machine": machine}
    return _rechecked(analysis, replace(analysis, summary=replace(summary, **fields)), glossary)


def restore_summary(analysis: Analysis, part: str, *, glossary: Glossary | None = None) -> Analysis:
    """The analysis with the summary's `part` back to the machine's text."""
    if analysis.summary is None:
        return analysis
    return edit_summary(analysis, part, machine_summary(analysis.summary, part), glossary=glossary)


def machine_summary(summary: Summary, part: str) -> str:
    """The machine's text of the summary's `part` ("ar" or "en"), edited or not."""
    return getattr(summary, f"{part}_machine") if getattr(summary, f"{part}_edited") else getattr(summary, part)


def edited_sentences(analysis: Analysis) -> int:
    """How many sentences a person edited by hand or chose an alternative for."""
    return sum(sentence.changed for sentence in analysis.sentences)


def to_review(analysis: Analysis) -> frozenset[int]:
    """Indices of the sentences to review first: the least sure tenth of the machine's translations (at least one)
    and any below `REVIEW_BELOW`; a sentence a person edited or chose for is no longer the machine's, so never."""
    scored = sorted((sentence.confidence, index) for index, sentence in enumerate(analysis.sentences)
                    if sentence.confidence is not None and sentence.translation.strip())
    if not scored:
        return frozenset()
    lowest = {index for _, index in scored[:math.ceil(len(scored) * REVIEW_SHARE)]}
    below = {index for confidence, index in scored if confidence < REVIEW_BELOW}
    return frozenset(index for index in lowest | below if not analysis.sentences[index].changed)


def _with_sentence(analysis: Analysis, index: int, sentence: Sentence) -> Analysis:
    """The analysis with sentence `index` replaced; a key-sentence summary that quotes it follows (its English is
    the quoted sentences' translations), unless a person rewrote that English."""
    sentences = list(analysis.sentences)
    sentences[index] = sentence
    summary = analysis.summary
    if summary and summary.quoted and index in summary.sentences and not summary.en_edited:
        summary = replace(summary, en=quoted_english(sentences, summary.sentences))
    return replace(analysis, sentences=tuple(sentences), summary=summary)


def _rechecked(before: Analysis, after: Analysis, glossary: Glossary | None) -> Analysis:
    """`after` with its checks found again, unless the check before publishing had failed on `before` (then
    there is nothing trustworthy to update: the journalist checks by hand, as its panel says)."""
    return after if before.problem("checks") else recheck(after, glossary)
