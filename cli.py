"""Khulasa on the command line.

    python cli.py analyze PATH [--format json|md] [--out FILE] [--force]
    python cli.py batch SRC --out DIR [--force] [--ray [ADDRESS]] [--actors N] [--cpus-per-actor N]
                                         [--memory-per-actor GB] [--retries N]
    python cli.py models download|status

`analyze` reads one article: a .txt, .docx, .html/.htm or .pdf file, any other file as UTF-8 text, or stdin
(`-`). Exit codes: 0 success; 2 unusable input (empty, not UTF-8, over the size limit, an unreadable document)
or an `--out` file that cannot be written (refused before any work);
3 not Arabic (unless `--force`); 4 a model could not be loaded.

`batch` analyses every .txt, .docx, .html/.htm and .pdf file in the folder SRC and its subfolders (hidden ones
left out) and writes, into the `--out` folder, one Markdown export and one JSON analysis per article (named after
its path inside SRC), `index.md`, `khulasa-batch.zip` (the same files) and `manifest.jsonl`, with a progress line
per file on stderr. A rerun skips the articles the manifest lists as done with the same bytes and models, and the
failures the same bytes would repeat (`documents/archive.py` says which; `--force` retries every failure). With
`--ray` (or `KHULASA_RAY_ADDRESS`) the articles are analysed on Ray Data: a local Ray, or the cluster at ADDRESS
(`documents/ray_batch.py`).
Exit codes: 0 every file analysed; 1 some failed (`index.md` says why); 2 SRC holds no such file; 4 a model
could not be loaded; 5 Ray is not installed or its cluster cannot be reached. Each failure prints one line on
stderr, never a traceback.

`models download` downloads (only the files each model needs) and converts the three models, with progress on
stderr, so the desk can then work offline; `models status` lists each model: cached or not, its revision, its
size on disk and its converted copies. Exit code 4 when a model cannot be downloaded or loaded.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from analysis.pipeline import Options, analyze, check_input, check_language, load_models
from arabic.language import describe, is_mixed
from core.errors import InputError, KhulasaError
from core.settings import Settings, SettingsError
from documents.archive import Archive, Pending, article_name, content_hash
from documents.batch import BatchItem, analyze_source, read_bytes
from documents.export import to_markdown
from documents.readers import KINDS, read_file, regular_size
from documents.serialize import to_json
from models.inventory import describe_status, model_status
from models.prepare import convert_ahead, model_revisions
from models.progress import Printer


def read_article(path: str, max_chars: int) -> str:
    """The article's text from a file or stdin (`-`). Documents go through their reader; anything else is text,
    decoded strictly as UTF-8 (a BOM is dropped) or as UTF-16 when it starts with a UTF-16 byte-order mark.
    No more than the size limit plus one byte is read (`read_file`), before any model loads."""
    if path == "-":
        return read_file("stdin", sys.stdin.buffer, max_chars=max_chars, kind="txt").text
    kind = None if Path(path).suffix.lower() in KINDS else "txt"
    try:
        with open(path, "rb") as file:
            return read_file(Path(path).name, file, max_chars=max_chars, kind=kind, size=regular_size(file)).text
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror or error}.") from None


def check_out(path: str) -> Path:
    """Refuse an `--out` file that cannot be written, before any work is done (a folder, a missing folder, no
    permission); returns it as a `Path`."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise InputError(f"Cannot write {path}: it is a folder; give a file name.")
    if not folder.is_dir():
        raise InputError(f"Cannot write {path}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InputError(f"Cannot write {path}: permission denied.")
    return target


def write_out(target: Path, output: str) -> None:
    try:
        target.write_text(output, encoding="utf-8")
    except OSError as error:
        raise InputError(f"Cannot write {target}: {error.strerror or error}.") from None


def run(args: argparse.Namespace) -> str:
    settings = Settings.from_env()
    text = check_input(read_article(args.path, settings.max_chars), settings)
    language = check_language(text, force=args.force)
    if is_mixed(language):
        print(f"warning: {describe(language)}", file=sys.stderr)
    models = _load_with_progress(settings)
    analysis = analyze(text, models, settings, Options(force=args.force))
    if args.format == "md":
        return to_markdown(analysis)
    return json.dumps(to_json(analysis), ensure_ascii=False, indent=2) + "\n"


def run_batch(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    address = args.ray if args.ray is not None else os.environ.get("KHULASA_RAY_ADDRESS", "").strip() or None
    articles = list_articles(Path(args.dir))
    generated, options = datetime.now(UTC), Options(force=args.force)
    archive = Archive(Path(args.out), model_revisions(settings), max_chars=settings.max_chars, force=args.force)
    try:
        pending = archive.plan(articles.items())
        if skipped := archive.skipped:
            print(f"{skipped} of {len(articles)} files already done or failed for good (same bytes and models); "
                  "skipping them",
                  file=sys.stderr)
        if pending and address is not None:
            from documents.ray_batch import RayOptions, analyze_on_ray  # Ray stays optional: imported only here

            convert_ahead(settings)  # once here, so the actors never race to convert the same model
            ray_options = RayOptions(address, args.actors, args.cpus_per_actor, args.memory_per_actor, args.retries)
            analyze_on_ray(pending, archive, settings, options, ray_options, generated, _print_progress)
        elif pending:
            analyze_here(pending, archive, settings, options, generated)
        analysed, total = archive.finish(list(articles), generated)
    finally:
        archive.close()
    print(f"{analysed} of {total} files analysed; results in {args.out}", file=sys.stderr)
    return 0 if analysed == total else 1


def list_articles(folder: Path) -> dict[str, Path]:
    """The articles (.txt, .docx, .html/.htm, .pdf) in the folder and its subfolders, by name (`article_name`:
    the path inside the folder), sorted; hidden files and folders are left out, symbolic links to folders are
    not followed."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder: give the folder that holds the articles.")
    articles = {}
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            path = Path(root, name)
            if not name.startswith(".") and path.suffix.lower() in KINDS and path.is_file():
                articles[article_name(path.relative_to(folder))] = path
    if not articles:
        raise InputError(f"{folder} holds no .txt, .docx, .html, .htm or .pdf files to analyse.")
    return dict(sorted(articles.items()))


def analyze_here(pending: list[Pending], archive: Archive, settings: Settings, options: Options,
                 generated: datetime) -> None:
    """The local batch: load the models once, then analyse the articles one after another."""
    models = _load_with_progress(settings)
    for done, article in enumerate(pending, start=1):
        try:
            data = read_bytes(article.path, settings.max_chars, article.name)
        except InputError as error:
            item, sha256 = BatchItem(article.name, error=str(error)), article.sha256
        else:
            item, sha256 = analyze_source(article.name, data, models, settings, options), content_hash(data)
        archive.add(item, sha256, generated)
        _print_progress(done, len(pending), item)


def _load_with_progress(settings: Settings):
    """Load the models; a first download or conversion shows its progress on stderr when that is a terminal."""
    if not sys.stderr.isatty():
        return load_models(settings, strict=True)
    with Printer(sys.stderr):
        return load_models(settings, strict=True)


def run_models(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    roles = (("translator", settings.translator), ("summarizer", settings.summarizer), ("ner", settings.ner))
    if args.action == "download":
        with Printer(sys.stderr):
            load_models(settings, strict=True)
    for role, name in roles:
        print(describe_status(model_status(role, name)))
    return 0


def _print_progress(done: int, total: int, item: BatchItem) -> None:
    outcome = "analysed" if item.ok else f"failed: {item.error}"
    print(f"[{done}/{total}] {item.name}: {outcome}", file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse with its refusals (a bad option value, a missing argument) as one line, exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {value!r}")
    return int(value)


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more, not {value!r}")
    return int(value)


def _gigabytes(value: str) -> float:
    try:
        amount = float(value)
    except ValueError:
        amount = math.nan
    if not 0 < amount < math.inf:
        raise argparse.ArgumentTypeError(f"must be a positive number of GB, not {value!r}")
    return amount


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="cli.py", description="Summarise, translate and tag Arabic articles.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="analyse one article (PATH, or - for stdin)")
    analyze_parser.add_argument("path", metavar="PATH")
    analyze_parser.add_argument("--format", choices=("json", "md"), default="json")
    analyze_parser.add_argument("--out", metavar="FILE", help="write the result here instead of stdout")
    analyze_parser.add_argument("--force", action="store_true", help="analyse even if the text is not Arabic")
    batch_parser = commands.add_parser("batch", help="analyse every article in a folder")
    batch_parser.add_argument("dir", metavar="SRC", help="the folder that holds the articles")
    batch_parser.add_argument("--out", metavar="DIR", required=True, help="folder for the exports, index and zip")
    batch_parser.add_argument("--force", action="store_true", help="analyse even texts that are not Arabic")
    models_parser = commands.add_parser("models", help="download the models, or list what is on this machine")
    models_parser.add_argument("action", choices=("download", "status"))
    ray_group = batch_parser.add_argument_group("Ray", "analyse on Ray Data (pip install 'ray[data]') instead of here")
    ray_group.add_argument("--ray", metavar="ADDRESS", nargs="?", const="local",
                           help="a local Ray (no ADDRESS), or the cluster at ADDRESS (also KHULASA_RAY_ADDRESS)")
    ray_group.add_argument("--actors", type=_positive, metavar="N", help="model-holding actors (default: as many "
                           "as the cluster's CPUs allow)")
    ray_group.add_argument("--cpus-per-actor", type=_positive, default=1, metavar="N", help="default 1")
    ray_group.add_argument("--memory-per-actor", type=_gigabytes, default=3.0, metavar="GB", help="default 3")
    ray_group.add_argument("--retries", type=_count, default=2, metavar="N",
                           help="times an article is retried after its worker died (default 2)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        if args.command == "batch":
            return run_batch(args)
        if args.command == "models":
            return run_models(args)
        target = check_out(args.out) if args.out else None
        output = run(args)
        if target:
            write_out(target, output)
        else:
            sys.stdout.write(output)
    except KhulasaError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
