"""Khulasa on the command line: `python cli.py analyze PATH [--format json|md] [--out FILE] [--force]`.

Exit codes: 0 success; 2 unusable input (empty, not UTF-8, over the size limit); 3 not Arabic (unless
`--force`); 4 a model could not be loaded. Each failure prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from models.errors import InputError, KhulasaError
from models.export import to_markdown
from models.language import describe, is_mixed
from models.pipeline import Options, analyze, check_input, check_language, load_models
from models.serialize import to_json
from models.settings import Settings, SettingsError


def read_article(path: str, max_chars: int) -> str:
    """The article's text from a file or stdin (`-`), decoded strictly as UTF-8 (a BOM is dropped)."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror or error}.") from None
    if len(raw) > max_chars * 4:
        raise InputError(f"The file is {len(raw):,} bytes; the limit is {max_chars:,} characters.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"The file is not valid UTF-8 (bad byte at position {error.start}): save it as UTF-8 "
                         "and try again.") from None


def run(args: argparse.Namespace) -> str:
    settings = Settings.from_env()
    text = check_input(read_article(args.path, settings.max_chars), settings)
    language = check_language(text, force=args.force)
    if is_mixed(language):
        print(f"warning: {describe(language)}", file=sys.stderr)
    models = load_models(settings, strict=True)
    analysis = analyze(text, models, settings, Options(force=args.force))
    if args.format == "md":
        return to_markdown(analysis)
    return json.dumps(to_json(analysis), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cli.py", description="Summarise, translate and tag an Arabic article.")
    commands = parser.add_subparsers(dest="command", required=True)
    analyze_parser = commands.add_parser("analyze", help="analyse one article (PATH, or - for stdin)")
    analyze_parser.add_argument("path", metavar="PATH")
    analyze_parser.add_argument("--format", choices=("json", "md"), default="json")
    analyze_parser.add_argument("--out", metavar="FILE", help="write the result here instead of stdout")
    analyze_parser.add_argument("--force", action="store_true", help="analyse even if the text is not Arabic")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        output = run(args)
    except KhulasaError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
