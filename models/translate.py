"""Arabic→English translation of sentences, in length-sorted batches under a token budget, streamed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .seq2seq import Generation

UNTRANSLATED = "[no translation produced]"


class Translator:
    """Translates sentences that already fit the model's window (see `models.segment`)."""

    def __init__(self, seq2seq, *, batch_tokens: int = 1200, num_beams: int = 4) -> None:
        self.seq2seq = seq2seq
        self.batch_tokens = batch_tokens
        self.num_beams = num_beams

    @property
    def name(self) -> str:
        return self.seq2seq.name

    @property
    def window(self) -> int:
        return self.seq2seq.window

    def count_tokens(self, text: str) -> int:
        return self.seq2seq.count_tokens(text)

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indices of `texts` grouped shortest first, each group's padded size within the token budget."""
        lengths = [self.count_tokens(text) for text in texts]
        groups: list[list[int]] = []
        for index in sorted(range(len(texts)), key=lambda i: lengths[i]):
            group = groups[-1] if groups else None
            if group is None or lengths[index] * (len(group) + 1) > self.batch_tokens:
                groups.append([index])
            else:
                group.append(index)
        return groups

    def stream(self, texts: Sequence[str]) -> Iterator[dict[int, str]]:
        """Yield `{index: translation}` one batch at a time; every index of `texts` appears exactly once."""
        for group in self.batches(texts):
            longest = max(self.count_tokens(texts[i]) for i in group)
            settings = Generation(num_beams=self.num_beams, max_new_tokens=min(self.window, longest * 2 + 16))
            outputs = self.seq2seq.generate([texts[i] for i in group], settings)
            yield {index: output.strip() or UNTRANSLATED for index, output in zip(group, outputs)}

    def translate(self, texts: Sequence[str]) -> list[str]:
        """All translations, in the order of `texts`."""
        found: dict[int, str] = {}
        for batch in self.stream(texts):
            found.update(batch)
        return [found[i] for i in range(len(texts))]
