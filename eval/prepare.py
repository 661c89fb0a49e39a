"""Rebuild the committed evaluation extracts in `eval/data/` from the public corpora they come from.

`python -m eval.prepare UPSTREAM` reads the upstream files laid out as `UPSTREAM/<corpus>/<path in its
repository>` (the corpora, commits and licences are listed in `eval/data/README.md`) and writes one text per
line. Only corpora whose licence allows redistribution are extracted; the others are read in place by
`python -m eval.arabic --external UPSTREAM`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = 1000

# extract name -> (corpus folder, path inside it, how its texts are read)
EXTRACTS = {
    "ar_pud.txt": ("UD_Arabic-PUD", "ar_pud-ud-test.conllu", "conllu"),
    "ps_sikaram.txt": ("UD_Pashto-Sikaram", "ps_sikaram-ud-test.conllu", "conllu"),
    "ps_sikaram_prose.txt": ("UD_Pashto-Sikaram", "not-to-release/data/pnt_plain_text.txt", "lines"),
    "fa_seraji.txt": ("UD_Persian-Seraji", "fa_seraji-ud-test.conllu", "conllu"),
    "ckb_kurdishlid.txt": ("KurdishLID", "datasets/CentralKurdish-arab_train.txt", "lines"),
    "ar_persoarabiclid.txt": ("PersoArabicLID", "corpora/Arabic_arb.txt", "lines"),
    "fa_persoarabiclid.txt": ("PersoArabicLID", "corpora/Persian_fas.txt", "lines"),
    "ur_persoarabiclid.txt": ("PersoArabicLID", "corpora/Urdu_urd.txt", "lines"),
}


def conllu_texts(path: Path) -> Iterator[str]:
    """The `# text =` line of every sentence of a CoNLL-U file, in order."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            yield line[len("# text = "):].strip()


def plain_texts(path: Path) -> Iterator[str]:
    """Every non-blank line of a text file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            yield " ".join(line.split())


def evenly(texts: list[str], size: int = SAMPLE) -> list[str]:
    """At most `size` texts taken at even steps through the file (all of them when there are fewer)."""
    step = max(1, len(texts) // size)
    return texts[::step][:size]


def main(upstream: Path) -> None:
    DATA.mkdir(exist_ok=True)
    for name, (corpus, inner, kind) in EXTRACTS.items():
        source = upstream / corpus / inner
        texts = list(conllu_texts(source) if kind == "conllu" else plain_texts(source))
        chosen = texts if kind == "conllu" else evenly(texts)
        (DATA / name).write_text("\n".join(chosen) + "\n", encoding="utf-8")
        print(f"{name}: {len(chosen)} texts from {corpus}/{inner}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m eval.prepare UPSTREAM_FOLDER")
    main(Path(sys.argv[1]))
