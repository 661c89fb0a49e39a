"""Khulasa on the command line.

    python cli.py analyze PATH [--format json|md] [--out FILE] [--force] [--translation fast|best]
                                   [--summary abstractive|key-sentences] [--key-sentences N] [--alternatives N]
    python cli.py batch SRC --out DIR [--force] [--translation fast|best] [--summary abstractive|key-sentences]
                                         [--key-sentences N] [--ray [ADDRESS]] [--actors N]
                                         [--cpus-per-actor N] [--memory-per-actor GB] [--retries N]
    python cli.py models download|status [--translation fast|best]
    python cli.py check FILE.json [--article TEXT_FILE]
    python cli.py serve [--address ADDRESS] [--host HOST] [--port PORT] [--replicas N] [--modes fast,best]

`analyze` reads one article: a .txt, .docx, .html/.htm or .pdf file, any other file as UTF-8 text, or stdin
(`-`). Exit codes: 0 success; 2 unusable input (empty, not UTF-8, over the size limit, an unreadable document)
or an `--out` file that cannot be written (refused before any work);
Each sentence of the JSON carries the translator's `confidence` (the mean log-probability per output token of its
beam, 0 is certain); `--alternatives N` adds to each sentence `alternatives`, the translator's N best other
translations (`[{"text", "confidence"}]`, from one more beam search per sentence, so only when asked).
3 not Arabic (unless `--force`); 4 a model could not be loaded; 6 a partial result: a stage failed (or its model
wrote nothing), the rest is printed and each problem is one line on stderr; 1 an unexpected failure (one line).

`batch` analyses every .txt, .docx, .html/.htm and .pdf file in the folder SRC and its subfolders (hidden ones
left out) and writes, into the `--out` folder, one Markdown export and one JSON analysis per article (named after
its path inside SRC), `index.md`, `khulasa-batch.zip` (the same files) and `manifest.jsonl`, with a progress line
per file on stderr. A rerun skips the articles the manifest lists as done with the same bytes and models, and the
failures the same bytes would repeat (`batches/archive.py` says which; `--force` retries every failure). With
`--ray` (or `KHULASA_RAY_ADDRESS`) the articles are analysed on Ray Data: a local Ray, or the cluster at ADDRESS
(`batches/ray_batch.py`).
Exit codes: 0 every file analysed; 1 some failed (`index.md` says why); 2 SRC holds no such file; 4 a model
could not be loaded; 5 Ray is not installed or its cluster cannot be reached. Each failure prints one line on
stderr, never a traceback.

`check` reads an analysis JSON (the `analyze --format json` output) whose translations or summaries were edited and
prints the same JSON with `checks` recomputed from its texts, no model loaded (`analysis.checks.recheck`). The
article is rebuilt from the sentences' texts and offsets, or read from `--article` (the text the offsets index).
Exit codes: 0 checked; 2 an unreadable file, a JSON without the fields an analysis has, or offsets outside the
text (one line on stderr).

`serve` runs the newsroom service (`service/`, Ray Serve: pip install 'ray[serve]'): the HTTP API of README's
"Newsroom service" until Ctrl-C or SIGTERM, which drain the requests in flight. `analyze` and `batch` with
`--service URL` send the articles there (key: `KHULASA_SERVICE_KEY`) and load no model; the service's refusals keep
their exit codes (2, 3, 4), and a service that cannot be reached or refuses the key is exit code 5.

`models download` downloads (only the files each model needs) and converts the three models, with progress on
stderr, so the desk can then work offline (the translator of `--translation`, fast unless asked: the best one is
fetched only when chosen); `models status` lists each model, both translators included: cached or not, its
revision, its size on disk and its converted copies. `--translation best` on `analyze` or `batch` translates with
`KHULASA_TRANSLATOR_BEST` (`Helsinki-NLP/opus-mt-tc-big-ar-en`). `--summary key-sentences` on `analyze` or
`batch` summarises with the article's key sentences, quoted verbatim (`--key-sentences N` of them; default 3, or
about a fifth of a long article) instead of mT5's abstractive summary.
Exit code 4 when a model cannot be downloaded or loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from analysis.pipeline import Options, analyze, check_input, check_language, load_models
from arabic.language import describe, is_mixed
from batches.archive import Archive, Pending, article_name, content_hash
from batches.batch import BatchItem, analyze_source, read_bytes
from client.http import ServiceClient
from core.errors import InputError, KhulasaError
from core.settings import TRANSLATION_MODES, Settings, SettingsError
from core.types import Analysis
from documents.export import to_markdown
from documents.glossary import read_glossary, to_csv
from documents.readers import KINDS, read_file, regular_size
from documents.recheck import rechecked
from documents.serialize import to_json
from models.inventory import describe_status, model_status
from models.prepare import convert_ahead, model_revisions
from models.progress import Printer
from models.translate import Scored, Translator


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


def read_settings(args: argparse.Namespace) -> Settings:
    """The `KHULASA_*` settings, with the translation mode of `--translation` when given."""
    settings = Settings.from_env()
    return replace(settings, translation=args.translation) if getattr(args, "translation", None) else settings


PARTIAL = 6  # `analyze` printed a result with a part missing


def read_options(args: argparse.Namespace, settings: Settings) -> Options:
    """`--force`, the summary kind of `--summary` and `--key-sentences`, and the glossary of `--glossary` (else
    `KHULASA_GLOSSARY`): an unreadable file stops the command; each unusable row is one warning line on stderr
    and the other rows are used."""
    kind = (getattr(args, "summary", None) or "abstractive").replace("-", "_")
    options = Options(force=args.force, summary_kind=kind, key_sentences=getattr(args, "key_sentences", None))
    path = getattr(args, "glossary", None) or settings.glossary
    if not path:
        return options
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read the glossary {path}: {error.strerror or error}.") from None
    glossary, problems = read_glossary(Path(path).name, data)
    for problem in problems:
        print(f"warning: glossary {Path(path).name} {problem}; that row is not used", file=sys.stderr)
    return replace(options, glossary=glossary)


def run(args: argparse.Namespace) -> tuple[str, Analysis]:
    """The analysis of `args.path`, formatted as asked, and the analysis itself."""
    settings = read_settings(args)
    options = read_options(args, settings)
    text = check_input(read_article(args.path, settings.max_chars), settings)
    models = None
    if args.service and args.alternatives:
        raise InputError("--alternatives needs the models here; leave out --service (the service does not offer "
                         "alternatives yet).")
    if args.service:  # the service checks the language and runs the models; nothing is loaded here
        analysis = ServiceClient(args.service, settings.service_key).analysis(text, options, settings.translation)
    else:
        language = check_language(text, force=args.force)
        if is_mixed(language):
            print(f"warning: {describe(language)}", file=sys.stderr)
        models = _load_with_progress(settings)
        analysis = analyze(text, models, settings, options)
    if args.format == "md":
        return to_markdown(analysis), analysis
    data = to_json(analysis)
    if args.alternatives and models and models.translator:
        for sentence, found in zip(data["sentences"], alternatives_of(analysis, models.translator, args.alternatives)):
            sentence["alternatives"] = [{"text": scored.text, "confidence": scored.confidence} for scored in found]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n", analysis


def alternatives_of(analysis: Analysis, translator: Translator, count: int) -> list[list[Scored]]:
    """Each sentence's `count` best other translations (none for a sentence no model translated)."""
    return [translator.alternatives(sentence.text, count, besides=sentence.translation)
            if sentence.confidence is not None else [] for sentence in analysis.sentences]


def run_batch(args: argparse.Namespace) -> int:
    settings = read_settings(args)
    address = args.ray if args.ray is not None else os.environ.get("KHULASA_RAY_ADDRESS", "").strip() or None
    articles = list_articles(Path(args.dir))
    generated, options = datetime.now(UTC), read_options(args, settings)
    # A changed glossary changes the English: the articles done with another one are done again.
    glossary = {"glossary": hashlib.sha256(to_csv(options.glossary).encode()).hexdigest()[:12]} \
        if options.glossary else {}
    # So does another summary kind: the articles summarised the other way are done again.
    kind = {"summary": f"{options.summary_kind}:{options.key_sentences or 'default'}"} \
        if options.summary_kind != "abstractive" else {}
    archive = Archive(Path(args.out), model_revisions(settings) | glossary | kind, max_chars=settings.max_chars,
                      force=args.force)
    try:
        pending = archive.plan(articles.items())
        if skipped := archive.skipped:
            print(f"{skipped} of {len(articles)} files already done or failed for good (same bytes and models); "
                  "skipping them",
                  file=sys.stderr)
        if pending and address is not None and not args.service:
            from batches.ray_batch import RayOptions, analyze_on_ray  # Ray stays optional: imported only here

            convert_ahead(settings)  # once here, so the actors never race to convert the same model
            ray_options = RayOptions(address, args.actors, args.cpus_per_actor, args.memory_per_actor, args.retries)
            analyze_on_ray(pending, archive, settings, options, ray_options, generated, _print_progress)
        elif pending and args.service:
            client = ServiceClient(args.service, settings.service_key)
            analyze_here(pending, archive, settings, options, generated, client)
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
                 generated: datetime, client: ServiceClient | None = None) -> None:
    """The local batch: load the models once (none with a `client`: the service analyses), then analyse the
    articles one after another."""
    models = None if client else _load_with_progress(settings)
    analyse = (lambda text, options: client.analysis(text, options, settings.translation)) if client else None
    for done, article in enumerate(pending, start=1):
        try:
            data = read_bytes(article.path, settings.max_chars, article.name)
        except InputError as error:
            item, sha256 = BatchItem(article.name, error=str(error)), article.sha256
        else:
            item = analyze_source(article.name, data, models, settings, options, analyse=analyse)
            sha256 = content_hash(data)
        archive.add(item, sha256, generated)
        _print_progress(done, len(pending), item)


def run_check(args: argparse.Namespace) -> str:
    """The analysis JSON at `args.path` with its checks recomputed from its texts (see `rechecked`)."""
    try:
        data = json.loads(Path(args.path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"Cannot read {args.path} as an analysis JSON: {error}.") from None
    try:
        article = Path(args.article).read_text(encoding="utf-8") if args.article else None
    except OSError as error:
        raise InputError(f"Cannot read {args.article}: {error.strerror or error}.") from None
    glossary = read_options(args, Settings.from_env()).glossary
    return json.dumps(rechecked(data, article, glossary, source=args.path), ensure_ascii=False, indent=2) + "\n"


def run_serve(args: argparse.Namespace) -> int:
    """`serve`: the service until SIGINT or SIGTERM (`service.app`); Ray is imported only here."""
    from service.app import run_until_stopped
    from service.config import ServiceConfig

    settings = Settings.from_env()
    chosen = args.modes or settings.translation
    modes = tuple(dict.fromkeys(mode.strip() for mode in chosen.split(",") if mode.strip()))
    if not modes or set(modes) - set(TRANSLATION_MODES) or settings.translation not in modes:
        raise InputError(f"--modes takes fast, best or fast,best, with KHULASA_TRANSLATION's mode "
                         f"({settings.translation}) among them, not {chosen!r}.")
    config = ServiceConfig.from_env(host=args.host, port=args.port, replicas=args.replicas, modes=modes,
                                    max_chars=settings.max_chars)
    for mode in modes:  # once here, so the replicas never race to convert the same model
        convert_ahead(replace(settings, translation=mode))
    run_until_stopped(settings, config, args.address, lambda line: print(line, file=sys.stderr, flush=True))
    return 0


def _load_with_progress(settings: Settings):
    """Load the models; a first download or conversion shows its progress on stderr when that is a terminal."""
    if not sys.stderr.isatty():
        return load_models(settings, strict=True)
    with Printer(sys.stderr):
        return load_models(settings, strict=True)


def run_models(args: argparse.Namespace) -> int:
    settings = read_settings(args)
    roles = (("translator", settings.translator), ("translator (best)", settings.translator_best),
             ("summarizer", settings.summarizer), ("ner", settings.ner))
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
    translation = {"choices": TRANSLATION_MODES, "help": "fast (opus-mt-ar-en) or best (opus-mt-tc-big-ar-en, "
                   "slower); default KHULASA_TRANSLATION, else fast"}
    analyze_parser.add_argument("--translation", **translation)
    glossary = {"metavar": "FILE", "help": "a newsroom glossary (TSV or CSV of Arabic term, English; default "
                "KHULASA_GLOSSARY): its English replaces the model's rendering, or a finding says where it could not"}
    analyze_parser.add_argument("--glossary", **glossary)
    service = {"metavar": "URL", "help": "analyse on the newsroom service at URL (key: KHULASA_SERVICE_KEY); no "
               "model is loaded here"}
    analyze_parser.add_argument("--service", **service)
    summary = {"choices": ("abstractive", "key-sentences"), "default": "abstractive",
               "help": "abstractive (mT5 writes it) or key-sentences (the article's most central sentences, quoted "
                       "verbatim); default abstractive"}
    count = {"type": _positive, "metavar": "N", "help": "how many key sentences (default 3, or about a fifth of a "
             "long article)"}
    analyze_parser.add_argument("--summary", **summary)
    analyze_parser.add_argument("--key-sentences", **count)
    analyze_parser.add_argument("--alternatives", type=_positive, metavar="N",
                                help="add each sentence's N best other translations to the JSON (one more beam "
                                "search per sentence)")
    batch_parser = commands.add_parser("batch", help="analyse every article in a folder")
    batch_parser.add_argument("dir", metavar="SRC", help="the folder that holds the articles")
    batch_parser.add_argument("--out", metavar="DIR", required=True, help="folder for the exports, index and zip")
    batch_parser.add_argument("--force", action="store_true", help="analyse even texts that are not Arabic")
    batch_parser.add_argument("--translation", **translation)
    batch_parser.add_argument("--glossary", **glossary)
    batch_parser.add_argument("--service", **service)
    batch_parser.add_argument("--summary", **summary)
    batch_parser.add_argument("--key-sentences", **count)
    models_parser = commands.add_parser("models", help="download the models, or list what is on this machine")
    models_parser.add_argument("action", choices=("download", "status"))
    models_parser.add_argument("--translation", choices=TRANSLATION_MODES,
                               help="download: the translator of this mode (default fast; best only when asked)")
    check_parser = commands.add_parser("check", help="recompute the checks of an edited analysis JSON (no model)")
    check_parser.add_argument("path", metavar="FILE.json")
    check_parser.add_argument("--article", metavar="TEXT_FILE", help="the article the JSON's offsets index")
    check_parser.add_argument("--glossary", **glossary)
    check_parser.set_defaults(force=False)
    ray_group = batch_parser.add_argument_group("Ray", "analyse on Ray Data (pip install 'ray[data]') instead of here")
    ray_group.add_argument("--ray", metavar="ADDRESS", nargs="?", const="local",
                           help="a local Ray (no ADDRESS), or the cluster at ADDRESS (also KHULASA_RAY_ADDRESS)")
    ray_group.add_argument("--actors", type=_positive, metavar="N", help="model-holding actors (default: as many "
                           "as the cluster's CPUs allow)")
    ray_group.add_argument("--cpus-per-actor", type=_positive, default=1, metavar="N", help="default 1")
    ray_group.add_argument("--memory-per-actor", type=_gigabytes, default=3.0, metavar="GB", help="default 3")
    ray_group.add_argument("--retries", type=_count, default=2, metavar="N",
                           help="times an article is retried after its worker died (default 2)")
    serve_parser = commands.add_parser("serve", help="run the newsroom service (HTTP API on Ray Serve)")
    serve_parser.add_argument("--address", metavar="ADDRESS", help="join the Ray cluster at ADDRESS (default: "
                              "start a local Ray)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1; "
                              "without KHULASA_API_KEYS always 127.0.0.1)")
    serve_parser.add_argument("--port", type=_positive, default=8000, help="default 8000")
    serve_parser.add_argument("--replicas", type=_positive, default=1, metavar="N",
                              help="replicas of each model deployment (default 1)")
    serve_parser.add_argument("--modes", metavar="MODES", help="translation modes served, comma-separated: fast, "
                              "best or fast,best (default KHULASA_TRANSLATION, else fast)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        if args.command == "batch":
            return run_batch(args)
        if args.command == "models":
            return run_models(args)
        if args.command == "check":
            sys.stdout.write(run_check(args))
            return 0
        if args.command == "serve":
            return run_serve(args)
        target = check_out(args.out) if args.out else None
        output, analysis = run(args)
        if target:
            write_out(target, output)
        else:
            sys.stdout.write(output)
        for problem in analysis.problems:
            print(f"partial: {problem}", file=sys.stderr)
        if analysis.partial:
            return PARTIAL
    except KhulasaError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - a crash is one line on stderr, never a traceback
        logging.getLogger("khulasa.cli").debug("unexpected failure", exc_info=True)
        reason = (str(error).strip().splitlines() or [""])[0]
        print(f"error: unexpected failure ({type(error).__name__}{': ' + reason if reason else ''}); "
              "please report it with the article", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
