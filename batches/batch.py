"""Many articles at once: analyse a set of files, then pack one Markdown export per article and an index.

A file that cannot be read or analysed becomes a failed `BatchItem` with the reason; the others go on.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from analysis.pipeline import Models, Options, analyze, check_input
from arabic.segment import segment
from core.errors import UNREACHABLE, InputError, KhulasaError, NotArabic, TooLarge
from core.settings import Settings
from core.types import Analysis
from documents.export import as_utc, escape_markdown, export_filename, to_markdown
from documents.readers import KINDS, byte_limit, read_document, read_limited, regular_size

INDEX_NAME = "index.md"
ZIP_NAME = "khulasa-batch.zip"
# A path on disk, or an upload: (file name, contents).
Source = str | Path | tuple[str, bytes]
Progress = Callable[[int, int, "BatchItem"], None]
# What analyses an article's text instead of the models here: the newsroom service's client, for instance.
Analyse = Callable[[str, Options], Analysis]

log = logging.getLogger(__name__)


class Final(StrEnum):
    """Why a failure would happen again if the same bytes were analysed again, so a rerun need not retry it.
    A failure without one (an unexpected error, a model that failed, a file that could not be read) is retried."""

    CONTENT = "content"  # not UTF-8, a damaged document, no text, no letters: the bytes alone decide
    SIZE = "size"  # over the size limit: final only while KHULASA_MAX_CHARS stays the same
    LANGUAGE = "language"  # not Arabic: final unless --force asks to analyse it anyway


@dataclass(frozen=True)
class BatchItem:
    """One file of a batch: its analysis, or the reason it has none (and whether that reason is `final`)."""

    name: str
    title: str = ""
    analysis: Analysis | None = None
    error: str = ""
    final: Final | None = None

    @property
    def ok(self) -> bool:
        return self.analysis is not None


def analyze_files(sources: Iterable[Source], models: Models, settings: Settings, *,
                  on_progress: Progress | None = None, options: Options = Options()) -> Iterator[BatchItem]:
    """Analyse each file in turn, yielding its `BatchItem`; `on_progress(done, total, item)` follows each."""
    sources = list(sources)
    for done, source in enumerate(sources, start=1):
        item = analyze_one(source, models, settings, options)
        if on_progress:
            on_progress(done, len(sources), item)
        yield item


def source_name(source: Source) -> str:
    """The file name a batch shows for `source`."""
    return source[0] if isinstance(source, tuple) else Path(source).name


def analyze_one(source: Source, models: Models | None, settings: Settings, options: Options = Options(), *,
                analyse: Analyse | None = None) -> BatchItem:
    """One file's `BatchItem`, whether it is a path or an upload (see `analyze_source`)."""
    if isinstance(source, tuple):
        return analyze_source(*source, models, settings, options, analyse=analyse)
    try:
        data = read_bytes(Path(source), settings.max_chars, Path(source).name)
    except InputError as error:
        return BatchItem(Path(source).name, error=str(error), final=Final.SIZE if isinstance(error, TooLarge) else None)
    return analyze_source(Path(source).name, data, models, settings, options, analyse=analyse)


def analyze_source(name: str, data: bytes, models: Models | None, settings: Settings,
                   options: Options = Options(), *, analyse: Analyse | None = None) -> BatchItem:
    """One file's `BatchItem`: its analysis, or why it has none (unreadable, not Arabic, over the size limit).
    The text is read and checked here, then analysed by `models`, or by `analyse` where given (the newsroom
    service: no model here); an error that every file would meet (`UNREACHABLE`: the service cannot be reached
    or refuses the key) is raised, not kept as the file's reason."""
    try:
        document = read_document(name, data, max_chars=settings.max_chars)
        text = check_input(document.text, settings)
        analysis = analyse(text, options) if analyse else analyze(text, models, settings, options)
    except TooLarge as error:
        return BatchItem(name, error=str(error), final=Final.SIZE)
    except InputError as error:
        return BatchItem(name, error=str(error), final=Final.CONTENT)
    except NotArabic as error:
        return BatchItem(name, error=str(error), final=Final.LANGUAGE)
    except KhulasaError as error:
        if error.exit_code == UNREACHABLE:
            raise
        return BatchItem(name, error=str(error))
    except Exception as error:  # one article's unexpected failure must not cost the user the whole batch
        log.debug("Analysing %s failed", name, exc_info=True)
        return BatchItem(name, error=f"Unexpected error ({type(error).__name__}: {error}); the other files were "
                                     "analysed.")
    return BatchItem(name, document.title, analysis)


def read_bytes(path: Path, max_chars: int, name: str = "") -> bytes:
    """The file's bytes, or an `InputError` naming it (`name`, else its path); no more than its kind's size limit
    is read (`byte_limit`), so a huge file is refused (`TooLarge`) without being loaded."""
    name = name or str(path)
    kind = KINDS.get(path.suffix.lower(), "txt")
    try:
        with path.open("rb") as file:
            return read_limited(name, file, byte_limit(kind, max_chars), kind=kind, size=regular_size(file))
    except OSError as error:
        raise InputError(f"Cannot read {name}: {error.strerror or error}.") from None


def batch_files(items: Iterable[BatchItem], generated: datetime) -> dict[str, str]:
    """File name → Markdown: one export per analysed article (names made unique) and `index.md` first."""
    files: dict[str, str] = {INDEX_NAME: ""}
    entries: list[IndexEntry] = []
    for item in items:
        if item.analysis is None:
            entries.append(IndexEntry(item.name, error=item.error))
            continue
        name = _unique(export_filename(item.analysis, generated), files)
        files[name] = to_markdown(item.analysis, generated=generated)
        entries.append(IndexEntry(item.name, item.title, name, headline_of(item.analysis),
                                  problems=problem_lines(item.analysis)))
    files[INDEX_NAME] = index_markdown(entries, generated)
    return files


def batch_zip(items: Iterable[BatchItem], generated: datetime) -> bytes:
    """The batch as a .zip of `batch_files`, dated `generated` so the same batch gives the same bytes."""
    return zip_files(batch_files(items, generated), generated)


def zip_files(files: dict[str, str], generated: datetime) -> bytes:
    """A .zip of Markdown files (name → text), every entry dated `generated`."""
    stamp = as_utc(generated).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, markdown in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), markdown.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@dataclass(frozen=True)
class IndexEntry:
    """One line of `index.md`: an analysed article (its export `file`, title and headline, and what is missing
    from it when it is partial: `problems`, one line each) or a failure."""

    name: str
    title: str = ""
    file: str = ""
    headline: str = ""
    error: str = ""
    problems: tuple[str, ...] = ()


def index_markdown(entries: Iterable[IndexEntry], generated: datetime) -> str:
    """The batch's table of contents: each analysed article with its headline, then each failure and why."""
    entries = list(entries)
    analysed = [entry for entry in entries if entry.file]
    failed = [entry for entry in entries if not entry.file]
    blocks = [f"# Khulasa batch, {as_utc(generated):%Y-%m-%d %H:%M} UTC",
              f"{len(analysed)} of {len(entries)} files analysed."]
    if analysed:
        blocks.append("## Articles")
        blocks.append("\n".join(_article_line(number, entry) for number, entry in enumerate(analysed, start=1)))
    if failed:
        blocks.append("## Failed")
        blocks.append("\n".join(f"- {escape_markdown(entry.name, inline=True)}: "
                                f"{escape_markdown(entry.error, inline=True)}" for entry in failed))
    return "\n\n".join(blocks) + "\n"


def _article_line(number: int, entry: IndexEntry) -> str:
    """`3. [title](<file>) (name): headline`, then a nested item per problem of a partial analysis."""
    line = (f"{number}. [{escape_markdown(entry.title or entry.name, inline=True)}](<{entry.file}>) "
            f"({escape_markdown(entry.name, inline=True)})"
            + (f": {escape_markdown(entry.headline, inline=True)}" if entry.headline else ""))
    indent = " " * len(f"{number}. ")  # a nested item starts where the item's text does
    return "".join([line, *(f"\n{indent}- Partial: {escape_markdown(problem, inline=True)}"
                            for problem in entry.problems)])


def problem_lines(analysis: Analysis) -> tuple[str, ...]:
    """The problems of a partial analysis, one line each, for `index.md` (none when it is complete)."""
    return tuple(str(problem) for problem in analysis.problems if problem.stage)


def headline_of(analysis: Analysis) -> str:
    """The first sentence of the English summary, else of the Arabic one; empty without a summary."""
    summary = analysis.summary
    for text in (summary.en, summary.ar) if summary else ():
        sentences, _ = segment(text)
        if sentences:
            return sentences[0].text
    return ""


def _unique(name: str, taken: dict[str, str]) -> str:
    """`name`, or `stem-2.md`, `stem-3.md`... when it is taken."""
    stem, number, candidate = name.removesuffix(".md"), 2, name
    while candidate in taken:
        candidate, number = f"{stem}-{number}.md", number + 1
    return candidate
