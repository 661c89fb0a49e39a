"""Score grouping, segmentation and the language check on public corpora; write the figures into EVALUATION.md.

`python -m eval.arabic [--external FOLDER] [--out EVALUATION.md]`. The committed extracts in `eval/data/` are
always read; ANERcorp, SaudiNewsNet and the QCRI dialect tweets are read from `--external` (laid out as
`eval/data/README.md` says) and their sections are skipped when absent. Only the public functions of `arabic`
are called (`group_entities`, `segment`, `detect_language`), so the same script scores any version of them.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

import arabic.text
from arabic.grouping import group_entities
from arabic.language import detect_language
from arabic.segment import segment
from core.types import Entity
from eval.report import Report

DATA = Path(__file__).resolve().parent / "data"
ARTICLE_WORDS = 400  # ANERcorp has no article breaks: pseudo-articles about the seed article's length
NO_LIMIT = 10**9
# Name lists (`arabic/names/<list>.txt`) scored alone and together, to show what each adds.
# The section `python -m eval.numbers` writes at the end of the file, kept when this script rewrites the rest.
NUMBERS_SECTION = "<!-- eval.numbers: begin -->"
ABLATION = ((), ("cldr",), ("cldr", "geonames"), ("cldr", "arabic_names"), ("cldr", "geonames", "arabic_names"))

# The evaluation's own folding and clitic list, kept apart from `arabic.text` so the gold does not borrow from
# the code it judges.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_FOLD = str.maketrans("أإآٱىةکی", "اااايهكي")
_GOLD_PREFIXES = sorted(
    {c + p for c in ("", "و", "ف") for p in ("", "ب", "ل", "ك")} - {""}, key=len, reverse=True
)


def fold(text: str) -> str:
    """Marks dropped, spelling variants unified, punctuation around each word removed."""
    words = (re.sub(r"^[^\w]+|[^\w]+$", "", word) for word in _MARKS.sub("", text).translate(_FOLD).split())
    return " ".join(word for word in words if word)


# --- grouping on ANERcorp -------------------------------------------------------------------------------------

def anercorp_articles(path: Path) -> Iterator[tuple[str, list[Entity]]]:
    """Pseudo-articles of about `ARTICLE_WORDS` words (cut after a full stop) with their gold mentions."""
    tokens: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) == 2 and parts[0]:
            tokens.append((parts[0], parts[1]))
            if parts[0] == "." and len(tokens) >= ARTICLE_WORDS:
                yield _article(tokens)
                tokens = []
    if tokens:
        yield _article(tokens)


def _article(tokens: list[tuple[str, str]]) -> tuple[str, list[Entity]]:
    text, mentions, offset, current = "", [], 0, None
    for word, tag in tokens:
        start = offset
        text += word + " "
        offset = len(text)
        kind = tag[2:] if tag[:2] in ("B-", "I-") else None
        if tag.startswith("I-") and current and current[2] == kind:
            current = (current[0], start + len(word), kind)
            continue
        if current:
            mentions.append(current)
        current = (start, start + len(word), kind) if kind else None
    if current:
        mentions.append(current)
    return text, [Entity(s, e, label, text[s:e], 1.0) for s, e, label in mentions]


def gold_names(articles: list[tuple[str, list[Entity]]], corrections: dict[str, str]) -> dict[str, str]:
    """Gold display name (folded) of every folded mention form, by corpus-wide attestation, then hand corrections.

    A mention is clitic + name when removing `و ف ب ل ك` (and `لل` → `ال`) leaves a form that the annotators
    marked as a whole mention somewhere in the corpus; otherwise it is the name as written. The oracle misses
    names seen only once with a clitic (`وليبيريا`) and strips real first letters (`بكين`); `corrections` (the
    adjudication file) fixes the forms read by hand.
    """
    forms = Counter(fold(m.text) for _, mentions in articles for m in mentions)
    gold = {}
    for form in forms:
        gold[form] = form
        for prefix in _GOLD_PREFIXES:
            stems = [form[len(prefix):]]
            if prefix.endswith("ل") and form.startswith(prefix + "ل"):
                stems.insert(0, "ا" + form[len(prefix):])  # لل + stem stands for ل + ال + stem
            found = [stem for stem in stems if form.startswith(prefix) and len(stem.split()[0]) >= 2
                     and forms.get(stem)]
            if found:
                gold[form] = found[0]
                break
    return gold | {form: name for form, name in corrections.items() if form in gold}


def corrections() -> dict[str, str]:
    rows = (line.split("\t") for line in lines("anercorp_adjudication.tsv") if not line.startswith("#"))
    return {fold(form): fold(name) for form, name in rows}


def score_grouping(articles: list[tuple[str, list[Entity]]]) -> dict[str, float | int]:
    gold = gold_names(articles, corrections())
    oracle = gold_names(articles, {})
    tally: Counter[str] = Counter()
    for text, mentions in articles:
        entities, groups = group_entities(text, mentions)
        by_span = {(e.start, e.end): e for e in entities}
        rows = []
        for mention in mentions:
            entity = by_span[(mention.start, mention.end)]
            shown, wanted, written = fold(groups[entity.group].canonical), gold[fold(mention.text)], fold(mention.text)
            rows.append((entity.group, wanted))
            tally["mentions"] += 1
            tally["correct"] += shown == wanted
            tally["correct_by_oracle_alone"] += shown == oracle[fold(mention.text)]
            tally["corrected_by_hand"] += wanted != oracle[fold(mention.text)]
            tally["lost"] += len(shown) < len(wanted) and wanted.endswith(shown)
            if wanted.startswith("ال"):
                tally["article"] += 1
                tally["article_kept"] += shown.startswith("ال")
            if wanted != written:
                bare_here = any(fold(other.text) == wanted for other in mentions)
                tally["clitic"] += 1
                tally["clitic_reduced"] += shown == wanted
                tally["clitic_bare_absent"] += not bare_here
                tally["clitic_bare_absent_reduced"] += not bare_here and shown == wanted
        for (group_a, gold_a), (group_b, gold_b) in combinations(rows, 2):
            tally["pairs_predicted"] += group_a == group_b
            tally["pairs_gold"] += gold_a == gold_b
            tally["pairs_both"] += group_a == group_b and gold_a == gold_b
    tally["articles"] = len(articles)
    return dict(tally)


def score_grouping_with(articles: list[tuple[str, list[Entity]]], lists: tuple[str, ...]) -> dict[str, float | int]:
    """`score_grouping` with only some of the shipped name lists (`arabic/names/<list>.txt`), to show what each
    adds; the evaluation swaps the folder the text module reads, then puts it back."""
    shipped = arabic.text._NAMES
    with tempfile.TemporaryDirectory() as folder:
        for name in lists:
            shutil.copy(shipped / f"{name}.txt", folder)
        arabic.text._NAMES = Path(folder)
        arabic.text.known_names.cache_clear()
        try:
            return score_grouping(articles)
        finally:
            arabic.text._NAMES = shipped
            arabic.text.known_names.cache_clear()


# --- segmentation ---------------------------------------------------------------------------------------------

def score_treebank(sentences: list[str], per_paragraph: int = 10) -> dict[str, int]:
    """Boundaries between treebank sentences joined `per_paragraph` to a line, found by `segment`."""
    tally: Counter[str] = Counter()
    for first in range(0, len(sentences), per_paragraph):
        chunk = sentences[first:first + per_paragraph]
        text, gold, ends_with_stop = "", set(), set()
        for sentence in chunk:
            text += sentence
            gold.add(len(text))
            if re.search(r"[.!?؟…][\"'»”)\]]*$", sentence):
                ends_with_stop.add(len(text))
            text += " "
        gold.discard(len(text) - 1)
        found = {s.end for s in segment(text, limit=NO_LIMIT)[0][:-1]}
        tally["gold"] += len(gold)
        tally["found"] += len(found)
        tally["both"] += len(gold & found)
        tally["gold_stop"] += len(gold & ends_with_stop)
        tally["both_stop"] += len(gold & ends_with_stop & found)
    return dict(tally)


# A full stop after a mark on the last letters, or after a year with its letter suffix, then a new sentence.
_MARKED_STOP = re.compile(r"(?:[\u064b-\u0652][\u0621-\u064a]?|\d(?:م|هـ))\.(?=\s+[\u0621-\u064a])")
_ACRONYM = re.compile(r"(?<![\w.])(?:[\u0621-\u064a]{1,3}\.)+[\u0621-\u064a]{1,3}(?![\w])")


def score_news(paragraphs: list[str]) -> dict[str, int]:
    """Stops after marks and year suffixes that end a sentence; dotted acronyms that stay whole."""
    tally: Counter[str] = Counter()
    for paragraph in paragraphs:
        sentences = segment(paragraph, limit=NO_LIMIT)[0]
        ends = {s.end for s in sentences}
        for match in _MARKED_STOP.finditer(paragraph):
            tally["marked_stops"] += 1
            tally["marked_stops_split"] += match.end() in ends
        for match in _ACRONYM.finditer(paragraph):
            tally["acronyms"] += 1
            tally["acronyms_split"] += any(match.start() < end < match.end() for end in ends)
        tally["paragraphs"] += 1
        tally["sentences"] += len(sentences)
    return dict(tally)


# --- language -------------------------------------------------------------------------------------------------

def score_language(texts: list[str], expected: str) -> dict[str, int]:
    tally: Counter[str] = Counter()
    for text in texts:
        if not any(char.isalpha() for char in text):
            continue
        code = detect_language(text).code
        tally["texts"] += 1
        tally["named"] += code == expected
        tally["accepted_as_arabic"] += code == "ar"
        tally[f"as_{code}"] += 1
    return dict(tally)


def lines(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def dialect_tweets(folder: Path) -> dict[str, list[str]]:
    """The QCRI dialect tweets rebuilt from their word column, per dialect."""
    tweets: dict[str, list[str]] = {}
    for path in sorted(folder.glob("seg_plus_pos_*.txt")):
        words: dict[str, list[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            fields = line.split("\t")
            if len(fields) >= 5 and fields[4] != "EOS":  # EOS marks a tweet's end in these files
                words.setdefault(f"{fields[0]}-{fields[1]}-{fields[2]}", []).append(fields[4])
        tweets[path.stem.rsplit("_", 1)[1]] = [" ".join(tweet) for tweet in words.values()]
    return tweets


def news_paragraphs(path: Path) -> list[str]:
    """The paragraphs of a day of SaudiNewsNet articles that are mostly Arabic script (not English credits,
    film lists or e-mail addresses)."""
    articles = json.loads(path.read_text(encoding="utf-8"))
    paragraphs = [" ".join(p.split()) for article in articles for p in article["content"].splitlines() if p.strip()]
    return [p for p in paragraphs if _arabic_script_share(p) > 0.5]


def _arabic_script_share(text: str) -> float:
    letters = [char for char in text if char.isalpha()]
    return sum("\u0600" <= char <= "\u06ff" for char in letters) / len(letters) if letters else 0.0


def _processor() -> str:
    """The CPU model and core count, as Linux reports them (else what `platform` knows)."""
    try:
        models = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")]
    except OSError:
        models = []
    return f"{models[0]}, {len(models)} cores" if models else platform.processor() or "unknown CPU"


def run(external: Path) -> Report:
    report = Report(datetime.now(UTC), platform.node(), platform.platform(), _processor())
    anercorp = external / "ANERcorp" / "ANERCorp"
    if anercorp.exists() and hasattr(arabic.text, "_NAMES"):
        articles = list(anercorp_articles(anercorp))
        report.grouping = score_grouping(articles)
        for lists in ABLATION:
            report.ablation["+".join(lists) or "no name list"] = score_grouping_with(articles, lists)
    elif anercorp.exists():
        report.grouping = score_grouping(list(anercorp_articles(anercorp)))
    report.treebank = score_treebank(lines("ar_pud.txt"))
    news = external / "SaudiNewsNet" / "2015-07-21.json"
    paragraphs = news_paragraphs(news) if news.exists() else []
    if paragraphs:
        report.news = score_news(paragraphs)
    sets = {
        ("Pashto: UD Pashto-Sikaram sentences", "ps"): lines("ps_sikaram.txt"),
        ("Pashto: Sikaram grammar-book lines", "ps"): lines("ps_sikaram_prose.txt"),
        ("Kurdish (Sorani)", "ckb"): lines("ckb_kurdishlid.txt"),
        ("Persian: UD Persian-Seraji sentences", "fa"): lines("fa_seraji.txt"),
        ("Persian: PersoArabicLID sentences", "fa"): lines("fa_persoarabiclid.txt"),
        ("Urdu", "ur"): lines("ur_persoarabiclid.txt"),
        ("Arabic: UD Arabic-PUD", "ar"): lines("ar_pud.txt"),
        ("Arabic: PersoArabicLID sentences", "ar"): lines("ar_persoarabiclid.txt"),
    }
    if paragraphs:
        sets[("Arabic: SaudiNewsNet paragraphs", "ar")] = paragraphs
    for dialect, tweets in dialect_tweets(external / "dialectal_arabic_resources").items():
        sets[(f"Arabic: {dialect.upper()} tweets", "ar")] = tweets
    report.language = {name: (code, score_language(texts, code)) for (name, code), texts in sets.items()}
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--external", type=Path, default=DATA / "external",
                        help="folder with ANERcorp, SaudiNewsNet and the QCRI dialect tweets (see eval/data/README.md)")
    parser.add_argument("--out", type=Path, default=Path("EVALUATION.md"))
    args = parser.parse_args(argv)
    report = run(args.external)
    kept = args.out.read_text(encoding="utf-8").partition(NUMBERS_SECTION)[1:] if args.out.exists() else ("", "")
    markdown = report.markdown(" ".join(["python -m eval.arabic", *(argv or sys.argv[1:])]))
    args.out.write_text(markdown + ("\n" + "".join(kept) if kept[0] else ""), encoding="utf-8")
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
