"""End-to-end CLI tests: the JSON contract's invariants on the sample and every exit code."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

import cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seed.txt"


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None,
            cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], input=stdin, capture_output=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def seed_json(tiny_env: dict[str, str]) -> dict:
    result = run_cli("analyze", str(SEED), "--format", "json", env=tiny_env)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def test_json_has_every_documented_key(seed_json: dict) -> None:
    assert set(seed_json) >= {"language", "paragraphs", "sentences", "summary", "entities", "groups", "models",
                              "timings_ms", "problems", "checks"}
    assert seed_json["language"]["code"] == "ar" and 0 < seed_json["language"]["probability"] <= 1
    assert set(seed_json["summary"]) == {"ar", "en", "strategy", "detail", "sentences", "ar_edited", "en_edited",
                                         "ar_machine", "en_machine"}
    assert all(set(sentence) == {"start", "end", "text", "translation", "confidence", "edited", "chosen", "machine"}
               for sentence in seed_json["sentences"])
    assert seed_json["summary"]["strategy"] in {"single", "sections"} and seed_json["summary"]["sentences"] == []
    assert set(seed_json["timings_ms"]) == {"load", "ner", "translate", "summarize", "check", "total"}
    assert set(seed_json["models"]) == {"translator", "summarizer", "ner", "engine", "translation"}


def test_each_check_names_its_place_and_slices_the_text_that_holds_it(seed_json: dict) -> None:
    text, summary = SEED.read_text(encoding="utf-8"), seed_json["summary"]
    for check in seed_json["checks"]:
        assert set(check) == {"kind", "where", "index", "start", "end", "text", "detail", "checked"}
        assert check["where"] in {"sentence", "summary", "summary_en"} and check["checked"] is False
        if check["where"] == "sentence":
            sentence = seed_json["sentences"][check["index"]]
            holder = text if check["kind"] == "number_missing" else sentence["translation"]
        else:
            assert check["index"] == -1
            english = (check["where"], check["kind"]) == ("summary_en", "number_added")
            holder = summary["en"] if english else summary["ar"]
        assert holder[check["start"]:check["end"]] == check["text"] and check["detail"]


def test_sentences_slice_the_input_in_order_and_cover_every_character(seed_json: dict, seed: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    cursor = 0
    for sentence in seed_json["sentences"]:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
        assert sentence["start"] >= cursor and not text[cursor:sentence["start"]].strip()
        cursor = sentence["end"]
    assert not text[cursor:].strip()


def test_every_sentence_has_a_translation(seed_json: dict) -> None:
    assert all(sentence["translation"].strip() for sentence in seed_json["sentences"])


def test_paragraphs_list_every_sentence_once_in_order(seed_json: dict) -> None:
    flat = [index for paragraph in seed_json["paragraphs"] for index in paragraph]
    assert flat == list(range(len(seed_json["sentences"])))
    assert len(seed_json["paragraphs"]) == len([line for line in SEED.read_text().splitlines() if line.strip()])


def test_entities_are_sorted_do_not_overlap_and_slice_the_input(seed_json: dict) -> None:
    text = SEED.read_text(encoding="utf-8")
    entities = seed_json["entities"]
    assert entities
    for previous, entity in zip(entities, entities[1:]):
        assert previous["end"] <= entity["start"]
    group_ids = {group["id"] for group in seed_json["groups"]}
    for entity in entities:
        assert text[entity["start"]:entity["end"]] == entity["text"]
        assert entity["group"] in group_ids and isinstance(entity["score"], float)


def test_groups_count_their_mentions(seed_json: dict) -> None:
    for group in seed_json["groups"]:
        assert group["count"] == sum(entity["group"] == group["id"] for entity in seed_json["entities"])
        assert group["label"] in {"PER", "ORG", "LOC", "MISC"} and group["english"].strip()


def test_markdown_export_to_a_file_and_from_stdin(tiny_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "article.md"
    result = run_cli("analyze", "-", "--format", "md", "--out", str(out), env=tiny_env, stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr.decode()
    markdown = out.read_text(encoding="utf-8")
    assert markdown.startswith("# ") and "## Summary" in markdown and "## Entities" in markdown
    assert "## Translation" in markdown and "## Original" in markdown


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"   \n\t \r\n", "empty"),
    (b"\xff\xfe\x00bad bytes \xc3\x28", "UTF-8"),
    ("؟!... 12345 ٣٤".encode(), "no letters"),
])
def test_unusable_input_exits_2_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run_cli("analyze", str(path))
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert reason in stderr and stderr.count("\n") == 1 and "Traceback" not in stderr


def test_text_over_the_size_limit_exits_2_and_says_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("كلمة " * 20_001, encoding="utf-8")
    result = run_cli("analyze", str(path))
    assert result.returncode == 2
    assert "100,000" in result.stderr.decode() and "100,005" in result.stderr.decode()


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run_cli("analyze", str(tmp_path / "absent.txt"))
    assert result.returncode == 2 and "Cannot read" in result.stderr.decode()


def test_english_text_exits_3_unless_forced(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    path = tmp_path / "english.txt"
    path.write_text("The minister met his counterpart in Ankara on Sunday to discuss the crisis.", encoding="utf-8")
    result = run_cli("analyze", str(path), env=tiny_env)
    assert result.returncode == 3 and "not look like Arabic" in result.stderr.decode()
    forced = run_cli("analyze", str(path), "--force", env=tiny_env)
    assert forced.returncode == 0, forced.stderr.decode()
    assert json.loads(forced.stdout)["language"]["code"] == "en"


def test_without_models_exits_4_naming_the_missing_model(tmp_path: Path) -> None:
    env = {"HF_HOME": str(tmp_path / "empty-cache"), "KHULASA_TRANSLATOR": "", "KHULASA_SUMMARIZER": "",
           "KHULASA_NER": ""}
    result = run_cli("analyze", str(SEED), env=env)
    stderr = result.stderr.decode()
    assert result.returncode == 4
    assert "Helsinki-NLP/opus-mt-ar-en" in stderr and "KHULASA_TRANSLATOR" in stderr and "Traceback" not in stderr


def test_a_bad_setting_exits_2(tmp_path: Path) -> None:
    result = run_cli("analyze", str(SEED), env={"KHULASA_DEVICE": "tpu"})
    assert result.returncode == 2 and "KHULASA_DEVICE" in result.stderr.decode()


@pytest.mark.parametrize("out", ["missing/x.json", "folder", "file/x.json"])
def test_an_unwritable_out_file_is_refused_before_any_work(tmp_path: Path, out: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file, not a folder")
    # No model can load with these settings: exit 2 (not 4) shows that nothing was attempted before the check.
    env = {"KHULASA_TRANSLATOR": "/nonexistent/folder", "KHULASA_SUMMARIZER": "/nonexistent/folder"}
    result = run_cli("analyze", str(SEED), "--out", str(tmp_path / out), env=env)
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: Cannot write {tmp_path / out}")
    assert not result.stdout and not (tmp_path / out).is_file()


def _under_1_5_gb() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))


@pytest.mark.parametrize(("name", "size"), [("video.mp4", 3 * 2**30), ("scan.pdf", 3 * 2**30), ("-", 0),
                                            ("/dev/zero", 0)])
def test_a_huge_or_endless_input_is_refused_before_it_is_read_whole(tmp_path: Path, name: str, size: int) -> None:
    """Issue 19: the whole file was read before its size was checked (a MemoryError traceback under a limit)."""
    path = name if name.startswith("/") or name == "-" else str(tmp_path / name)
    if size:
        with open(path, "wb") as file:
            file.truncate(size)  # sparse: takes no disk
    with open("/dev/zero", "rb") as zeros:
        result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "analyze", path], stdin=zeros,
                                capture_output=True, cwd=ROOT, preexec_fn=_under_1_5_gb, timeout=600)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.count("\n") == 1 and "the limit for" in stderr and "Traceback" not in stderr
    assert (f"{size:,} bytes" if size else "more than 400,003 bytes") in stderr


@pytest.mark.parametrize(("option", "value"), [("--memory-per-actor", "0"), ("--memory-per-actor", "-1"),
                                               ("--memory-per-actor", "nan"), ("--retries", "-1"),
                                               ("--actors", "0"), ("--cpus-per-actor", "0")])
def test_invalid_batch_option_values_exit_2_with_one_line(tmp_path: Path, option: str, value: str, capsys) -> None:
    """Issue 19: `--memory-per-actor 0` ended in ZeroDivisionError and `--retries -1` was accepted."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["batch", str(tmp_path), "--out", str(tmp_path / "out"), "--ray", option, value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and option in err and repr(value) in err
    assert not (tmp_path / "out").exists()
