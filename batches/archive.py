"""The output folder of a resumable batch: one Markdown export and one JSON analysis per article, `index.md`,
`khulasa-batch.zip` and a manifest that lets a rerun skip what is done.

The manifest (`manifest.jsonl`) gets one JSON line as each article finishes: its name, the SHA-256 of its bytes,
the models (`name@revision` per role) and its two files. A rerun skips an article whose bytes and models match
and whose files are still there, and redoes any other; an interrupted run loses only the articles in flight.

A failure is skipped by a rerun only when the same bytes would fail the same way (`Final`): a file that is not
UTF-8, a damaged document, no text or no letters; a file over the size limit while `KHULASA_MAX_CHARS` is
unchanged; a text that is not Arabic unless `--force` is given. Any other failure (an unexpected error, a model
that failed, a file that could not be read, a worker that died) is retried, and `--force` retries every failure.

An article's name is its path inside the source folder (`a/x.txt`), so `a/x.txt` and `b/x.txt` stay apart. File
names come from it (`output_stem`), so they never depend on the order in which articles finish.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path, PurePath

from batches.batch import (
    INDEX_NAME,
    ZIP_NAME,
    BatchItem,
    Final,
    IndexEntry,
    headline_of,
    index_markdown,
    problem_lines,
    read_bytes,
)
from core.errors import InputError
from documents.export import as_utc, to_markdown
from documents.serialize import to_json

MANIFEST_NAME = "manifest.jsonl"
_UNSAFE = re.compile(r"[^\w.\- ]+")
# Room left in the 255 bytes a file name may take on Linux, macOS and Windows, for "-" and a hash, ".json" and
# the ".partial" of a file being written.
_MAX_STEM_BYTES = 200
# Names Windows reserves for devices, with any extension (`CON.txt` too).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{port}{number}" for port in ("COM", "LPT") for number in range(1, 10))}


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def article_name(relative: PurePath) -> str:
    """The name a batch gives the file at `relative` (its path inside the source folder): its parts joined by
    "/". A part that is not UTF-8 (Arabic names from a Windows zip are cp1256 bytes) is shown decoded as cp1256,
    with a short hash of its bytes before the extension, so it never takes the name of another file.

    Example: the name `b"\\xca\\xed.txt"` gives `تي-44402bee.txt`."""
    return "/".join(_readable(os.fsencode(part)) for part in relative.parts)


def _readable(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        stem, dot, suffix = raw.decode("cp1256", errors="replace").rpartition(".")
        tag = content_hash(raw)[:8]
        return f"{stem}-{tag}.{suffix}" if dot and stem else f"{stem}{dot}{suffix}-{tag}"


def output_stem(name: str) -> str:
    """The article's name made safe as a file name on any system (`a.txt` stays `a.txt`): folders joined by
    "--", no character Windows forbids, no device name (`CON`), at most 200 bytes. A name that had to change gets
    a short hash of the original, so two names never map to one stem."""
    safe = _UNSAFE.sub("_", name.replace("/", "--").replace("\\", "--")).strip(" .") or "article"
    if safe.split(".")[0].strip().upper() in _RESERVED:
        safe = f"_{safe}"
    safe = safe.encode()[:_MAX_STEM_BYTES].decode(errors="ignore").rstrip(" .")
    return safe if safe == name else f"{safe}-{content_hash(name.encode())[:8]}"


@dataclass(frozen=True)
class Entry:
    """An article in the manifest: finished (its two files), or failed (`error`), with why the failure would
    recur (`final`, a `Final`; empty when it may not) and the size limit it failed under (`max_chars`)."""

    name: str
    sha256: str
    models: dict[str, str]
    title: str = ""
    headline: str = ""
    markdown: str = ""
    json: str = ""
    error: str = ""
    problems: tuple[str, ...] = ()  # what a partial analysis lacks, one line each (for index.md)
    final: str = ""
    max_chars: int = 0


@dataclass(frozen=True)
class Pending:
    """An article still to analyse: where it is, and the hash of its bytes when it was planned."""

    name: str
    path: Path
    sha256: str


class Archive:
    """The batch's output folder. `models` (role → `name@revision`) must match for a finished article to count;
    `max_chars` and `force` decide which failures are final (see the module's docstring)."""

    def __init__(self, folder: Path, models: Mapping[str, str], *, max_chars: int, force: bool = False) -> None:
        self.folder, self.models, self.max_chars, self.force = folder, dict(models), max_chars, force
        self.done: dict[str, Entry] = _read_manifest(folder / MANIFEST_NAME)
        self.skipped = 0
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._manifest = (folder / MANIFEST_NAME).open("a", encoding="utf-8")
        except OSError as error:
            raise _write_error(folder, error) from None

    def is_done(self, name: str, sha256: str) -> bool:
        entry = self.done.get(name)
        if entry is None or entry.sha256 != sha256:
            return False
        if not entry.error:
            return entry.models == self.models and all((self.folder / file).is_file()
                                                       for file in (entry.markdown, entry.json))
        if self.force:
            return False
        return entry.final in {Final.CONTENT, Final.LANGUAGE} or (
            entry.final == Final.SIZE and entry.max_chars == self.max_chars)

    def plan(self, articles: Iterable[tuple[str, Path]]) -> list[Pending]:
        """The articles (name, path) still to analyse, in order; an unreadable one is recorded as failed at once."""
        pending = []
        for name, path in articles:
            try:
                sha256 = content_hash(read_bytes(path, self.max_chars, name))
            except InputError as error:
                self.fail(name, str(error))
                continue
            if self.is_done(name, sha256):
                self.skipped += 1
            else:
                pending.append(Pending(name, path, sha256))
        return pending

    def add(self, item: BatchItem, sha256: str, generated: datetime) -> None:
        """Write a finished article's two files and its manifest line, or record why it failed."""
        if item.analysis is None:
            self.fail(item.name, item.error, sha256, item.final)
            return
        stem = output_stem(item.name)
        entry = Entry(item.name, sha256, self.models, item.title, headline_of(item.analysis), f"{stem}.md",
                      f"{stem}.json", problems=problem_lines(item.analysis))
        record = {"source": item.name, "title": item.title, "text": item.analysis.text, **to_json(item.analysis)}
        self._write(entry.markdown, to_markdown(item.analysis, generated=generated))
        self._write(entry.json, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        self._record(entry)

    def fail(self, name: str, reason: str, sha256: str = "", final: Final | None = None) -> None:
        """Record a failure; a rerun skips it only when it is `final` for these bytes (`sha256`)."""
        self._record(Entry(name, sha256, self.models if sha256 else {}, error=reason, final=final or "",
                           max_chars=self.max_chars if final == Final.SIZE else 0))

    def _record(self, entry: Entry) -> None:
        self.done[entry.name] = entry
        self._append(asdict(entry))

    def finish(self, names: Sequence[str], generated: datetime) -> tuple[int, int]:
        """Write `index.md` (entries in the order of `names`), the zip and a compact manifest; returns
        (analysed, total)."""
        missing = Entry("", "", {}, error="Not analysed: the run stopped first.")
        found = [self.done.get(name, missing) for name in names]
        entries = [IndexEntry(name, entry.title, entry.markdown, entry.headline, entry.error, tuple(entry.problems))
                   for name, entry in zip(names, found)]
        self._write(INDEX_NAME, index_markdown(entries, generated))
        self._manifest.close()
        self._write(MANIFEST_NAME, "".join(json.dumps(asdict(entry), ensure_ascii=False) + "\n"
                                           for entry in found if entry.name))
        files = [INDEX_NAME] + [name for entry in entries if entry.file
                                for name in (entry.file, self.done[entry.name].json)]
        self._zip(files, generated)
        return sum(bool(entry.file) for entry in entries), len(entries)

    def close(self) -> None:
        self._manifest.close()

    def _append(self, record: dict) -> None:
        try:
            self._manifest.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._manifest.flush()
        except OSError as error:
            raise _write_error(self.folder, error) from None

    def _write(self, name: str, text: str) -> None:
        """Write through a temporary file, so an interrupted run never leaves half a file under the real name."""
        target = self.folder / name
        partial = target.with_name(target.name + ".partial")
        try:
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
        except OSError as error:
            raise _write_error(self.folder, error) from None

    def _zip(self, files: list[str], generated: datetime) -> None:
        stamp = as_utc(generated).timetuple()[:6]
        partial = self.folder / (ZIP_NAME + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for name in files:
                    archive.writestr(zipfile.ZipInfo(name, date_time=stamp), (self.folder / name).read_bytes(),
                                     compress_type=zipfile.ZIP_DEFLATED)
            partial.replace(self.folder / ZIP_NAME)
        except OSError as error:
            raise _write_error(self.folder, error) from None


def _read_manifest(path: Path) -> dict[str, Entry]:
    """Finished articles by name, the last line for a name winning; a torn or foreign line is ignored."""
    done: dict[str, Entry] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return done
    for line in lines:
        try:
            entry = Entry(**json.loads(line))
            done[entry.name] = entry
        except (ValueError, TypeError, KeyError):
            continue
    return done


def _write_error(folder: Path, error: OSError) -> InputError:
    return InputError(f"Cannot write the results into {folder}: {error.strerror or error}.")
