"""The resumable batch folder: file names come from the article's own name, the manifest makes a rerun skip what
is done and redo what changed or went missing, and neither the desk nor the local batch ever imports Ray."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path, PurePath

import pytest

import cli
from batches.archive import MANIFEST_NAME, Archive, article_name, content_hash, output_stem
from batches.batch import INDEX_NAME, BatchItem, Final
from core.types import Analysis, Language, ModelNames, Sentence, Summary
from documents.serialize import from_json

ROOT = Path(__file__).resolve().parents[2]
GENERATED = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
LIMIT = 100_000
MODELS = {"translator": "marian@1", "summarizer": "mt5@1", "ner": "ner@1"}


def article(text: str) -> Analysis:
    """A finished analysis built by hand: the archive only stores it, so no model is needed."""
    return Analysis(text, Language("ar", 0.99, 1.0), (Sentence(0, len(text), text, "The news."),), ((0,),),
                    Summary(text, "The news in brief.", "single", "whole article"), (), (),
                    ModelNames("marian", "mt5", "ner", "ctranslate2"), {"total": 5})


def unescaped(markdown: str) -> str:
    """The index without Markdown's backslash escapes, whichever punctuation the export escapes."""
    return markdown.replace("\\", "")


def fill(folder: Path, names: list[str], models: dict[str, str] = MODELS) -> Archive:
    archive = Archive(folder, models, max_chars=LIMIT)
    for name in names:
        archive.add(BatchItem(name, f"title of {name}", article(f"خبر {name}")), content_hash(name.encode()),
                    GENERATED)
    return archive


def test_file_names_come_from_the_article_name_and_stay_distinct() -> None:
    assert output_stem("seed.txt") == "seed.txt" and output_stem("خبر اليوم.docx") == "خبر اليوم.docx"
    odd = [output_stem(name) for name in ("a/b.txt", "a--b.txt", "a:b.txt", "a?b.txt", "../x.txt")]
    assert len(set(odd)) == len(odd) and all("/" not in stem and ":" not in stem for stem in odd)


def test_names_and_index_do_not_depend_on_the_order_articles_finish(tmp_path: Path) -> None:
    names = ["b.txt", "a.txt", "c.docx"]
    for folder, order in ((tmp_path / "one", names), (tmp_path / "two", names[::-1])):
        archive = fill(folder, order)
        archive.finish(sorted(names), GENERATED)
    one = {path.name: path.read_bytes() for path in (tmp_path / "one").iterdir()}
    two = {path.name: path.read_bytes() for path in (tmp_path / "two").iterdir()}
    assert one == two and {"a.txt.md", "a.txt.json", "c.docx.md", INDEX_NAME} <= set(one)
    index = unescaped(one[INDEX_NAME].decode())
    assert index.index("(a.txt)") < index.index("(b.txt)") < index.index("(c.docx)")


def test_json_holds_the_article_and_reads_back_as_the_same_analysis(tmp_path: Path) -> None:
    fill(tmp_path, ["a.txt"]).finish(["a.txt"], GENERATED)
    record = json.loads((tmp_path / "a.txt.json").read_text(encoding="utf-8"))
    assert record["source"] == "a.txt" and record["title"] == "title of a.txt"
    assert from_json(record, record["text"]) == article("خبر a.txt")


def test_finished_article_is_done_only_with_same_bytes_same_models_and_both_files(tmp_path: Path) -> None:
    fill(tmp_path, ["a.txt", "b.txt"]).finish(["a.txt", "b.txt"], GENERATED)
    again = Archive(tmp_path, MODELS, max_chars=LIMIT)
    assert again.is_done("a.txt", content_hash(b"a.txt")) and again.is_done("b.txt", content_hash(b"b.txt"))
    assert not again.is_done("a.txt", content_hash(b"changed"))
    (tmp_path / "b.txt.json").unlink()
    assert not again.is_done("b.txt", content_hash(b"b.txt"))
    newer = Archive(tmp_path, {**MODELS, "summarizer": "mt5@2"}, max_chars=LIMIT)
    assert not newer.is_done("a.txt", content_hash(b"a.txt"))


def test_a_rerun_skips_only_failures_the_same_bytes_would_repeat(tmp_path: Path) -> None:
    """Issue 19: every failure with a hash used to be final, so --force, a raised limit or a fixed model never
    retried it."""
    archive = Archive(tmp_path, MODELS, max_chars=LIMIT)
    failures = {"binary.txt": Final.CONTENT, "english.txt": Final.LANGUAGE, "long.txt": Final.SIZE,
                "crashed.txt": None}
    for name, final in failures.items():
        archive.add(BatchItem(name, error=f"{name} failed.", final=final), content_hash(name.encode()), GENERATED)
    archive.fail("gone.txt", "Its worker died 3 times.")
    archive.finish([*failures, "gone.txt"], GENERATED)

    def skipped(**options) -> set[str]:
        again = Archive(tmp_path, MODELS, **{"max_chars": LIMIT, **options})
        return {name for name in [*failures, "gone.txt"] if again.is_done(name, content_hash(name.encode()))}

    assert skipped() == {"binary.txt", "english.txt", "long.txt"}
    assert skipped(max_chars=2 * LIMIT) == {"binary.txt", "english.txt"}
    assert skipped(force=True) == set()
    assert not Archive(tmp_path, MODELS, max_chars=LIMIT).is_done("binary.txt", content_hash(b"other bytes"))
    index = unescaped((tmp_path / INDEX_NAME).read_text())
    assert "- english.txt: english.txt failed." in index and "- gone.txt: Its worker died" in index


def test_output_names_stay_under_255_bytes_and_avoid_windows_device_names() -> None:
    long_names = ["خ" * 300 + ".txt", "a" * 300 + ".txt", "خ" * 299 + "a.txt", "x/" * 200 + "y.txt"]
    stems = [output_stem(name) for name in long_names]
    assert len(set(stems)) == len(stems)
    assert all(len(f"{stem}.json.partial".encode()) < 255 for stem in stems)
    for name in ("CON", "con.txt", "NUL.txt", "COM1.docx", "lpt9.pdf", "aux .txt", "prn"):
        assert output_stem(name).split(".")[0].strip().upper() not in {"CON", "NUL", "COM1", "LPT9", "AUX", "PRN"}
    assert output_stem("CONTRACT.txt") == "CONTRACT.txt" and output_stem("console.txt") == "console.txt"


def test_a_file_name_that_is_not_utf8_gets_a_readable_name_of_its_own() -> None:
    cp1256 = "خبر.txt".encode("cp1256")
    name = article_name(PurePath(os.fsdecode(b"2024/" + cp1256)))
    assert name.startswith("2024/خبر-") and name.endswith(".txt") and name.encode()
    assert name != article_name(PurePath("2024/خبر.txt")) == "2024/خبر.txt"
    assert name == article_name(PurePath(os.fsdecode(b"2024/" + cp1256)))  # stable from run to run


def test_interrupted_run_keeps_the_finished_articles_and_ignores_a_torn_line(tmp_path: Path) -> None:
    fill(tmp_path, ["a.txt", "b.txt"]).close()  # no finish(): the run was stopped
    with (tmp_path / MANIFEST_NAME).open("a", encoding="utf-8") as manifest:
        manifest.write('{"name": "c.txt", "sha2')
    again = Archive(tmp_path, MODELS, max_chars=LIMIT)
    assert sorted(again.done) == ["a.txt", "b.txt"]
    again.finish(["a.txt", "b.txt", "c.txt"], GENERATED)
    assert "- c.txt: Not analysed: the run stopped first." in unescaped((tmp_path / INDEX_NAME).read_text())


@pytest.fixture()
def articles(tmp_path: Path, seed: str, tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, value in tiny_env.items():
        monkeypatch.setenv(name, value)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "seed.txt").write_text(seed, encoding="utf-8")
    (folder / "short.txt").write_text(seed.splitlines()[0], encoding="utf-8")
    (folder / "english.txt").write_text("The minister met his counterpart in Ankara.", encoding="utf-8")
    return folder


def test_cli_rerun_skips_everything_and_redoes_only_a_deleted_or_changed_article(articles: Path, capsys) -> None:
    out = articles.parent / "out"
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    first = {path.name: path.read_bytes() for path in out.iterdir() if path.name != "khulasa-batch.zip"}
    capsys.readouterr()
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    assert "3 of 3 files already done or failed for good" in (err := capsys.readouterr().err) and "[1/" not in err
    assert {name: (out / name).read_bytes() for name in first if name != INDEX_NAME} == \
        {name: data for name, data in first.items() if name != INDEX_NAME}
    (out / "short.txt.md").unlink()
    (articles / "seed.txt").write_text((articles / "seed.txt").read_text() + "\nوأضاف الوزير.", encoding="utf-8")
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "[1/2] seed.txt: analysed" in err and "[2/2] short.txt: analysed" in err and "english" not in err
    assert (out / "short.txt.md").exists() and "وأضاف الوزير" in (out / "seed.txt.json").read_text()


def test_desk_and_local_batch_never_import_ray() -> None:
    packages = ("core", "arabic", "models", "analysis", "documents", "history", "components")
    for path in [ROOT / "app.py", ROOT / "cli.py", *(module for package in packages
                                                       for module in (ROOT / package).glob("*.py"))]:
        if path.name == "ray_batch.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top_level = {alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names} | {
            node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module}
        anywhere = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        assert not {name for name in top_level | anywhere if name.split(".")[0] == "ray"}, path
        assert "batches.ray_batch" not in top_level, path
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, cli, batches.batch, batches.archive, components.batch, "
         "components.history; print(sorted(m for m in sys.modules if m.split('.')[0] == 'ray'))"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.stdout.strip() == "[]", imported.stderr


def test_cli_ray_without_ray_installed_says_how_to_install_it(articles: Path, capsys,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    assert cli.main(["batch", str(articles), "--out", str(articles.parent / "out"), "--ray"]) == 5
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'ray[data]==" in err


def test_cli_rerun_retries_a_failure_when_force_or_a_larger_limit_can_change_it(articles: Path, seed: str, capsys,
                                                                                monkeypatch: pytest.MonkeyPatch
                                                                                ) -> None:
    """Issue 19: "not Arabic" and "over the limit" failures were final even under --force or a raised limit."""
    out = articles.parent / "out"
    monkeypatch.setenv("KHULASA_MAX_CHARS", str(len(seed) - 1))  # the seed's bytes pass, its characters do not
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    assert "seed.txt: failed: 'seed.txt' holds" in (err := capsys.readouterr().err) and "english.txt: failed" in err
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    assert "3 of 3 files already done or failed for good" in capsys.readouterr().err
    monkeypatch.delenv("KHULASA_MAX_CHARS")
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 1
    assert "[1/1] seed.txt: analysed" in (err := capsys.readouterr().err) and "english" not in err
    assert cli.main(["batch", str(articles), "--out", str(out), "--force"]) == 0
    assert "[1/1] english.txt: analysed" in capsys.readouterr().err and (out / "english.txt.md").exists()


def test_cli_reads_subfolders_and_odd_file_names_without_a_crash(articles: Path, seed: str, capsys) -> None:
    """Issue 19: files in subfolders were ignored, and a cp1256 file name crashed every run."""
    short = seed.splitlines()[0].encode()
    for folder in ("a", "b", ".drafts"):
        (articles / folder).mkdir()
        (articles / folder / "x.txt").write_bytes(short)
    (articles / ".hidden.txt").write_bytes(short)
    (articles / "english.txt").unlink()
    odd = [b"b/" + "خبر.txt".encode("cp1256"), "خ".encode() * 120 + b".txt", b"CON.txt"]
    for raw in odd:
        descriptor = os.open(os.fsencode(articles) + b"/" + raw, os.O_WRONLY | os.O_CREAT)
        os.write(descriptor, short)
        os.close(descriptor)
    out = articles.parent / "out"
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 0
    assert "7 of 7 files analysed" in capsys.readouterr().err
    written = sorted(path.name for path in out.iterdir())
    for start in ("a--x.txt-", "b--x.txt-", "b--خبر-", "_CON.txt-"):
        assert sum(name.startswith(start) for name in written) == 2, start  # its .md and .json
    assert all(len(name.encode()) < 255 and name.isprintable() for name in written)
    index = unescaped((out / INDEX_NAME).read_text(encoding="utf-8"))
    assert all(f"({name})" in index for name in ("a/x.txt", "b/x.txt", "CON.txt", "seed.txt"))
    assert "(b/خبر-" in index and ".drafts" not in index and "hidden" not in index
    assert cli.main(["batch", str(articles), "--out", str(out)]) == 0
    assert "7 of 7 files already done" in capsys.readouterr().err
    assert sorted(path.name for path in out.iterdir()) == written
