"""Mentions from a token classifier over text of any length: transformers' token-classification pipeline
(`aggregation_strategy="first"` with `stride`) rebuilt on the tokenizer's lists and numpy.

The same steps as the pipeline: the text is cut into windows of `window` tokens that overlap by `stride`;
each word takes the label of its first piece; adjacent words of one type join (`B-` starts a new mention);
where windows overlap, the longer mention (then the surer one) is kept. Owning these steps lets the int8
engine run without torch in the process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# Token ids and token-type ids of windows → one array of label scores (tokens × labels) per window.
Logits = Callable[[list[list[int]], list[list[int]]], list[np.ndarray]]


@dataclass(frozen=True)
class Mention:
    """A labelled span of the text the classifier read: `label` without its `B-`/`I-` prefix."""

    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    label: str
    score: float


def find_mentions(tokenizer, texts: Sequence[str], logits: Logits, labels: dict[int, str], window: int,
                  stride: int, outside: str = "O") -> list[list[Mention]]:
    """The mentions in each text (offsets into it); `labels` maps the classifier's output index to its label."""
    encoded = [tokenizer(text, truncation=True, max_length=window, stride=stride, return_overflowing_tokens=True,
                         return_offsets_mapping=True, return_special_tokens_mask=True) for text in texts]
    rows = [ids for encoding in encoded for ids in encoding["input_ids"]]
    types = [row for encoding in encoded for row in encoding.get("token_type_ids") or
             [[0] * len(ids) for ids in encoding["input_ids"]]]
    scores = iter(_softmax(row) for row in logits(rows, types)) if rows else iter(())
    found = []
    for text, encoding in zip(texts, encoded):
        mentions = []
        for index, ids in enumerate(encoding["input_ids"]):
            words = _words(tokenizer, text, ids, encoding["offset_mapping"][index],
                           encoding["special_tokens_mask"][index], next(scores), labels)
            mentions += [mention for mention in _group(words) if mention.label != outside]
        found.append(_resolve_overlaps(mentions) if len(encoding["input_ids"]) > 1 else mentions)
    return found


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _words(tokenizer, text: str, ids: list[int], offsets: list[tuple[int, int]], special: list[int],
           scores: np.ndarray, labels: dict[int, str]) -> list[_Word]:
    """Each word of a window with the label and score of its first piece."""
    words: list[_Word] = []
    pieces = tokenizer.convert_ids_to_tokens(ids)
    word_aware = bool(getattr(getattr(getattr(tokenizer, "_tokenizer", None), "model", None),
                              "continuing_subword_prefix", None))
    for position, (piece, (start, end)) in enumerate(zip(pieces, offsets)):
        if special[position]:
            continue
        if ids[position] == tokenizer.unk_token_id:
            subword = False
        elif word_aware:
            subword = len(piece) != end - start  # a continuing piece carries its prefix (`##`)
        else:
            subword = start > 0 and " " not in text[start - 1:start + 1]
        if subword and words:
            words[-1] = _Word(words[-1].start, end, words[-1].label, words[-1].score)
        else:
            best = int(scores[position].argmax())
            words.append(_Word(start, end, labels[best], float(scores[position][best])))
    return words


def _tag(label: str) -> tuple[str, str]:
    """(`B` or `I`, type): a label without a prefix continues like `I-`."""
    if label.startswith(("B-", "I-")):
        return label[0], label[2:]
    return "I", label


def _group(words: list[_Word]) -> list[Mention]:
    """Adjacent words of one type become one mention (its score the mean of theirs); `B-` starts a new one."""
    mentions: list[Mention] = []
    run: list[_Word] = []
    for word in words:
        position, kind = _tag(word.label)
        if run and (kind != _tag(run[-1].label)[1] or position == "B"):
            mentions.append(_mention(run))
            run = []
        run.append(word)
    if run:
        mentions.append(_mention(run))
    return mentions


def _mention(run: list[_Word]) -> Mention:
    score = float(np.mean(np.array([word.score for word in run], dtype=np.float32)))
    return Mention(run[0].start, run[-1].end, run[0].label.split("-", 1)[-1], score)


def _resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Mentions found twice where windows overlap: of those starting inside another, keep the longer (then the
    surer) one."""
    if not mentions:
        return mentions
    ordered = sorted(mentions, key=lambda mention: mention.start)
    kept, previous = [], ordered[0]
    for mention in ordered:
        if previous.start <= mention.start < previous.end:
            length, previous_length = mention.end - mention.start, previous.end - previous.start
            if length > previous_length or (length == previous_length and mention.score > previous.score):
                previous = mention
        else:
            kept.append(previous)
            previous = mention
    kept.append(previous)
    return kept
