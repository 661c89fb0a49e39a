"""The local history: finished analyses saved in a SQLite file, listed, searched, reopened and deleted, and the
desk's newsroom glossary kept beside them.

Every call opens its own connection, so the app's sessions (threads) and the CLI may share one file; WAL mode
lets readers run beside a writer and `busy_timeout` makes writers wait for each other instead of failing.
Deleting overwrites the freed pages (`secure_delete`) and checkpoints the WAL, so the article's text does not
linger in the file. The schema version is `PRAGMA user_version`; `MIGRATIONS` brings any older file up to date.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from arabic.search import SNIPPET_WIDTH, fold, folding, snippet, terms
from core.errors import HistoryError
from core.types import Analysis, Check, Glossary
from documents.export import title_of
from documents.glossary import from_csv, to_csv
from documents.serialize import from_json, to_json

BUSY_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class HistoryEntry:
    """One saved analysis as the history list shows it; `snippet` is where the search matched, else the start."""

    id: int
    title: str
    created: datetime
    snippet: str
    source: str | None = None


class History:
    """A history file; the file and its folder are created, or an older schema migrated, when it is opened."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise HistoryError(f"Cannot create the folder for the history database {self.path}: "
                               f"{error.strerror or error}. Set KHULASA_DB to a writable file.") from None
        with self._connect() as db:
            db.execute("PRAGMA journal_mode = WAL")
            with _transaction(db):
                _migrate(db, self.path)
                _refold(db)

    def save(self, analysis: Analysis, *, title: str, source: str | None = None) -> int:
        """Store a finished analysis with its article text; returns the new entry's id."""
        if analysis.stage != "done":
            raise ValueError(f"Only a finished analysis can be saved, not one at stage {analysis.stage!r}.")
        title = " ".join(title.split()) or title_of(analysis)
        row = {
            "title": title, "source": source, "text": analysis.text,
            "created": datetime.now(UTC).isoformat(timespec="microseconds"),
            "analysis": json.dumps(to_json(analysis), ensure_ascii=False),
            "search": _search_key(title, source, analysis.text),
        }
        with self._connect() as db, _transaction(db):
            cursor = db.execute("INSERT INTO analyses (title, source, text, created, analysis, search) "
                                "VALUES (:title, :source, :text, :created, :analysis, :search)", row)
            return int(cursor.lastrowid)

    def get(self, entry_id: int) -> Analysis:
        """The saved analysis, equal to the one saved; `KeyError` if there is no such entry."""
        with self._connect() as db:
            row = db.execute("SELECT analysis, text FROM analyses WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(f"No saved analysis has id {entry_id}.")
        return from_json(json.loads(row[0]), row[1])

    def mark_checked(self, entry_id: int, check: Check, checked: bool = True) -> Analysis:
        """Set the checked mark of one finding of the saved analysis (matched whatever its mark) and return the
        analysis as now saved; other findings keep the marks saved, even by another session. `KeyError` if there
        is no such entry or finding."""
        with self._connect() as db, _transaction(db):
            row = db.execute("SELECT analysis, text FROM analyses WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise KeyError(f"No saved analysis has id {entry_id}.")
            analysis = from_json(json.loads(row[0]), row[1])
            wanted = replace(check, checked=False)
            if wanted not in (replace(saved, checked=False) for saved in analysis.checks):
                raise KeyError(f"The saved analysis {entry_id} has no such finding.")
            analysis = replace(analysis, checks=tuple(replace(saved, checked=checked)
                                                      if replace(saved, checked=False) == wanted else saved
                                                      for saved in analysis.checks))
            db.execute("UPDATE analyses SET analysis = ? WHERE id = ?",
                       (json.dumps(to_json(analysis), ensure_ascii=False), entry_id))
        return analysis

    def update(self, entry_id: int, analysis: Analysis) -> Analysis:
        """Replace the saved analysis of an entry by `analysis` (the same article, its texts edited) and return it
        as now saved: a finding marked checked in the file, even by another session since, stays marked where
        `analysis` still has it. `KeyError` if there is no such entry; `ValueError` for another article's text."""
        with self._connect() as db, _transaction(db):
            row = db.execute("SELECT analysis, text FROM analyses WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                raise KeyError(f"No saved analysis has id {entry_id}.")
            if row[1] != analysis.text:
                raise ValueError(f"The saved analysis {entry_id} is of another article.")
            marked = {replace(check, checked=False) for check in from_json(json.loads(row[0]), row[1]).checks
                      if check.checked}
            analysis = replace(analysis, checks=tuple(
                replace(check, checked=True) if replace(check, checked=False) in marked else check
                for check in analysis.checks))
            db.execute("UPDATE analyses SET analysis = ? WHERE id = ?",
                       (json.dumps(to_json(analysis), ensure_ascii=False), entry_id))
        return analysis

    def list(self, query: str = "", limit: int = 50) -> list[HistoryEntry]:
        """The newest entries first; with a query, those whose title, source or text hold every word of it."""
        words = terms(query)
        where = " AND ".join(["instr(search, ?) > 0"] * len(words)) or "1"
        # Without a query the snippet is the text's start, so only that much is read.
        text = "text" if words else f"substr(text, 1, {2 * SNIPPET_WIDTH})"
        with self._connect() as db:
            rows = db.execute(f"SELECT id, title, created, source, {text} FROM analyses WHERE {where} "
                              "ORDER BY id DESC LIMIT ?", (*words, limit)).fetchall()
        return [HistoryEntry(id=row[0], title=row[1], created=datetime.fromisoformat(row[2]),
                             snippet=snippet(row[4], words), source=row[3]) for row in rows]

    def delete(self, entry_id: int) -> bool:
        """Remove the entry and overwrite its text in the file; False if there was no such entry."""
        with self._connect() as db:
            with _transaction(db):
                deleted = db.execute("DELETE FROM analyses WHERE id = ?", (entry_id,)).rowcount
            # Copy the zeroed pages into the main file and empty the WAL, which still holds the old ones.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return bool(deleted)

    def glossary(self) -> Glossary | None:
        """The newsroom glossary saved on this computer, or None when none was ever saved (an empty one was
        cleared by the desk, and is kept as a choice)."""
        with self._connect() as db:
            saved = dict(db.execute("SELECT name, value FROM settings WHERE name IN ('glossary', 'glossary-name')")
                         .fetchall())
        return from_csv(saved["glossary"], saved.get("glossary-name", "")) if "glossary" in saved else None

    def save_glossary(self, glossary: Glossary) -> None:
        """Keep `glossary` (its terms as `to_csv` writes them, and its name) for every session and the next start,
        in place of the one saved before."""
        with self._connect() as db, _transaction(db):
            db.executemany("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)",
                           (("glossary", to_csv(glossary)), ("glossary-name", glossary.name)))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as error:
            raise HistoryError(f"Cannot open the history database {self.path}: {error}. Set KHULASA_DB to a "
                               "writable file.") from None
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA secure_delete = ON")
            yield db
        except sqlite3.DatabaseError as error:
            raise HistoryError(f"The history database {self.path} cannot be used: {error}. If it is damaged, move "
                               "it away (a new one is created) or set KHULASA_DB to another file.") from None
        finally:
            db.close()


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _v1_analyses(db: sqlite3.Connection) -> None:
    # AUTOINCREMENT: the id of a deleted entry is never reused, so a stale id cannot open another article.
    db.execute("CREATE TABLE analyses (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, "
               "created TEXT NOT NULL, text TEXT NOT NULL, analysis TEXT NOT NULL)")


def _v2_source_and_search(db: sqlite3.Connection) -> None:
    """The file an article came from, and the folded copy of title, source and text that search compares."""
    db.execute("ALTER TABLE analyses ADD COLUMN source TEXT")
    db.execute("ALTER TABLE analyses ADD COLUMN search TEXT NOT NULL DEFAULT ''")
    for (entry_id,) in db.execute("SELECT id FROM analyses").fetchall():
        title, text = db.execute("SELECT title, text FROM analyses WHERE id = ?", (entry_id,)).fetchone()
        db.execute("UPDATE analyses SET search = ? WHERE id = ?", (_search_key(title, None, text), entry_id))


def _search_key(title: str, source: str | None, text: str) -> str:
    return fold("\n".join((title, source or "", text)))


def _v3_settings(db: sqlite3.Connection) -> None:
    """Facts about the file itself, e.g. which folding its search copies were made with, and the desk's own
    settings kept with the history, e.g. its glossary."""
    db.execute("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")


# Append only: each file is brought from its `user_version` to `len(MIGRATIONS)` by the steps it lacks.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1_analyses, _v2_source_and_search, _v3_settings)


def _refold(db: sqlite3.Connection) -> None:
    """Remake every entry's search copy when the folding has changed since they were made (a new release of
    the Arabic normaliser), so that old entries are found exactly as new ones."""
    row = db.execute("SELECT value FROM settings WHERE name = 'folding'").fetchone()
    if row is not None and row[0] == folding():
        return
    for entry_id, title, source, text in db.execute("SELECT id, title, source, text FROM analyses").fetchall():
        db.execute("UPDATE analyses SET search = ? WHERE id = ?", (_search_key(title, source, text), entry_id))
    db.execute("INSERT OR REPLACE INTO settings (name, value) VALUES ('folding', ?)", (folding(),))


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise HistoryError(f"The history database {path} was written by a newer Khulasa (schema {version}; this "
                           f"one knows {len(MIGRATIONS)}): update Khulasa or set KHULASA_DB to another file.")
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        step(db)
        db.execute(f"PRAGMA user_version = {number}")
