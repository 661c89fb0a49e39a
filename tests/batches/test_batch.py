"""Batch analysis: one failure never stops the others, the zip holds one export per article plus an index that
lists failures with their reason, and `cli.py batch` reports through its exit codes."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cli
from analysis.pipeline import Models, load_models
from batches.archive import MANIFEST_NAME
from batches.batch import INDEX_NAME, ZIP_NAME, BatchItem, analyze_files, batch_files, batch_zip, headline_of
from core.settings import Settings
from core.types import Summary
from documents.export import export_filename, to_markdown
from documents.readers import first_line
from tests.sample_files import make_docx, make_pdf
from tests.test_cli import run_cli

GENERATED = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def models(tiny_settings: Settings) -> Models:
    return load_models(tiny_settings)


@pytest.fixture(scope="module")
def items(models: Models, tiny_settings: Settings, seed: str, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[list[BatchItem], list[tuple[int, int, str]]]:
    """A batch of five: the seed as a file and as an uploaded .docx, a scan, English text and a missing file."""
    folder = tmp_path_factory.mktemp("batch-sources")
    (folder / "seed.txt").write_text(seed, encoding="utf-8")
    sources = [folder / "seed.txt", ("seed.docx", make_docx(seed.splitlines(), title="الخبر")),
               ("scan.pdf", make_pdf([[]])), ("english.txt", b"The minister met his counterpart in Ankara."),
               folder / "missing.txt"]
    progress: list[tuple[int, int, str]] = []
    found = list(analyze_files(sources, models, tiny_settings,
                               on_progress=lambda done, total, item: progress.append((done, total, item.name))))
    return found, progress


def test_every_file_gets_an_item_in_order_and_failures_do_not_stop_the_batch(items, seed: str) -> None:
    found, progress = items
    assert [item.name for item in found] == ["seed.txt", "seed.docx", "scan.pdf", "english.txt", "missing.txt"]
    assert [item.ok for item in found] == [True, True, False, False, False]
    assert progress == [(n, 5, item.name) for n, item in enumerate(found, start=1)]
    assert found[1].analysis.text == "\n".join(line.strip() for line in seed.splitlines() if line.strip())
    assert found[0].title == first_line(seed) and found[1].title == "الخبر"


def test_failed_items_carry_the_reason(items) -> None:
    scan, english, missing = items[0][2:]
    assert "has no text layer (scanned?)" in scan.error
    assert "not look like Arabic" in english.error
    assert "Cannot read" in missing.error and missing.analysis is None


def test_zip_holds_the_index_and_one_markdown_export_per_article(items) -> None:
    found, _ = items
    with zipfile.ZipFile(io.BytesIO(batch_zip(found, GENERATED))) as archive:
        names = archive.namelist()
        first = export_filename(found[0].analysis, GENERATED)
        assert names == [INDEX_NAME, first, first.removesuffix(".md") + "-2.md"]
        assert archive.read(first).decode() == to_markdown(found[0].analysis, generated=GENERATED)
        assert all(info.date_time == (2026, 11, 29, 9, 30, 0) for info in archive.infolist())
    assert batch_zip(found, GENERATED) == batch_zip(found, GENERATED)


def test_index_lists_articles_with_headlines_and_failures_with_reasons(items) -> None:
    found, _ = items
    index = batch_files(found, GENERATED)[INDEX_NAME]
    assert index.startswith("# Khulasa batch, 2026-11-29 09:30 UTC\n\n2 of 5 files analysed.")
    articles, failures = index.split("## Failed")
    assert "1. [" in articles and "2. [الخبر](<" in articles and "(seed.docx)" in articles
    headline = headline_of(found[0].analysis)
    assert headline and headline.split()[0] in articles
    assert "- scan.pdf: 'scan.pdf' has no text layer (scanned?)" in failures
    assert "- english.txt:" in failures and "- missing.txt: Cannot read" in failures


def test_index_escapes_file_names_and_titles() -> None:
    item = BatchItem("[click](javascript:alert(1)).txt", error="<b>bad</b>")
    index = batch_files([item], GENERATED)[INDEX_NAME]
    assert "- \\[click\\](javascript:alert(1)).txt: \\<b>bad\\</b>" in index


def test_headline_is_the_first_english_sentence_else_the_arabic_one(items) -> None:
    analysis = items[0][0].analysis
    english = Summary("الجملة الأولى. الثانية.", "First sentence. Second one.", "whole")
    assert headline_of(replace(analysis, summary=english)) == "First sentence."
    assert headline_of(replace(analysis, summary=replace(english, en=""))) == "الجملة الأولى."
    assert headline_of(replace(analysis, summary=None)) == ""


def test_cli_batch_writes_exports_analyses_index_and_zip_and_exits_1_when_some_fail(tmp_path: Path, seed: str,
                                                                           tiny_env: dict[str, str]) -> None:
    articles, out = tmp_path / "articles", tmp_path / "out"
    articles.mkdir()
    (articles / "seed.txt").write_text(seed, encoding="utf-8")
    (articles / "seed.docx").write_bytes(make_docx(seed.splitlines()))
    (articles / "scan.pdf").write_bytes(make_pdf([[]]))
    (articles / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # not an article: skipped
    result = run_cli("batch", str(articles), "--out", str(out), env=tiny_env)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "[1/3] scan.pdf: failed: 'scan.pdf' has no text layer" in stderr and "[3/3] seed.txt: analysed" in stderr
    assert "Traceback" not in stderr
    written = sorted(path.name for path in out.iterdir())
    assert written == sorted([INDEX_NAME, ZIP_NAME, MANIFEST_NAME, "seed.docx.md", "seed.docx.json", "seed.txt.md",
                              "seed.txt.json"])
    assert json.loads((out / "seed.txt.json").read_text())["text"] == seed
    with zipfile.ZipFile(out / ZIP_NAME) as archive:
        assert sorted(archive.namelist()) == sorted(set(written) - {ZIP_NAME, MANIFEST_NAME})
        assert archive.read(INDEX_NAME) == (out / INDEX_NAME).read_bytes()


def test_cli_batch_exits_0_when_every_file_is_analysed(tmp_path: Path, seed: str, tiny_env: dict[str, str],
                                                       monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "seed.txt").write_text(seed, encoding="utf-8")
    assert cli.main(["batch", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    assert "[1/1] seed.txt: analysed" in capsys.readouterr().err
    assert (tmp_path / "out" / "seed.txt.md").read_text().startswith("# ")


def test_cli_batch_exits_2_when_the_folder_has_no_articles(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.jpg").write_bytes(b"\xff\xd8\xff")
    assert cli.main(["batch", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "holds no .txt, .docx, .html, .htm or .pdf files" in capsys.readouterr().err
    assert cli.main(["batch", str(tmp_path / "absent"), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_cli_batch_exits_4_when_a_model_cannot_load(tmp_path: Path, seed: str, tiny_env: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KHULASA_SUMMARIZER", str(tmp_path / "no-such-model"))
    (tmp_path / "seed.txt").write_text(seed, encoding="utf-8")
    assert cli.main(["batch", str(tmp_path), "--out", str(tmp_path / "out")]) == 4
    assert "KHULASA_SUMMARIZER" in capsys.readouterr().err


def test_cli_analyze_accepts_a_word_document(tmp_path: Path, seed: str, tiny_env: dict[str, str],
                                             monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "seed.docx"
    path.write_bytes(make_docx(seed.splitlines()))
    assert cli.main(["analyze", str(path), "--format", "md"]) == 0
    assert "## Summary" in capsys.readouterr().out


def test_cli_batch_refuses_a_huge_file_from_its_size_without_reading_it(tmp_path: Path) -> None:
    """Issue 19: the batch read each file whole to hash it; a 3 GB file under a memory limit failed unexplained."""
    articles, out = tmp_path / "articles", tmp_path / "out"
    articles.mkdir()
    with open(articles / "huge.txt", "wb") as file:
        file.truncate(3 * 2**30)  # sparse: takes no disk

    def under_1_5_gb() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))

    result = subprocess.run([sys.executable, "cli.py", "batch", str(articles), "--out", str(out)],
                            capture_output=True, cwd=Path(cli.__file__).parent, preexec_fn=under_1_5_gb, timeout=600)
    assert result.returncode == 1, result.stderr.decode()
    assert "'huge.txt' is 3,221,225,472 bytes; the limit for text files is 400,003 bytes" in \
        (out / INDEX_NAME).read_text(encoding="utf-8").replace("\\", "")
