"""Khulasa on the command line.

    python cli.py analyze PATH [--format json|md] [--out FILE] [--force]
    python cli.py batch DIR --out DIR [--force]
    python cli.py models download|status

`analyze` reads one article: a .txt, .docx, .html/.htm or .pdf file, any other file as UTF-8 text, or stdin
(`-`). Exit codes: 0 success; 2 unusable input (empty, not UTF-8, over the size limit, an unreadable document)
or an `--out` file that cannot be written (refused before any work);
3 not Arabic (unless `--force`); 4 a model could not be loaded.

`batch` analyses every .txt, .docx, .html/.htm and .pdf file in DIR and writes one Markdown file per article,
`index.md` and `khulasa-batch.zip` (the same files) into the `--out` folder, with a progress line per file on
stderr. Exit codes: 0 every file analysed; 1 some failed (`index.md` says why); 2 DIR holds no such file;
4 a model could not be loaded. Each failure prints one line on stderr, never a traceback.

`models download` downloads (only the files each model needs) and converts the three models, with progress on
stderr, so the desk can then work offline; `models status` lists each model: cached or not, its revision, its
size on disk and its converted copies. Exit code 4 when a model cannot be downloaded or loaded.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from analysis.pipeline import Options, analyze, check_input, check_language, load_models
from arabic.language import describe, is_mixed
from core.errors import InputError, KhulasaError
from core.settings import Settings, SettingsError
from documents.batch import ZIP_NAME, BatchItem, analyze_files, batch_files, zip_files
from documents.export import to_markdown
from documents.readers import KINDS, read_document
from documents.serialize import to_json
from models.inventory import describe_status, model_status
from models.progress import Printer


def read_article(path: str, max_chars: int) -> str:
    """The article's text from a file or stdin (`-`). Documents go through their reader; anything else is text,
    decoded strictly as UTF-8 (a BOM is dropped) or as UTF-16 when it starts with a UTF-16 byte-order mark."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror or error}.") from None
    name = "stdin" if path == "-" else Path(path).name
    kind = None if path != "-" and Path(path).suffix.lower() in KINDS else "txt"
    return read_document(name, raw, max_chars=max_chars, kind=kind).text


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
    folder, out = Path(args.dir), Path(args.out)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder: give the folder that holds the articles.")
    paths = sorted(path for path in folder.iterdir()
                   if path.is_file() and path.suffix.lower() in KINDS and not path.name.startswith("."))
    if not paths:
        raise InputError(f"{folder} holds no .txt, .docx, .html, .htm or .pdf files to analyse.")
    models = _load_with_progress(settings)
    items = list(analyze_files(paths, models, settings, on_progress=_print_progress,
                               options=Options(force=args.force)))
    generated = datetime.now(UTC)
    files = batch_files(items, generated)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, markdown in files.items():
            (out / name).write_text(markdown, encoding="utf-8")
        (out / ZIP_NAME).write_bytes(zip_files(files, generated))
    except OSError as error:
        raise InputError(f"Cannot write the results into {out}: {error.strerror or error}.") from None
    failed = sum(not item.ok for item in items)
    print(f"{len(items) - failed} of {len(items)} files analysed; results in {out}", file=sys.stderr)
    return 1 if failed else 0


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cli.py", description="Summarise, translate and tag Arabic articles.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="analyse one article (PATH, or - for stdin)")
    analyze_parser.add_argument("path", metavar="PATH")
    analyze_parser.add_argument("--format", choices=("json", "md"), default="json")
    analyze_parser.add_argument("--out", metavar="FILE", help="write the result here instead of stdout")
    analyze_parser.add_argument("--force", action="store_true", help="analyse even if the text is not Arabic")
    batch_parser = commands.add_parser("batch", help="analyse every article in a folder")
    batch_parser.add_argument("dir", metavar="DIR")
    batch_parser.add_argument("--out", metavar="DIR", required=True, help="folder for the Markdown files and zip")
    batch_parser.add_argument("--force", action="store_true", help="analyse even texts that are not Arabic")
    models_parser = commands.add_parser("models", help="download the models, or list what is on this machine")
    models_parser.add_argument("action", choices=("download", "status"))
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
