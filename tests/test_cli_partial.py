"""`cli.py analyze` on a partial analysis: the result is printed, each problem is one line on stderr, exit code 6.
In process, with the tiny summarizer under a stand-in that writes nothing (the CLI is under test, not the model)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import cli
from analysis.pipeline import NOTHING_WRITTEN, load_models
from core.settings import Settings
from models.summarize import Summarizer
from tests.stand_ins import EngineStandIn

SEED = Path(__file__).resolve().parent / "data" / "seed.txt"


@pytest.fixture
def blank_summarizer(tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    models = load_models(Settings.from_env(tiny_env))
    blank = replace(models, summarizer=Summarizer(EngineStandIn(models.summarizer.seq2seq, output="")))
    monkeypatch.setattr(cli, "load_models", lambda settings, strict: blank)


def test_a_partial_analysis_is_printed_and_exits_6(blank_summarizer: None, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["analyze", str(SEED)]) == cli.PARTIAL == 6
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["problems"] == [f"Summary: {NOTHING_WRITTEN}"]
    assert result["summary"]["ar"] == "" and all(sentence["translation"] for sentence in result["sentences"])
    assert err.splitlines() == [f"partial: Summary: {NOTHING_WRITTEN}"]


def test_the_markdown_of_a_partial_analysis_says_what_is_missing(
    blank_summarizer: None, capsys: pytest.CaptureFixture
) -> None:
    assert cli.main(["analyze", str(SEED), "--format", "md"]) == 6
    markdown = capsys.readouterr().out
    assert "**Partial analysis**: summary missing or incomplete" in markdown
    assert "_No summary (see Notes)._" in markdown and "## Translation" in markdown


def test_an_unexpected_crash_is_one_line_not_a_traceback(
    tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)

    def crash(*args, **kwargs):
        raise RuntimeError("segmenter exploded")

    monkeypatch.setattr(cli, "analyze", crash)
    assert cli.main(["analyze", str(SEED)]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "RuntimeError: segmenter exploded" in err and "Traceback" not in err


def test_a_batch_writes_a_partial_articles_files_and_says_what_is_missing_in_the_index(
    blank_summarizer: None, tmp_path: Path, seed: str
) -> None:
    source, out = tmp_path / "articles", tmp_path / "out"
    source.mkdir()
    (source / "seed.txt").write_text(seed, encoding="utf-8")
    assert cli.main(["batch", str(source), "--out", str(out)]) == 0
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "1 of 1 files analysed." in index
    assert f"\n   - Partial: Summary: {NOTHING_WRITTEN}" in index
    assert json.loads((out / "seed.txt.json").read_text(encoding="utf-8"))["problems"] == [
        f"Summary: {NOTHING_WRITTEN}"]
    assert "**Partial analysis**" in (out / "seed.txt.md").read_text(encoding="utf-8")
