"""Abstractive Arabic summary with the checkpoint's own decoding settings, and a documented strategy for long articles.

Strategy: an article that fits the 512-token input window is summarised in one pass ("single"). A longer one
is cut at sentence boundaries into sections that each fit, every section is summarised, and the joined section
summaries are summarised again (repeated until they fit) — "sections". Nothing is silently truncated.

The sections of one round are summarised together, in as few engine calls as `section_tokens` (padded source
tokens per call) allows: decoding reads the model's weights once per step for the whole batch, so two sections
cost little more than one. The budget bounds each call's memory (mT5's cross-attention cache grows with the
source tokens times the beams); see BENCHMARKS.md for how it was sized.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from arabic.segment import segment
from core.errors import Cancelled
from models.budget import DECODE_BUDGET, decode_cost
from models.engine import Generation


def normalize_whitespace(text: str) -> str:
    """The XLSum model card's whitespace handler: newlines and runs of spaces become one space."""
    return re.sub(r"\s+", " ", re.sub(r"\n+", " ", text.strip()))


# Padded source tokens (longest section × sections) per summary call: two full 512-token sections. Measured on
# mT5-base int8 (BENCHMARKS.md): each full 495-token section adds about 0.075 GB to a call's peak.
SECTION_TOKENS = 1024


class Summarizer:
    def __init__(self, seq2seq, *, section_tokens: int = SECTION_TOKENS) -> None:
        self.seq2seq = seq2seq
        self.section_tokens = section_tokens

    @property
    def name(self) -> str:
        return self.seq2seq.name

    def summarize(self, text: str, *, max_tokens: int | None = None, num_beams: int | None = None,
                  fixed_new_tokens: int | None = None,
                  stop: Callable[[], bool] = lambda: False) -> tuple[str, str, str]:
        """Return `(summary, strategy, detail)` for an article of any length: `strategy` is "single" or
        "sections", `detail` says how the article was cut. The summary is "" when the model wrote nothing.

        Decoding follows the checkpoint's own settings (XLSum: beams 4, `no_repeat_ngram_size` 2,
        `length_penalty` 0.6, at most 84 tokens); `max_tokens` and `num_beams` override only when given.
        `fixed_new_tokens` makes every generated summary exactly that long (the benchmark's equal work across
        engines); it overrides `max_tokens`. `stop` is asked before every model call: when it says True,
        `Cancelled` is raised (Cancel in the app, between two section summaries)."""
        settings = self.seq2seq.defaults
        if num_beams:
            settings = replace(settings, num_beams=num_beams)
        if fixed_new_tokens or max_tokens:
            settings = replace(settings, max_new_tokens=fixed_new_tokens or max_tokens)
        if fixed_new_tokens:
            settings = replace(settings, min_new_tokens=fixed_new_tokens)
        text = normalize_whitespace(text)
        window = self.seq2seq.window
        tokens = self.seq2seq.count_tokens(text)
        if tokens <= window:
            return self._generate(text, settings, stop), "single", f"the whole article ({tokens} tokens)"
        rounds, sections = 0, self.sections(text)
        first = len(sections)
        while len(sections) > 1 and rounds < 8:
            rounds += 1
            summaries = self._generate_all(sections, settings, stop)
            # A section the model wrote nothing for adds nothing; when none is left, neither is a summary.
            sections = self.sections(" ".join(summary for summary in summaries if summary))
        summary = self._generate(sections[0], settings, stop) if sections else ""
        return summary, "sections", (f"{tokens} tokens cut into {first} sections of at most {window} tokens, "
                         f"each summarised, then the joined summaries summarised ({rounds} round(s))")

    def _generate(self, text: str, settings: Generation, stop: Callable[[], bool]) -> str:
        """The model's summary of one text, stripped ("" when it wrote nothing), unless `stop` says to stop."""
        return next(iter(self._generate_all([text], settings, stop)), "")

    def _generate_all(self, texts: Sequence[str], settings: Generation, stop: Callable[[], bool]) -> list[str]:
        """The model's summaries of `texts`, in order, stripped: one engine call per group of `batches`, `stop`
        asked before each, each holding its share of the decode budget (`models.budget`)."""
        summaries: list[str] = []
        for group in self.batches(texts):
            if stop():
                raise Cancelled
            longest = max(self.seq2seq.count_tokens(text) for text in group)
            with DECODE_BUDGET.hold(decode_cost(len(group), longest, settings)):
                outputs = self.seq2seq.generate(group, settings)
            summaries += [output.strip() for output in outputs] + [""] * (len(group) - len(outputs))
        return summaries

    def batches(self, texts: Sequence[str]) -> list[list[str]]:
        """Consecutive runs of `texts` whose padded size (longest × count, in source tokens) stays within
        `section_tokens`; a text alone may exceed it."""
        groups: list[list[str]] = []
        longest = 0
        for text in texts:
            length = self.seq2seq.count_tokens(text)
            if groups and max(longest, length) * (len(groups[-1]) + 1) <= self.section_tokens:
                groups[-1].append(text)
                longest = max(longest, length)
            else:
                groups.append([text])
                longest = length
        return groups

    def sections(self, text: str) -> list[str]:
        """Consecutive runs of whole sentences, each within the input window."""
        window = self.seq2seq.window
        sentences, _ = segment(text, measure=self.seq2seq.count_tokens, limit=window)
        sections: list[str] = []
        for sentence in sentences:
            joined = f"{sections[-1]} {sentence.text}" if sections else sentence.text
            if sections and self.seq2seq.count_tokens(joined) <= window:
                sections[-1] = joined
            else:
                sections.append(sentence.text)
        return sections
