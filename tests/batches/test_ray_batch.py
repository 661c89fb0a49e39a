"""The batch on Ray Data (`cli.py batch --ray`), on a local Ray started once for this module with two CPUs and no
dashboard: the same files as the local batch, reruns that skip what is done, and a worker that dies mid-article.

These are the Ray tests (marker `ray`; deselect with `-m "not ray"`); they are skipped when Ray is not installed.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import cli
from batches.batch import INDEX_NAME, ZIP_NAME
from tests.batching import ROUNDING
from tests.sample_files import make_docx
from tests.test_cli import run_cli

ray = pytest.importorskip("ray")
from batches.ray_batch import ROOT, UPLOAD_EXCLUDES  # noqa: E402 - only once Ray is known to be there

pytestmark = pytest.mark.ray
RAY = ["--ray", "--memory-per-actor", "0.5"]


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False,
             runtime_env={"working_dir": str(ROOT), "excludes": UPLOAD_EXCLUDES})
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def environment(tiny_env: dict[str, str]) -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tiny_env.items():
            patch.setenv(name, value)
        yield patch


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory, seed: str) -> Path:
    """Five files in four formats: three Arabic articles, a broken PDF and an English text."""
    folder = tmp_path_factory.mktemp("ray-sources")
    lines = seed.splitlines()
    (folder / "seed.txt").write_text(seed, encoding="utf-8")
    (folder / "seed.docx").write_bytes(make_docx(lines[:4], title="الخبر"))
    (folder / "page.html").write_text(f"<html><body><h1>{lines[0]}</h1><p>{lines[1]}</p></body></html>",
                                      encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")
    (folder / "english.txt").write_text("The minister met his counterpart in Ankara.", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outputs(sources: Path, environment, tiny_env: dict[str, str],
            tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same folder through the local batch and through Ray. The local batch runs in a fresh process, as the
    actors do, so nothing earlier tests left in this process (the sentence cache) plays a part."""
    local, on_ray = tmp_path_factory.mktemp("local-out"), tmp_path_factory.mktemp("ray-out")
    assert run_cli("batch", str(sources), "--out", str(local), env=tiny_env).returncode == 1
    assert cli.main(["batch", str(sources), "--out", str(on_ray), *RAY]) == 1
    return local, on_ray


def comparable(folder: Path) -> dict[str, object]:
    """Every file but the zip, without what differs between runs: the date lines and the timings; a translation's
    confidence to the float rounding that another batch composition moves (texts must be equal)."""
    files: dict[str, object] = {}
    for path in folder.iterdir():
        if path.suffix == ".json":
            record = json.loads(path.read_text(encoding="utf-8"))
            record.pop("timings_ms")
            for sentence in record["sentences"]:
                if sentence["confidence"] is not None:
                    sentence["confidence"] = pytest.approx(sentence["confidence"], abs=ROUNDING)
            files[path.name] = record
        elif path.suffix == ".md":
            files[path.name] = [line for line in path.read_text(encoding="utf-8").splitlines()
                                if not line.startswith(("Generated ", "# Khulasa batch, "))]
        elif path.name == ZIP_NAME:
            files[path.name] = zipfile.ZipFile(path).namelist()
    return files


def test_ray_writes_the_same_files_as_the_local_batch(outputs) -> None:
    local, on_ray = outputs
    expected, found = comparable(local), comparable(on_ray)
    assert sorted(found) == sorted(expected)
    for name in expected:
        assert found[name] == expected[name], name
    assert sorted(comparable(local)) == sorted([INDEX_NAME, ZIP_NAME, "page.html.md", "page.html.json",
                                                "seed.docx.md", "seed.docx.json", "seed.txt.md", "seed.txt.json"])
    index = (on_ray / INDEX_NAME).read_text(encoding="utf-8").replace("\\", "")
    assert "3 of 5 files analysed." in index
    assert "- broken.pdf:" in index and "- english.txt: This does not look like Arabic" in index


def test_rerun_skips_everything_and_a_deleted_output_is_redone_alone(outputs, sources: Path, capsys) -> None:
    _, on_ray = outputs
    capsys.readouterr()
    assert cli.main(["batch", str(sources), "--out", str(on_ray), *RAY]) == 1
    err = capsys.readouterr().err
    assert "5 of 5 files already done or failed for good" in err and "[1/" not in err
    (on_ray / "seed.docx.json").unlink()
    assert cli.main(["batch", str(sources), "--out", str(on_ray), *RAY]) == 1
    err = capsys.readouterr().err
    assert "4 of 5 files already done" in err and "[1/1] seed.docx: analysed" in err
    assert json.loads((on_ray / "seed.docx.json").read_text(encoding="utf-8"))["title"] == "الخبر"


@pytest.fixture()
def two_articles(tmp_path: Path, seed: str) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "seed.txt").write_text(seed, encoding="utf-8")
    (folder / "short.txt").write_text(seed.splitlines()[0], encoding="utf-8")
    return folder


def test_a_worker_that_dies_once_is_retried_and_the_run_completes(two_articles: Path, environment,
                                                                  capsys) -> None:
    marker = two_articles.parent / "crashed"
    environment.setenv("KHULASA_RAY_CRASH", "short.txt")
    environment.setenv("KHULASA_RAY_CRASH_MARKER", str(marker))
    try:
        assert cli.main(["batch", str(two_articles), "--out", str(two_articles.parent / "out"), *RAY]) == 0
    finally:
        environment.delenv("KHULASA_RAY_CRASH")
        environment.delenv("KHULASA_RAY_CRASH_MARKER")
    assert marker.exists()  # the worker did die on it
    assert "short.txt: analysed" in capsys.readouterr().err
    assert (two_articles.parent / "out" / "short.txt.json").exists()


def test_an_article_whose_worker_keeps_dying_is_reported_and_the_others_go_on(two_articles: Path, environment,
                                                                              capsys) -> None:
    out = two_articles.parent / "out"
    environment.setenv("KHULASA_RAY_CRASH", "short.txt")
    try:
        assert cli.main(["batch", str(two_articles), "--out", str(out), *RAY, "--retries", "1"]) == 1
    finally:
        environment.delenv("KHULASA_RAY_CRASH")
    assert "seed.txt: analysed" in capsys.readouterr().err
    assert "- short.txt: Its worker died 2 times" in (out / INDEX_NAME).read_text(encoding="utf-8").replace("\\", "")
    assert not (out / "short.txt.md").exists() and (out / "seed.txt.md").exists()


def test_an_unreachable_cluster_is_one_line_and_exit_5(two_articles: Path, environment, capsys) -> None:
    assert cli.main(["batch", str(two_articles), "--out", str(two_articles.parent / "out"),
                     "--ray", "127.0.0.1:9"]) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Cannot reach the Ray cluster at 127.0.0.1:9" in err
