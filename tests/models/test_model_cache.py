"""What makes a cached or local model complete, what is left to fetch, and load failures that name their cause
and the setting that fixes it (issue 19), on the tiny models through the production loaders."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest

from core.errors import ModelUnavailable
from models import ct2
from models.checkpoint import missing_files
from models.entities import load_recognizer
from models.hub import RepoFile, left_to_fetch
from models.inventory import describe_status, model_status
from models.problems import storage_problem
from models.seq2seq import load_seq2seq
from tests.local_hub import tmpfs


def copy_without(source: Path, folder: Path, *names: str) -> Path:
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns(*names))
    return folder


def test_the_tiny_models_are_complete(tiny_model_dirs: dict[str, Path]) -> None:
    assert [missing_files(folder) for folder in tiny_model_dirs.values()] == [[], [], []]


@pytest.mark.parametrize(("role", "removed"), [("translator", "source.spm"), ("translator", "tokenizer_config.json"),
                                               ("summarizer", "spiece.model"), ("ner", "vocab.txt")])
def test_a_folder_without_a_tokenizer_file_its_model_type_needs_is_incomplete(tiny_model_dirs, tmp_path: Path,
                                                                              role: str, removed: str) -> None:
    assert missing_files(copy_without(tiny_model_dirs[role], tmp_path / role, removed)) == [removed]


def test_a_tokenizer_json_stands_in_for_the_vocabulary_files_except_marians(tiny_model_dirs, tmp_path: Path) -> None:
    from models.loading import load_tokenizer

    bert = copy_without(tiny_model_dirs["ner"], tmp_path / "bert", "vocab.txt", "tokenizer_config.json")
    load_tokenizer(tiny_model_dirs["ner"]).save_pretrained(tmp_path / "saved")
    shutil.copy(tmp_path / "saved" / "tokenizer.json", bert)
    assert missing_files(bert) == []
    assert load_tokenizer(bert)("كازاخستان")["input_ids"] == load_tokenizer(tiny_model_dirs["ner"])("كازاخستان")[
        "input_ids"]
    marian = copy_without(tiny_model_dirs["translator"], tmp_path / "marian", "source.spm")
    shutil.copy(tmp_path / "saved" / "tokenizer.json", marian)
    assert missing_files(marian) == ["source.spm"]  # MarianTokenizer reads only its SentencePiece models


def test_a_folder_that_is_not_a_model_lacks_config_weights_and_tokenizer(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert missing_files(tmp_path) == ["config.json", "model.safetensors or pytorch_model.bin", "tokenizer.json"]


def test_files_already_cached_count_as_fetched(tmp_path: Path) -> None:
    files = [RepoFile("config.json", 900, "c" * 40), RepoFile("source.spm", 800_000, "s" * 40),
             RepoFile("pytorch_model.bin", 300_000_000, "w" * 64)]
    snapshot = tmp_path / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_bytes(b"x" * 900)
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / ("s" * 40)).write_bytes(b"")  # complete in another snapshot's blob
    (tmp_path / "blobs" / ("w" * 64 + ".0a1b2c3d.incomplete")).write_bytes(b"x" * 1000)  # never resumed
    assert left_to_fetch(tmp_path, "a" * 40, files) == 300_000_000


def test_status_names_what_a_local_folder_lacks(tiny_model_dirs, tmp_path: Path) -> None:
    folder = copy_without(tiny_model_dirs["translator"], tmp_path / "marian", "source.spm")
    line = describe_status(model_status("translator", str(folder)))
    assert line == f"translator: {folder}: incomplete, source.spm missing in {folder}; it is not a complete model"


def test_a_marian_folder_without_its_source_vocabulary_says_so(tiny_model_dirs, tmp_path: Path) -> None:
    """It used to fail with "expected str, bytes or os.PathLike object, not NoneType"."""
    folder = copy_without(tiny_model_dirs["translator"], tmp_path / "marian", "source.spm")
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("translator", str(folder), "cpu", "transformers")
    message = str(error.value)
    assert f"the folder {folder} is not a complete model: it lacks source.spm" in message
    assert "Set KHULASA_TRANSLATOR to a folder that holds the whole checkpoint" in message
    assert "Connect to the internet" not in message


def test_a_folder_that_is_not_a_model_says_what_it_lacks(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("نص", encoding="utf-8")
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("summarizer", str(tmp_path), "cpu", "transformers")
    assert "it lacks config.json, model.safetensors or pytorch_model.bin" in str(error.value)
    assert "KHULASA_SUMMARIZER" in str(error.value) and "Connect to the internet" not in str(error.value)


@pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")
def test_a_translation_model_given_as_the_entity_model_says_a_token_classifier_is_expected(tiny_model_dirs) -> None:
    """It used to say only `'id2label'`."""
    with pytest.raises(ModelUnavailable) as error:
        load_recognizer(str(tiny_model_dirs["translator"]), "cpu", "ctranslate2")
    message = str(error.value)
    assert "it is a marian model (MarianMTModel), not a token-classification model" in message
    assert "Set KHULASA_NER to such a model, for example CAMeL-Lab/" in message


def test_a_token_classifier_without_labels_says_labels_are_needed(tiny_model_dirs, tmp_path: Path) -> None:
    folder = copy_without(tiny_model_dirs["ner"], tmp_path / "ner")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    del config["id2label"], config["label2id"]
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ModelUnavailable) as error:
        load_recognizer(str(folder), "cpu", "transformers")
    assert "names no labels (no id2label)" in str(error.value) and "KHULASA_NER" in str(error.value)


def test_an_entity_model_given_as_the_translator_says_a_seq2seq_model_is_expected(tiny_model_dirs) -> None:
    with pytest.raises(ModelUnavailable) as error:
        load_seq2seq("translator", str(tiny_model_dirs["ner"]), "cpu", "transformers")
    assert "it is a bert model (BertForTokenClassification), not a sequence-to-sequence" in str(error.value)


@pytest.mark.skipif(not ct2.available(), reason="CTranslate2 is not installed")
def test_no_room_to_convert_says_how_much_to_free_or_where_to_move_the_converted_models(
        tiny_model_dirs, tmp_path: Path, monkeypatch) -> None:
    folder = copy_without(tiny_model_dirs["translator"], tmp_path / "marian")  # a name no earlier test loaded
    with tmpfs(tmp_path / "small", 64) as small:
        monkeypatch.setenv("KHULASA_CT2_DIR", str(small))
        with pytest.raises(ModelUnavailable) as error:
            load_seq2seq("translator", str(folder), "cpu", "ctranslate2")
    message = str(error.value)
    assert f"needs 64 MB free in {small} but only 0 MB are free" in message
    assert "Free 64 MB on that disk, or set KHULASA_CT2_DIR" in message and "Connect" not in message


def test_a_full_disk_and_a_read_only_folder_are_told_apart(tmp_path: Path) -> None:
    full = storage_problem(OSError(errno.ENOSPC, "No space left on device"), tmp_path, "HF_HOME", "downloading x")
    read_only = storage_problem(OSError(errno.EROFS, "Read-only file system", str(tmp_path / "blobs")), tmp_path,
                                "KHULASA_CT2_DIR", "converting x")
    assert full and "filled up while downloading x" in str(full) and "set HF_HOME" in full.remedy
    assert read_only and str(read_only).startswith(f"{tmp_path / 'blobs'} cannot be written (Read-only file system)")
    assert "Set KHULASA_CT2_DIR" in read_only.remedy and "writ" in read_only.remedy
    assert storage_problem(OSError(errno.ECONNRESET, "reset"), tmp_path, "HF_HOME", "downloading x") is None
