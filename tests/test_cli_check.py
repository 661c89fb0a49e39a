"""`cli.py check`: the checks of an edited analysis JSON recomputed without a model (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli
from analysis.checks import find_checks
from core.types import Summary
from documents.serialize import to_json
from tests.analysis.test_checks import ARTICLE, make_analysis


def written(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def analysis_json() -> dict:
    analysis = make_analysis(summary=Summary("مقتل 164 شخصا", "164 people killed", "single"))
    return to_json(analysis)


def test_an_edited_translation_gets_its_checks_recomputed(tmp_path: Path, analysis_json: dict, capsys) -> None:
    assert analysis_json["checks"] == []
    analysis_json["sentences"][1]["translation"] = ARTICLE[1][1].replace("2,200", "2,300")
    assert cli.main(["check", str(written(tmp_path, analysis_json))]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(check["kind"], check["text"]) for check in out["checks"]] == [("number_missing", "2200"),
                                                                          ("number_added", "2,300")]
    assert {key: value for key, value in out.items() if key != "checks"} == {
        key: value for key, value in analysis_json.items() if key != "checks"}


def test_with_the_article_the_offsets_index_it(tmp_path: Path, analysis_json: dict, capsys) -> None:
    analysis = make_analysis()
    article = tmp_path / "article.txt"
    article.write_text(analysis.text, encoding="utf-8")
    analysis_json["summary"]["en"] = "146 people killed"
    assert cli.main(["check", str(written(tmp_path, analysis_json)), "--article", str(article)]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert [check["where"] for check in checks] == ["summary_en", "summary_en"]


def test_an_emptied_translation_is_a_finding(tmp_path: Path, analysis_json: dict, capsys) -> None:
    analysis_json["sentences"][0]["translation"] = ""
    assert cli.main(["check", str(written(tmp_path, analysis_json))]) == 0
    (check,) = json.loads(capsys.readouterr().out)["checks"]
    assert (check["kind"], check["index"]) == ("translation_empty", 0)


@pytest.mark.parametrize("damage", ["no sentences", "offsets outside", "not json", "wrong article"])
def test_a_broken_json_gets_one_line_and_exit_2(tmp_path: Path, analysis_json: dict, damage: str, capsys) -> None:
    args = []
    if damage == "no sentences":
        del analysis_json["sentences"]
    elif damage == "offsets outside":
        analysis_json["sentences"][1]["start"] = -5
    elif damage == "wrong article":
        article = tmp_path / "article.txt"
        article.write_text("نص آخر", encoding="utf-8")
        args = ["--article", str(article)]
    path = written(tmp_path, analysis_json)
    if damage == "not json":
        path.write_text("{", encoding="utf-8")
    assert cli.main(["check", str(path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err


def test_the_command_matches_the_checks_of_the_analysis(tmp_path: Path, capsys) -> None:
    analysis = make_analysis([(ARTICLE[1][0], "The ministry announced 146 dead.")])
    assert cli.main(["check", str(written(tmp_path, to_json(analysis)))]) == 0
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert checks == to_json(analysis.__class__(**{**analysis.__dict__, "checks": find_checks(analysis)}))["checks"]
