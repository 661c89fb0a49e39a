"""The pieces of a first run that need no server: which files are fetched, the progress record, the disk check,
abandoned conversions, and what happens when no model loads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from analysis.pipeline import analyze, load_models
from core.errors import NoModelRan
from models import ct2, hub
from models.hub import RepoFile, needed_files
from models.progress import MB, ProgressBoard, describe

OPUS_MT = [RepoFile("README.md", 4_000), RepoFile("config.json", 1_400), RepoFile("generation_config.json", 290),
           RepoFile("pytorch_model.bin", 308_000_000), RepoFile("rust_model.ot", 565_000_000),
           RepoFile("source.spm", 900_000), RepoFile("target.spm", 800_000), RepoFile("tf_model.h5", 308_000_000),
           RepoFile("tokenizer_config.json", 42), RepoFile("vocab.json", 1_300_000), RepoFile(".gitattributes", 1_000)]


def names(files: list[RepoFile]) -> list[str]:
    return [file.name for file in files]


def test_only_configs_tokenizer_and_one_weights_format_are_fetched() -> None:
    assert names(needed_files(OPUS_MT)) == ["config.json", "generation_config.json", "pytorch_model.bin",
                                             "source.spm", "target.spm", "tokenizer_config.json", "vocab.json"]


def test_safetensors_are_preferred_and_other_formats_left_out() -> None:
    files = [*OPUS_MT, RepoFile("model.safetensors", 300_000_000), RepoFile("flax_model.msgpack", 1),
             RepoFile("onnx/encoder_model.onnx", 1), RepoFile("training_args.bin", 1)]
    chosen = names(needed_files(files))
    assert "model.safetensors" in chosen and "pytorch_model.bin" not in chosen
    assert not {"flax_model.msgpack", "onnx/encoder_model.onnx", "training_args.bin", "tf_model.h5"} & set(chosen)


def test_progress_says_file_size_done_speed_and_time_left() -> None:
    board = ProgressBoard()
    board.start("translator", "Helsinki-NLP/opus-mt-ar-en", "download", files_total=7, bytes_total=308 * MB)
    board.update("translator", file="pytorch_model.bin", files_done=6, add_bytes=120 * MB)
    entry = replace(board.snapshot()[0], started=0.0, updated=10.0)
    line = describe(entry)
    assert line.startswith("Downloading Helsinki-NLP/opus-mt-ar-en: pytorch_model.bin (7 of 7 files)")
    assert "120.0 of 308.0 MB" in line and "12.0 MB/s" in line and "about 16 s left" in line
    converting = replace(entry, phase="convert", note="CTranslate2 int8")
    assert describe(converting, now=42.0) == "Converting Helsinki-NLP/opus-mt-ar-en to CTranslate2 int8 (once) · 42 s"


def test_the_progress_board_counts_every_byte_across_threads() -> None:
    board = ProgressBoard()
    board.start("summarizer", "m", "download", bytes_total=8 * 10_000)
    threads = [threading.Thread(target=lambda: [board.update("summarizer", add_bytes=1) for _ in range(10_000)])
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert board.snapshot()[0].bytes_done == 80_000
    board.finish("summarizer")
    assert board.active() == ()


def test_missing_disk_space_is_said_with_the_amount_and_the_setting_that_moves_the_folder(tmp_path: Path) -> None:
    with pytest.raises(OSError, match=r"needs 1,000,000,000.0 GB free .* only [\d,.]+ [GM]B are free") as error:
        hub.require_space(tmp_path / "not-yet", 10**18, "converting a model", "KHULASA_CT2_DIR")
    assert re.match(r"Free [\d,.]+ GB on that disk, or set KHULASA_CT2_DIR .* to a folder on a disk with more room",
                    error.value.remedy)


def test_an_abandoned_conversion_is_cleaned_and_a_live_one_kept(tmp_path: Path) -> None:
    target = tmp_path / "opus-mt-abc-int8"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead, live = (target.with_name(f"{target.name}.partial-{pid}")
                  for pid in (int(finished.stdout), os.getpid()))
    for folder in (dead, live):
        (folder / "sub").mkdir(parents=True)
    assert ct2.remove_abandoned(target) == [dead]
    assert not dead.exists() and live.exists()


def test_when_no_model_loads_the_analysis_says_so(tiny_settings, seed: str) -> None:
    settings = replace(tiny_settings, translator="/nowhere/a", summarizer="/nowhere/b", ner="/nowhere/c")
    models = load_models(settings, strict=False)
    with pytest.raises(NoModelRan, match="No model could run") as error:
        analyze(seed, models, settings)
    assert error.value.exit_code == 4 and "/nowhere/b" in str(error.value)
