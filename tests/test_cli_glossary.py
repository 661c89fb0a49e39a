"""`--glossary` on the command line: every term of the list that the article holds is written as listed in each
sentence that holds it, or flagged there; bad rows are warnings; an unreadable file is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from arabic.glossary_match import find_terms
from documents.glossary import read_glossary
from tests.test_cli import ROOT, SEED, run_cli

EXAMPLE = ROOT / "docs" / "glossary-example.csv"


def test_each_term_is_written_as_listed_or_flagged_in_every_sentence_that_holds_it(tiny_env: dict[str, str],
                                                                                   seed: str) -> None:
    result = run_cli("analyze", str(SEED), "--glossary", str(EXAMPLE), env=tiny_env)
    assert result.returncode in (0, 6), result.stderr.decode()[-2000:]
    analysis = json.loads(result.stdout)
    glossary, problems = read_glossary(EXAMPLE.name, EXAMPLE.read_bytes())
    assert not problems
    matches = find_terms(seed, [term.arabic for term in glossary.terms])
    assert matches, "the example glossary names people and places of the seed"
    arabic = [term.arabic for term in glossary.terms]
    flagged = {(c["index"], found.term) for c in analysis["checks"] if c["kind"] == "glossary"
               for found in find_terms(c["text"], arabic)}
    for match in matches:
        english = glossary.terms[match.term].english
        holders = [i for i, s in enumerate(analysis["sentences"]) if s["start"] < match.end and match.start < s["end"]]
        for index in holders:
            written = english.casefold() in analysis["sentences"][index]["translation"].casefold()
            assert written or (index, match.term) in flagged, (index, english)
    applied = {term["english"] for term in analysis["glossary"]}
    assert applied <= {term.english for term in glossary.terms}


def test_bad_rows_are_warnings_and_an_unreadable_glossary_exits_2(tiny_env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "desk.csv"
    bad.write_text("تركيا,Türkiye\nمصر\n", encoding="utf-8")
    result = run_cli("analyze", str(SEED), "--glossary", str(bad), env=tiny_env)
    assert result.returncode in (0, 6)
    assert "glossary desk.csv line 2:" in result.stderr.decode()
    missing = run_cli("analyze", str(SEED), "--glossary", str(tmp_path / "none.csv"), env=tiny_env)
    assert missing.returncode == 2
    lines = missing.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "Cannot read the glossary" in lines[0]


def test_check_finds_the_glossary_findings_of_an_edited_translation_again(tiny_env: dict[str, str],
                                                                           tmp_path: Path) -> None:
    glossary = tmp_path / "desk.csv"
    glossary.write_text("كازاخستان,Qazaqstan\n", encoding="utf-8")
    result = run_cli("analyze", str(SEED), "--glossary", str(glossary), env=tiny_env)
    analysis = json.loads(result.stdout)
    holder = next(i for i, s in enumerate(analysis["sentences"]) if "كازاخستان" in s["text"])
    analysis["sentences"][holder]["translation"] = "Talks on Kazakhstan went on."
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(analysis, ensure_ascii=False), encoding="utf-8")
    checked = json.loads(run_cli("check", str(edited), "--glossary", str(glossary), env=tiny_env).stdout)
    assert (holder, "glossary") in {(c["index"], c["kind"]) for c in checked["checks"]}
    analysis["sentences"][holder]["translation"] = "Talks on Qazaqstan went on."
    edited.write_text(json.dumps(analysis, ensure_ascii=False), encoding="utf-8")
    checked = json.loads(run_cli("check", str(edited), "--glossary", str(glossary), env=tiny_env).stdout)
    assert (holder, "glossary") not in {(c["index"], c["kind"]) for c in checked["checks"]}
