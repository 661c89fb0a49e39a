"""mT5's tokenizer on the sentencepiece library gives transformers' `T5Tokenizer` ids and text."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers.models.t5.tokenization_t5 import T5Tokenizer

from models.ct2 import engine_tokenizer
from models.sentencepiece_tokenizer import SentencePieceTokenizer
from tests.test_hardening import ODD_TEXTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenizers(tiny_model_dirs: dict[str, Path]) -> tuple[SentencePieceTokenizer, T5Tokenizer]:
    folder = tiny_model_dirs["summarizer"]
    return SentencePieceTokenizer(folder), T5Tokenizer.from_pretrained(str(folder))


def _texts(seed: str) -> list[str]:
    treebank = (ROOT / "eval" / "data" / "ar_pud.txt").read_text(encoding="utf-8").splitlines()
    odd = ["  spaces  around  and  inside  ", "tab\tand\nnewline", "Reuters (AFP) 2022-01-05 ١٩٩١ ٪ 😀",
           "ﻻ ﷺ ﴿ ﴾ ـــ", "\u200f\u200eمرحبا\u200d", "é É ß ﬁ ＡＢＣ", ""]
    return [*seed.splitlines(), seed, *ODD_TEXTS.values(), *odd, *treebank]


def test_ids_pieces_and_decoded_text_are_t5_tokenizers(tokenizers, seed: str) -> None:
    ours, theirs = tokenizers
    texts = _texts(seed)
    assert len(texts) > 1000
    assert ours(texts)["input_ids"] == theirs(texts)["input_ids"]
    assert ours(texts, truncation=True, max_length=12)["input_ids"] == \
        theirs(texts, truncation=True, max_length=12)["input_ids"]
    for text in [*texts[:40], *texts[-1040:-1000]]:
        ids = theirs(text)["input_ids"]
        assert ours(text, add_special_tokens=True)["input_ids"] == ids
        assert ours.convert_ids_to_tokens(ids) == theirs.convert_ids_to_tokens(ids)
        assert ours.convert_tokens_to_ids(ours.convert_ids_to_tokens(ids)) == ids
        # the same words; spaces are normalised after decoding (`Seq2Seq.decode`)
        assert ours.decode(ids).split() == theirs.decode(ids, skip_special_tokens=True).split()
    assert len(ours) == len(theirs)
    assert sorted(ours.all_special_tokens) == sorted(theirs.all_special_tokens)


def test_a_literal_end_token_in_the_article_is_read_as_text(tokenizers) -> None:
    ours, theirs = tokenizers
    text = "قال <s>الوزير</s> إن"
    assert ours(text)["input_ids"].count(ours.eos_token_id) == 1  # only the one appended
    assert theirs(text)["input_ids"].count(theirs.eos_token_id) == 2  # transformers ends the input mid-text


def test_the_engine_reads_mt5_with_sentencepiece_and_the_others_with_transformers(
        tiny_model_dirs: dict[str, Path]) -> None:
    assert isinstance(engine_tokenizer(tiny_model_dirs["summarizer"]), SentencePieceTokenizer)
    assert type(engine_tokenizer(tiny_model_dirs["translator"])).__name__ == "MarianTokenizer"
