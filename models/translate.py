"""Arabic→English translation of sentences, in length-sorted batches under a token budget, streamed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, replace

from models.budget import DECODE_BUDGET, decode_cost
from models.engine import Generation

UNTRANSLATED = "[no translation produced]"
# The longest input, in source tokens, a sentence sent to the translator may have; longer ones are cut at
# clause boundaries first (`arabic.segment`). opus-mt learnt from sentence pairs, most well under 100 tokens:
# given a 300-token run-on sentence it writes a short translation that silently drops clauses, although its
# window holds 512. 128 tokens keeps a long news sentence of 60 to 80 words whole and cuts only run-ons.
SENTENCE_TOKENS = 128
# A batch's budget, in tokens: its sentences times (the longest source + the most tokens it may generate). Beam
# search keeps every hypothesis's attention cache, so a batch's memory grows with sentences × (source + output),
# not with its source alone: measured on opus-mt-ar-en int8, beam 4, about 0.13 MB per such token (BENCHMARKS.md).
# Counting only the source let 40 short sentences into one batch (+0.5 GB); 1,000 keeps a batch near 0.13 GB
# and the seed story's batches as they were ([2, 6, 6] on the bench).
BATCH_TOKENS = 1000

# How many alternatives a sentence gets when the journalist asks, and the beams searched for them: twice as
# many hypotheses as wanted, since duplicates and case-only variants are dropped.
ALTERNATIVES = 3


@dataclass(frozen=True)
class Scored:
    """A translation and the translator's confidence in it: the mean log-probability per output token of the
    beam that wrote it (0 is certain; lower is less sure)."""

    text: str
    confidence: float | None


class SentenceCache:
    """A bounded, thread-safe least-recently-used map from (model, engine, settings, sentence) to its translation
    and that translation's confidence, so re-analysing an edited article translates only the sentences that
    changed."""

    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Scored] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Scored | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, translation: Scored) -> None:
        with self._lock:
            self._entries[key] = translation
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


SENTENCE_CACHE = SentenceCache()


class Translator:
    """Translates sentences that already fit the model's window (see `models.segment`).

    `fixed_new_tokens` makes every translation exactly that many tokens long, whatever the model would say; the
    benchmark uses it so that every engine does the same work.
    """

    def __init__(self, seq2seq, *, batch_tokens: int = BATCH_TOKENS, first_batch_tokens: int = 400,
                 num_beams: int | None = None, cache: SentenceCache | None = SENTENCE_CACHE,
                 fixed_new_tokens: int | None = None) -> None:
        self.seq2seq = seq2seq
        self.batch_tokens = batch_tokens
        self.first_batch_tokens = min(first_batch_tokens, batch_tokens)
        self.num_beams = num_beams or seq2seq.defaults.num_beams
        self.cache = cache
        self.fixed_new_tokens = fixed_new_tokens

    @property
    def name(self) -> str:
        return self.seq2seq.name

    @property
    def window(self) -> int:
        return self.seq2seq.window

    @property
    def sentence_limit(self) -> int:
        """The most source tokens (end token included) of one sentence: `SENTENCE_TOKENS`, within the window."""
        return min(SENTENCE_TOKENS, self.window - 2)

    def count_tokens(self, text: str) -> int:
        return self.seq2seq.count_tokens(text)

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indices of `texts` grouped shortest first, each group within the token budget: its count times its
        longest source plus the tokens it may generate (`new_tokens`), so that a batch's memory is bounded
        however many short sentences an article has.

        When the texts need more than one group, the first is cut to `first_batch_tokens`, so the first
        translations show up early; texts that fit in one group are translated in one go, which is quicker.
        """
        lengths = [self.count_tokens(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: lengths[i])
        limits = [self.limit(length) for length in lengths]
        costs = [length + self.new_tokens(length) for length in lengths]
        groups = _groups(order, costs, limits, self.batch_tokens)
        if len(groups) > 1:
            first = _groups(order, costs, limits, self.first_batch_tokens)[0]
            groups = [first, *_groups(order[len(first):], costs, limits, self.batch_tokens)]
        return groups

    def new_tokens(self, length: int) -> int:
        """The most tokens the translation of a `length`-token sentence generates: `fixed_new_tokens`, else its
        `limit`."""
        return self.fixed_new_tokens or self.limit(length)

    def limit(self, length: int) -> int:
        """The most tokens the translation of a `length`-token sentence may take: twice its length and 16 more,
        rounded up to a power of two, within the window. It depends on the sentence alone and a batch holds
        sentences of one limit, so no sentence's limit changes with the sentences batched with it (the batch's
        padding still moves float results slightly: README, "Batches by output limit")."""
        return min(self.seq2seq.defaults.max_new_tokens, self.window, 1 << (2 * length + 15).bit_length())

    def stream(self, texts: Sequence[str]) -> Iterator[dict[int, str]]:
        """Yield `{index: translation}` one batch at a time (cached sentences first, at once); every index of
        `texts` appears exactly once."""
        for batch in self.stream_scored(texts):
            yield {index: scored.text for index, scored in batch.items()}

    def stream_scored(self, texts: Sequence[str]) -> Iterator[dict[int, Scored]]:
        """As `stream`, each translation with its confidence (from the beam search that wrote it)."""
        keys = [(self.name, self.seq2seq.engine, self.num_beams, self.fixed_new_tokens, text) for text in texts]
        cached = {}
        if self.cache is not None:
            cached = {i: hit for i, key in enumerate(keys) if (hit := self.cache.get(key)) is not None}
        if cached:
            yield cached
        missing = [i for i in range(len(texts)) if i not in cached]
        lengths = {i: self.count_tokens(texts[i]) for i in missing}
        for group in self.batches([texts[i] for i in missing]):
            pending = [missing[i] for i in group]
            while pending:
                indices = self._fitting(pending, lengths)
                pending = pending[len(indices):]
                longest = max(lengths[i] for i in indices)
                settings = self.settings(longest)
                with DECODE_BUDGET.hold(decode_cost(len(indices), longest, settings)):
                    outputs = self.seq2seq.generate_scored([texts[i] for i in indices], settings)
                batch = {index: Scored(output.strip() or UNTRANSLATED, score)
                         for index, (output, score) in zip(indices, outputs)}
                if self.cache is not None:
                    for index, translation in batch.items():
                        self.cache.put(keys[index], translation)
                yield batch

    def _fitting(self, indices: list[int], lengths: dict[int, int]) -> list[int]:
        """The first of a batch's `indices` (shortest first) whose engine call fits the room the shared decode budget
        has now, at least one: beside a summary call that holds most of the budget, the translation goes on in
        smaller calls instead of waiting for it (the summary is the longer path through a long article)."""
        room, count = DECODE_BUDGET.room(), 1
        while count < len(indices):
            longest = max(lengths[i] for i in indices[:count + 1])
            if decode_cost(count + 1, longest, self.settings(longest)) > room:
                break
            count += 1
        return indices[:count]

    def alternatives(self, text: str, count: int = ALTERNATIVES, *, besides: str = "") -> list[Scored]:
        """Up to `count` distinct translations of one sentence, best first: the n-best list of one beam search of
        `2 × count` beams (at least the translator's own), without duplicates, without variants that differ only in
        case, and without `besides` (the translation shown now). Never cached: asked for one sentence at a time."""
        beams = max(self.num_beams, 2 * count)
        settings = replace(self.settings(self.count_tokens(text)), num_beams=beams)
        seen = {besides.strip().casefold()} if besides.strip() else set()
        found: list[Scored] = []
        for output, score in self.seq2seq.generate_nbest([text], settings, beams)[0]:
            if output.strip() and output.strip().casefold() not in seen and len(found) < count:
                seen.add(output.strip().casefold())
                found.append(Scored(output.strip(), score))
        return found

    def settings(self, longest: int) -> Generation:
        """Decoding settings for a batch whose longest source is `longest` tokens."""
        settings = replace(self.seq2seq.defaults, num_beams=self.num_beams)
        if self.fixed_new_tokens:
            fixed = self.fixed_new_tokens
            return replace(settings, min_new_tokens=fixed, max_new_tokens=fixed)
        return replace(settings, max_new_tokens=self.limit(longest))

    def translate(self, texts: Sequence[str]) -> list[str]:
        """All translations, in the order of `texts`."""
        found: dict[int, str] = {}
        for batch in self.stream(texts):
            found.update(batch)
        return [found[i] for i in range(len(texts))]


def _groups(order: list[int], costs: list[int], limits: list[int], budget: int) -> list[list[int]]:
    """Consecutive runs of `order` (shortest first) of one output limit whose padded size, the last (costliest)
    one's cost × count, stays within `budget`."""
    groups: list[list[int]] = []
    for index in order:
        if (not groups or costs[index] * (len(groups[-1]) + 1) > budget
                or limits[index] != limits[groups[-1][0]]):
            groups.append([index])
        else:
            groups[-1].append(index)
    return groups
