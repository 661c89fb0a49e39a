"""A character n-gram model of the languages written in Arabic script: naive Bayes over 1- to 4-grams of words.

Arabic, Persian, Urdu and Pashto share most of their letters, so a text without a letter that only one of them
uses is told apart by how its letters follow each other (`ي` against `ی` at a word's end, `ها ` against `ة `,
`ښ` in `ښه`). The profile (`profiles/ngrams.tsv`) is trained by `python -m eval.train_language` on word
frequencies of public corpora that the evaluation does not read; `profiles/README.md` names them and their
licences. It is loaded once, under a lock, and scoring is deterministic.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from arabic.text import IGNORABLE, ZWNJ

PROFILE = Path(__file__).with_name("profiles") / "ngrams.tsv"
ORDERS = (1, 2, 3, 4)
# A long article is read at even steps through at most this many words: enough to name its language, and
# scoring stays fast (the check runs on every article).
MAX_WORDS = 1500
# Letters of the Arabic script blocks (after NFKC, presentation forms are these letters).
_WORD = re.compile(
    "[\u0620-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08c9]+"
)


# A letter written three times or more in a row (`ههههه`, `يااااا`) is read twice: laughter and stretched words
# carry no language, and every language would score them alike.
_STRETCHED = re.compile(r"(.)\1{2,}")


def words_of(text: str) -> list[str]:
    """The words of `text` in Arabic script, marks and invisible controls removed, stretched letters shortened:
    what the model reads. A zero-width non-joiner parts words (`می‌شود` is `می` + `شود`), as Persian means it."""
    text = IGNORABLE.sub("", unicodedata.normalize("NFKC", text).replace(ZWNJ, " "))
    return _WORD.findall(_STRETCHED.sub(r"\1\1", text))


def ngrams(word: str) -> Iterable[str]:
    """The 1- to 4-grams of `word` with a space on each side, so first and last letters count as such."""
    padded = f" {word} "
    for n in ORDERS:
        start = 1 if n == 1 else 0
        for i in range(start, len(padded) - n + 1 - (n == 1)):
            yield padded[i:i + n]


@dataclass(frozen=True)
class Profile:
    """Log-probabilities of each n-gram in each language; an n-gram a language's profile lacks gets half the
    probability of that language's rarest kept n-gram of the same length."""

    languages: tuple[str, ...]
    table: dict[str, tuple[float, ...]]

    def scores(self, words: Sequence[str]) -> dict[str, float]:
        """Log-likelihood of `words` in each language (n-grams that no language knows are skipped)."""
        step = max(1, math.ceil(len(words) / MAX_WORDS))
        totals = [0.0] * len(self.languages)
        for word in words[::step]:
            for gram in ngrams(word):
                row = self.table.get(gram)
                if row is not None:
                    totals = [total + value for total, value in zip(totals, row)]
        return dict(zip(self.languages, totals))


def read_profile(path: Path) -> Profile:
    """Parse the profile: a header `ngram<TAB>lang…`, then one n-gram a line with its count per ten million
    n-grams of its length in each language (0 where that language's profile does not keep it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    languages = tuple(lines[0].split("\t")[1:])
    rows = [(gram, [int(count) for count in counts]) for gram, *counts in (line.split("\t") for line in lines[1:])]
    floors: dict[tuple[int, int], int] = {}
    for gram, counts in rows:
        for column, count in enumerate(counts):
            if count:
                floors[len(gram), column] = min(floors.get((len(gram), column), count), count)
    table = {}
    for gram, counts in rows:
        table[gram] = tuple(
            math.log((count or floors.get((len(gram), column), 1) / 2) / 1e7) for column, count in enumerate(counts)
        )
    return Profile(languages, table)


_lock = threading.Lock()
_profile: Profile | None = None


def profile() -> Profile:
    """The shipped profile, read once: sessions that start together all get the complete one."""
    global _profile
    with _lock:
        if _profile is None:
            _profile = read_profile(PROFILE)
        return _profile
