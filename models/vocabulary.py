"""Output vocabularies cut to the script a model writes: Arabic for the summary, Latin for the English translation.

Decoding on a CPU is bound by reading weights, and the output layer is most of what each step reads (mT5's
250,112 rows, Marian's 62,834). A summary of an Arabic article is written in Arabic script and an English
translation in Latin script, so each keeps only the special tokens, the pieces of its own script, digits,
punctuation, symbols and whitespace — plus every piece of the text it reads, so that a name or a figure in
another script can still be copied. CTranslate2 applies the cut as a vocabulary map (`vmap.txt`): a fixed set
of candidates, and a rule per remaining piece that allows it when that piece is in the source.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

SCRIPTS = ("arabic", "latin")
MAP_FILE = "vmap.txt"
MAP_SCRIPT_FILE = "vmap-script.txt"


@lru_cache(maxsize=4096)
def _char_script(char: str) -> str:
    """"neutral" for digits, punctuation, symbols and spaces; else the letter's script, "arabic", "latin" or
    "other"."""
    if unicodedata.category(char)[0] in "NPSZ" or char == "▁":
        return "neutral"
    name = unicodedata.name(char, "")
    if name.startswith("ARABIC"):
        return "arabic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def piece_script(piece: str) -> str:
    """The script of a vocabulary piece: "arabic" or "latin" when all its letters are of that script, "neutral"
    when it has no letters (digits, punctuation, `▁`), "other" for any other script or a mix."""
    scripts = {_char_script(char) for char in piece} - {"neutral"}
    if not scripts:
        return "neutral"
    return scripts.pop() if len(scripts) == 1 else "other"


def kept_pieces(vocabulary: Iterable[str], script: str, specials: Iterable[str] = ()) -> list[str]:
    """The pieces an output in `script` may always write: the special tokens, `script`'s pieces and the neutral
    ones, in vocabulary order."""
    if script not in SCRIPTS:
        raise ValueError(f"script must be one of {SCRIPTS}, not {script!r}")
    specials = set(specials)
    return [piece for piece in vocabulary if piece in specials or piece_script(piece) in (script, "neutral")]


def candidates(vocabulary: list[str], script: str, sources: Iterable[Iterable[str]],
               specials: Iterable[str] = ()) -> set[str]:
    """Every piece the restricted output may write for these tokenised sources: the kept pieces and the
    sources' own pieces (what CTranslate2 computes from the map for a batch)."""
    pieces = {piece for source in sources for piece in source}
    return set(kept_pieces(vocabulary, script, specials)) | (pieces & set(vocabulary))


def target_vocabulary(folder: Path) -> list[str]:
    """The output vocabulary of a converted CTranslate2 model, in id order."""
    for name in ("target_vocabulary", "shared_vocabulary", "vocabulary"):
        if (folder / f"{name}.json").exists():
            return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if (folder / f"{name}.txt").exists():
            return (folder / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    raise FileNotFoundError(f"no vocabulary file in {folder}")


def write_map(folder: Path, script: str, specials: Iterable[str] = ()) -> int:
    """Write the vocabulary map for `script` into a converted model's folder, unless it is already there (a
    marker file records the script and the count); return how many pieces it keeps for every input.
    CTranslate2 reads the map when it loads the model."""
    marker = folder / MAP_SCRIPT_FILE
    recorded = marker.read_text().split() if marker.exists() else []
    if (folder / MAP_FILE).exists() and len(recorded) == 2 and recorded[0] == script:
        return int(recorded[1])
    vocabulary = target_vocabulary(folder)
    kept = kept_pieces(vocabulary, script, specials)
    allowed = set(kept)
    lines = ["\t" + " ".join(piece for piece in kept if _mappable(piece))]
    lines += [f"{piece}\t{piece}" for piece in vocabulary if piece not in allowed and _mappable(piece)]
    partial = folder / f"{MAP_FILE}.partial-{os.getpid()}"
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    partial.replace(folder / MAP_FILE)
    marker.write_text(f"{script} {len(kept)}")
    return len(kept)


def _mappable(piece: str) -> bool:
    """A piece the map's line format can hold (tabs and spaces separate its fields)."""
    return bool(piece) and not any(char in piece for char in "\t \n\r")
