"""Key sentences: the article's most central sentences, quoted verbatim and kept in article order.

The ranking is sumy's LexRank (Erkan & Radev 2004) with sumy's Arabic language support: its word tokeniser (through
pyarabic), NLTK's Snowball Arabic stemmer and its Arabic stop-word list. Every sentence is a node; two sentences
are linked when the idf-modified cosine of their stemmed words is above 0.1; a sentence's score is its stationary
probability on that graph (sumy's power method). Three choices of our own:

- sumy is given *our* sentences (`arabic.segment`), not its own split, which cuts news copy at commas and quotes:
  so each key sentence is a whole sentence of the article, and its English is that sentence's translation;
- diacritics, tatweel and invisible marks are removed before ranking (sumy's word pattern drops a word carrying
  harakat, so `عُمان` would otherwise not count);
- the similarity graph is built from each word's list of sentences with numpy instead of sumy's loop over every
  pair of sentences (the same numbers: 22 s for a 100,000-character article there, well under a second here;
  `tests/analysis/test_key_sentences.py` checks that both pick the same sentences).

How many: `count` when the user chose one, else 3, or a fifth of a long article (over 15 sentences), never more
than the article holds. Sentences with no letter or digit (separator lines) are never chosen.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cache
from math import log

import numpy
from sumy.nlp.stemmers import Stemmer
from sumy.nlp.tokenizers import Tokenizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.utils import get_stop_words

from arabic.text import has_words, strip_marks
from core.types import Sentence

DEFAULT_COUNT = 3
LONG_SHARE = 5  # a long article keeps about one sentence in five
METHOD = "LexRank (sumy)"


def key_sentence_count(sentences: int, chosen: int | None = None) -> int:
    """How many key sentences an article of `sentences` sentences gets: `chosen` when given, else 3 or about a
    fifth of a long article (`key_sentence_count(40) == 8`); never more than it has."""
    wanted = chosen if chosen else max(DEFAULT_COUNT, round(sentences / LONG_SHARE))
    return max(0, min(wanted, sentences))


def key_sentences(sentences: Sequence[Sentence], count: int | None = None) -> tuple[int, ...]:
    """The indices of the article's key sentences, in article order (see the module docstring for `count`)."""
    candidates = [index for index, sentence in enumerate(sentences) if has_words(sentence.text)]
    wanted = key_sentence_count(len(candidates), count)
    if wanted >= len(candidates):
        return tuple(candidates)
    scores = centrality([sentences[index].text for index in candidates])
    # Highest score first; equal scores keep article order (as sumy's own stable sort does).
    best = sorted(range(len(candidates)), key=lambda position: -scores[position])[:wanted]
    return tuple(candidates[position] for position in sorted(best))


def centrality(texts: Sequence[str]) -> numpy.ndarray:
    """LexRank's score of each text among `texts`, with sumy's Arabic words, stems, stop words and power method."""
    bags = [Counter(_terms(text)) for text in texts]
    graph = _graph(bags, LexRankSummarizer.threshold)
    return LexRankSummarizer.power_method(graph, LexRankSummarizer.epsilon)


@cache
def language_tools() -> tuple[Tokenizer, Stemmer, frozenset[str]]:
    """sumy's Arabic word tokeniser, stemmer and stop words (lower-cased, as sumy compares them), made once."""
    return Tokenizer("arabic"), Stemmer("arabic"), frozenset(word.lower() for word in get_stop_words("arabic"))


def _terms(text: str) -> list[str]:
    """The stems LexRank compares, as sumy's `_to_words_set` makes them, from the text without diacritics."""
    tokenizer, stemmer, stop_words = language_tools()
    words = (word.lower() for word in tokenizer.to_words(strip_marks(text)[0]))
    return [stemmer(word) for word in words if word not in stop_words]


def _graph(bags: Sequence[Counter[str]], threshold: float) -> numpy.ndarray:
    """LexRank's row-normalised link matrix: sentences i and j are linked when the idf-modified cosine of their
    term frequencies (each divided by the sentence's highest) is above `threshold`; a sentence always links to
    itself unless it has no weighted term. Same formulas as sumy's `_create_matrix`, summed word by word."""
    size = len(bags)
    frequency = Counter(term for bag in bags for term in bag)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for row, bag in enumerate(bags):
        highest = max(bag.values(), default=1)
        for term, count in bag.items():
            postings[term].append((row, count / highest * log(size / (1 + frequency[term]))))
    dot = numpy.zeros((size, size))
    for entries in postings.values():
        rows = numpy.array([row for row, _ in entries])
        weights = numpy.array([weight for _, weight in entries])
        dot[numpy.ix_(rows, rows)] += numpy.outer(weights, weights)
    norms = numpy.sqrt(numpy.diag(dot))
    scale = numpy.outer(norms, norms)
    cosine = numpy.divide(dot, scale, out=numpy.zeros_like(dot), where=scale > 0)
    links = (cosine > threshold).astype(float)
    degrees = links.sum(axis=1)
    degrees[degrees == 0] = 1
    return links / degrees[:, None]


def quoted_english(sentences: Sequence[Sentence], chosen: Sequence[int]) -> str:
    """The English of a key-sentence summary: the chosen sentences' translations, joined (no model call)."""
    return " ".join(sentences[index].translation.strip() for index in chosen if sentences[index].translation.strip())
