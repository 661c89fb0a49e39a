"""mT5's tokenizer on the sentencepiece library itself, for the CTranslate2 engine.

transformers' `T5Tokenizer` rebuilds mT5's 250,100-piece SentencePiece model in the `tokenizers` library, whose
structures take about 0.1 GB; the sentencepiece library reads the same `spiece.model` in about half that. Both
give the same ids and the same decoded text (tested on the seed, the hardening texts and a thousand treebank
sentences), with one difference: a literal `</s>`, `<pad>` or `<unk>` written in the article is read here as
the characters it is, where `T5Tokenizer` turns it into the special token (an end of input mid-article).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

MODEL_FILE = "spiece.model"


class SentencePieceTokenizer:
    """The slice of transformers' tokenizer interface that `CTranslate2Seq2Seq` uses: call (with the end-of-
    sequence token and truncation), pieces ↔ ids, decode without special tokens, the special tokens, size."""

    model_max_length = 10**30  # as transformers: no limit of its own, the model's positions decide

    def __init__(self, folder: Path) -> None:
        import sentencepiece

        self.model = sentencepiece.SentencePieceProcessor(model_file=str(Path(folder) / MODEL_FILE))
        self.eos_token_id, self.pad_token_id, self.unk_token_id = (self.model.eos_id(), self.model.pad_id(),
                                                                   self.model.unk_id())
        self.special_ids = {self.eos_token_id, self.pad_token_id, self.unk_token_id}
        self.all_special_tokens = [self.model.id_to_piece(i) for i in sorted(self.special_ids)]

    def __len__(self) -> int:
        return self.model.get_piece_size()

    def __call__(self, text: str | Sequence[str], add_special_tokens: bool = True, truncation: bool = False,
                 max_length: int | None = None) -> dict[str, list]:
        """`{"input_ids": ids}` for one text, or a list of id lists for several; the end-of-sequence token is
        appended and, with `truncation`, kept within `max_length` (the end token included)."""
        texts = [text] if isinstance(text, str) else list(text)
        rows = []
        for ids in self.model.encode(texts):
            if truncation and max_length:
                ids = ids[:max_length - add_special_tokens]
            rows.append(ids + [self.eos_token_id] * add_special_tokens)
        return {"input_ids": rows[0] if isinstance(text, str) else rows}

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.model.id_to_piece(int(i)) for i in ids]

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.model.piece_to_id(token) for token in tokens]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        kept = [int(i) for i in ids if not (skip_special_tokens and int(i) in self.special_ids)]
        return self.model.decode(kept)
