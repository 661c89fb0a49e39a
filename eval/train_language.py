"""Train the character n-gram profile of the language check (`arabic/profiles/ngrams.tsv`) from word frequencies.

`python -m eval.train_language --wordfreq DIR --pashto FILE [FILE ...]` reads the wordfreq lists of Arabic,
Persian and Urdu (`DIR/{large,small}_{ar,fa,ur}.msgpack.gz`, the data folder of the `wordfreq` package) and Leipzig
Corpora Collection files of Pashto (sentences `id<TAB>sentence`, of which every tenth is held out, or word lists
`id<TAB>word<TAB>count`). None of these is a corpus that `python -m eval.arabic` scores; `arabic/profiles/
README.md` names the sources and licences. Each language keeps its most frequent n-grams of each length.
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import msgpack

from arabic.ngrams import ORDERS, PROFILE, ngrams, words_of

WORDFREQ = ("ar", "fa", "ur")
HELD_OUT_EVERY = 10  # Leipzig sentences whose id is a multiple of this are left for checking, not training
KEEP = {1: 200, 2: 3000, 3: 5000, 4: 5000}  # n-grams kept per language and length
SCALE = 10**7  # counts are written per ten million n-grams of their length


def wordfreq_words(path: Path) -> dict[str, float]:
    """A wordfreq list (`cB` format: words grouped by frequency in centibels) as word -> frequency."""
    with gzip.open(path) as stream:
        header, *bins = msgpack.load(stream, raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"{path}: not a wordfreq cB list")
    return {word: 10 ** (-position / 100) for position, words in enumerate(bins) for word in words}


def wordfreq_list(folder: Path, code: str) -> Path:
    """The larger of wordfreq's lists for `code` (Arabic has one of 3 million words, Persian and Urdu do not)."""
    large = folder / f"large_{code}.msgpack.gz"
    return large if large.exists() else folder / f"small_{code}.msgpack.gz"


def leipzig_words(path: Path) -> Counter[str]:
    """Word counts of a Leipzig file: a word list (`id, word, count`) or the training share of its sentences."""
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and fields[2].isdigit():
            for word in words_of(fields[1]):
                counts[word] += int(fields[2])
        elif len(fields) == 2 and fields[0].isdigit() and int(fields[0]) % HELD_OUT_EVERY:
            counts.update(words_of(fields[1]))
    return counts


def ngram_shares(sources: Iterable[dict[str, float]]) -> dict[int, Counter[str]]:
    """Share of each n-gram among the n-grams of its length, word frequencies as weights, each source weighing
    the same."""
    shares: dict[int, Counter[str]] = defaultdict(Counter)
    sources = list(sources)
    for source in sources:
        total = sum(source.values())
        for entry, frequency in source.items():
            for word in words_of(entry):
                for gram in ngrams(word):
                    shares[len(gram)][gram] += frequency / total / len(sources)
    for counter in shares.values():
        whole = sum(counter.values())
        for gram in counter:
            counter[gram] /= whole
    return shares


def profile_rows(shares: dict[str, dict[int, Counter[str]]]) -> list[str]:
    """The TSV lines of the profile: header, then every kept n-gram with its count in each language."""
    languages = list(shares)
    kept: dict[str, dict[str, int]] = defaultdict(dict)
    for language, by_order in shares.items():
        for order in ORDERS:
            top = heapq.nlargest(KEEP[order], by_order[order].items(), key=lambda item: (item[1], item[0]))
            for gram, share in top:
                if round(share * SCALE):
                    kept[gram][language] = round(share * SCALE)
    rows = ["\t".join(["ngram", *languages])]
    for gram in sorted(kept, key=lambda gram: (len(gram), gram)):
        rows.append("\t".join([gram, *(str(kept[gram].get(language, 0)) for language in languages)]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordfreq", type=Path, required=True, help="the wordfreq package's data folder")
    parser.add_argument("--pashto", type=Path, nargs="+", required=True, help="Leipzig Pashto sentences or words")
    parser.add_argument("--out", type=Path, default=PROFILE)
    args = parser.parse_args(argv)
    shares = {code: ngram_shares([wordfreq_words(wordfreq_list(args.wordfreq, code))]) for code in WORDFREQ}
    shares["ps"] = ngram_shares([leipzig_words(path) for path in args.pashto])
    rows = profile_rows(shares)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows) - 1} n-grams, {args.out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
