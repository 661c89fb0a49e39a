"""Specifications for the shipped name lists (`arabic/names/`) and the filter that builds them (`eval.names`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arabic.text import fold
from eval.names import geonames_names, safe_names, unsafe

NAMES = Path(__file__).resolve().parents[2] / "arabic" / "names"
# Zipf frequencies of an imaginary language sample: what wordfreq would say, made up for these examples.
FREQUENCIES = {
    "كين": 4.2, "بكين": 4.3, "سوريا": 5.4, "وسوريا": 4.3, "لسوريا": 3.9, "آري": 3.0, "لاري": 3.9,
    "نور": 4.9, "النور": 4.6, "طنطا": 3.9, "وطنطا": 2.1, "الرباط": 4.2, "رباط": 3.8, "سان خوان": 3.5,
    "سان": 4.9, "لسان": 4.4, "يونغ": 3.1, "بيونغ": 3.4,
}


def zipf(word: str) -> float:
    return FREQUENCIES.get(word, 0.0)


@pytest.mark.parametrize(("name", "listed", "reason"), [
    ("كين", set(), "ب+كين is a word"),       # `بكين` is more frequent than `كين`: Keene would cut Beijing
    ("كين", {"بكين"}, ""),                   # ... unless Beijing is listed, which keeps `بكين` whole
    ("آري", set(), "ل+آري is a word"),       # `لاري` (Larry) once the hamza is folded away
    ("سوريا", set(), ""),                    # `وسوريا` and `لسوريا` are far rarer: clitic forms
    ("طنطا", set(), ""),
    ("لي", set(), "short"),
    ("سان خوان", set(), ""),                 # `لسان` is rarer than `سان`, and a longer name is matched whole
    ("يونغ هي", set(), "ب+يونغ is a word"),  # ... but a first word rarer than its clitic form is dropped
])
def test_a_name_that_a_clitic_letter_would_turn_into_another_word_is_unsafe(
    name: str, listed: set[str], reason: str
) -> None:
    assert unsafe(name, zipf, listed) == reason


def test_common_words_are_unsafe_only_as_places() -> None:
    assert unsafe("نور", zipf, set(), frozenset()) == "النور is as frequent: a common word"
    assert unsafe("نور", zipf, set()) == ""
    assert unsafe("الرباط", zipf, set(), frozenset()) == "رباط is as frequent: a common word"
    assert unsafe("طنطا", zipf, set(), frozenset({"طنطا"})) == "common word"


def test_safe_names_keep_one_spelling_per_folded_form() -> None:
    assert safe_names(["طنطا", "طنطا", "كين", "أريحا", "اريحا"], zipf, set()) == ["أريحا", "طنطا"]


def test_geonames_gives_arabic_letter_names_and_short_ones_only_of_large_cities() -> None:
    cities = {
        "1": {"population": 20_000, "alternatenames": ["Young", "يونج", "يانغ ستي", "سمرقندة"]},
        "2": {"population": 900_000, "alternatenames": ["عكا", "طهرانک", "بورت-سعيد", "تل  أبيب"]},
    }
    assert geonames_names(cities) == ["تل أبيب", "سمرقندة", "عكا", "يانغ ستي"]


def shipped() -> dict[str, list[str]]:
    return {
        path.name: [line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
        for path in sorted(NAMES.glob("*.txt"))
    }


def test_every_shipped_list_names_its_source_and_licence() -> None:
    for path in NAMES.glob("*.txt"):
        header = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
        assert re.search(r"[Ll]icen[cs]e", header) and "not drawn from any evaluation corpus" in header, path.name


def test_shipped_names_are_arabic_words_and_no_single_name_is_a_short_stem() -> None:
    for name, entries in shipped().items():
        for entry in entries:
            assert not re.search(r"[a-zA-Z0-9پچژگکیۀ]", entry), (name, entry)
            if " " not in entry:
                assert len(fold(entry).removeprefix("ال")) >= 3, (name, entry)
