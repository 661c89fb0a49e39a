"""Issue 23: `--summary key-sentences` on the command line, the export that says the summary quotes, and the kind
kept through `cli.py check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import SEED, run_cli


@pytest.fixture(scope="module")
def quoted(tiny_env: dict[str, str]) -> dict:
    result = run_cli("analyze", str(SEED), "--summary", "key-sentences", "--key-sentences", "4", env=tiny_env)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_key_sentences_on_the_command_line_quote_the_article(quoted: dict) -> None:
    summary, sentences = quoted["summary"], quoted["sentences"]
    assert summary["strategy"] == "key_sentences" and len(summary["sentences"]) == 4
    assert summary["sentences"] == sorted(summary["sentences"])
    assert summary["ar"] == " ".join(sentences[index]["text"].strip() for index in summary["sentences"])
    assert summary["en"] == " ".join(sentences[index]["translation"].strip() for index in summary["sentences"])


def test_the_markdown_export_says_the_summary_quotes_and_lists_the_sentences(tiny_env: dict[str, str]) -> None:
    result = run_cli("analyze", str(SEED), "--summary", "key-sentences", "--format", "md", env=tiny_env)
    markdown = result.stdout.decode()
    section = markdown.split("## Summary")[1].split("## Entities")[0]
    assert result.returncode == 0 and "Key sentences (quoted verbatim" in section
    assert "Abstractive summary" not in section and section.count("- **Sentence ") == 3


def test_the_kind_survives_an_export_and_check(quoted: dict, tmp_path: Path) -> None:
    exported = tmp_path / "analysis.json"
    exported.write_text(json.dumps(quoted, ensure_ascii=False), encoding="utf-8")
    result = run_cli("check", str(exported))
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["summary"] == quoted["summary"]


def test_a_summarizer_switched_off_gives_key_sentences_and_a_full_result(tiny_env: dict[str, str]) -> None:
    result = run_cli("analyze", str(SEED), env=tiny_env | {"KHULASA_SUMMARIZER": "none"})
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr.decode()
    summary = json.loads(result.stdout)["summary"]
    assert summary["strategy"] == "key_sentences" and "KHULASA_SUMMARIZER=none" in summary["detail"]


def test_a_count_that_is_not_a_positive_number_is_refused(tiny_env: dict[str, str]) -> None:
    result = run_cli("analyze", str(SEED), "--summary", "key-sentences", "--key-sentences", "0", env=tiny_env)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
