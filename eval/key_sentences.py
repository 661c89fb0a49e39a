"""Do key sentences pick what an article is about? A check on real Arabic news (SaudiNewsNet, 2015).

    python -m eval.key_sentences DAY.zip [--articles N]

DAY.zip is one day of github.com/inparallel/SaudiNewsNet (`dataset/2015-07-21.zip`: a JSON list of articles with
`title` and `content`). For each article of 8 to 60 sentences, three sentences are picked by LexRank
(`analysis.key_sentences`), by LEAD-3 (the first three) and by a seeded random draw; the score is the share of
the headline's words (diacritics removed, spellings folded, stop words left out) found in the three sentences.
The headline is written by the desk, not taken from the text, so it is a fair if rough stand-in for "what the
article is about". The time to rank the longest article is printed too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import zipfile

from analysis.key_sentences import key_sentences, language_tools
from arabic.segment import segment
from arabic.text import fold


def _words(text: str) -> set[str]:
    tokenizer, _, stop_words = language_tools()
    return {fold(word) for word in tokenizer.to_words(fold(text)) if word not in stop_words and len(word) > 1}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("zip")
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    with zipfile.ZipFile(args.zip) as archive:
        articles = json.loads(archive.read(archive.namelist()[0]))
    draw, scores, slowest = random.Random(0), {"lexrank": [], "lead3": [], "random3": []}, (0.0, 0)
    for article in articles:
        sentences, _ = segment(article["content"])
        headline = _words(article["title"])
        if not 8 <= len(sentences) <= 60 or not headline:
            continue
        started = time.perf_counter()
        picks = {"lexrank": key_sentences(sentences, 3)}
        slowest = max(slowest, (time.perf_counter() - started, len(article["content"])))
        picks["lead3"] = (0, 1, 2)
        picks["random3"] = tuple(sorted(draw.sample(range(len(sentences)), 3)))
        for name, chosen in picks.items():
            found = _words(" ".join(sentences[index].text for index in chosen))
            scores[name].append(len(headline & found) / len(headline))
        if len(scores["lexrank"]) >= args.articles:
            break
    for name, values in scores.items():
        print(f"{name}: headline words found {statistics.mean(values):.3f} over {len(values)} articles")
    print(f"slowest ranking: {slowest[0]:.2f} s for {slowest[1]:,} characters")


if __name__ == "__main__":
    main()
