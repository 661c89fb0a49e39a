"""`cli.py analyze --alternatives N` and the confidence of each sentence, on the tiny models (issue 23)."""

from __future__ import annotations

import json

from tests.test_cli import SEED, run_cli


def test_alternatives_are_added_to_each_sentence_only_when_asked(tiny_env: dict[str, str]) -> None:
    result = run_cli("analyze", str(SEED), "--format", "json", "--alternatives", "2", env=tiny_env)
    assert result.returncode == 0, result.stderr.decode()
    sentences = json.loads(result.stdout)["sentences"]
    for sentence in sentences:
        assert isinstance(sentence["confidence"], float) and sentence["confidence"] <= 0
        texts = [alternative["text"].casefold() for alternative in sentence["alternatives"]]
        assert len(texts) <= 2 and len(set(texts)) == len(texts)
        assert sentence["translation"].casefold() not in texts
        assert all(alternative["confidence"] <= 0 for alternative in sentence["alternatives"])
    assert any(sentence["alternatives"] for sentence in sentences)


def test_a_bad_count_of_alternatives_is_one_line_and_exit_2(tiny_env: dict[str, str]) -> None:
    result = run_cli("analyze", str(SEED), "--alternatives", "0", env=tiny_env)
    assert result.returncode == 2 and b"--alternatives" in result.stderr
