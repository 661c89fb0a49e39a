"""The local history: saved analyses come back identical, search forgives Arabic spelling, delete really deletes,
two writers can share the file, and a file from an older schema is migrated with its data intact."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analysis.pipeline import Models, analyze
from core.errors import HistoryError
from core.settings import Settings
from core.types import (
    Analysis,
    Check,
    Entity,
    EntityGroup,
    Glossary,
    GlossaryTerm,
    Language,
    ModelNames,
    Problem,
    Sentence,
    Summary,
)
from documents.serialize import from_json, to_json
from history.store import MIGRATIONS, History

TEXT = "التقى وزيرُ الخارجية نظيرَه في أنقرة.\nوقالت الوكالة إن المحادثات تناولت الأزمة في إسرائيل."


def make_analysis(text: str = TEXT) -> Analysis:
    """A finished analysis with every field set, built by hand so each value is known."""
    first, second = text.split("\n")
    sentences = (Sentence(0, len(first), first, "The foreign minister met his counterpart in Ankara."),
                 Sentence(len(first) + 1, len(text), second, "The agency said the talks covered the crisis."))
    city = text.find("أنقرة")
    entities = (Entity(city, city + 5, "LOC", "أنقرة", 0.9731, group=0),) if city >= 0 else ()
    return Analysis(
        text=text,
        language=Language("ar", 0.9999957, arabic_share=0.97),
        sentences=sentences,
        paragraphs=((0,), (1,)),
        summary=Summary("وزير الخارجية في أنقرة.", "The minister in Ankara. Talks went on.", "whole"),
        entities=entities,
        groups=(EntityGroup(0, "أنقرة", "LOC", 1, english="Ankara"),) if entities else (),
        models=ModelNames("tiny-marian", "tiny-mt5", "tiny-ner", "ctranslate2"),
        timings_ms={"load": 12, "ner": 3, "translate": 40, "summarize": 55, "total": 98},
        problems=(Problem("", "The summarizer model was slow."),
                  Problem("summary_en", "failed unexpectedly (RuntimeError: boom).")),
        checks=(Check("number_added", "sentence", 1, 4, 11, "foreign", "in the translation, not in the sentence"),
                Check("name_unsupported", "summary", -1, 17, 22, "أنقرة", "place not in the article",
                      checked=True)),
    )


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "history.sqlite3")


def test_json_round_trip_rebuilds_the_analysis_exactly() -> None:
    analysis = make_analysis()
    assert from_json(json.loads(json.dumps(to_json(analysis))), analysis.text) == analysis


def test_checks_and_their_checked_marks_survive_the_round_trip_and_older_entries_have_none() -> None:
    analysis = make_analysis()
    data = json.loads(json.dumps(to_json(analysis)))
    assert [check["checked"] for check in data["checks"]] == [False, True]
    del data["checks"]
    assert from_json(data, analysis.text).checks == ()


def test_saved_analysis_reopens_identical_in_a_new_history_object(tmp_path: Path) -> None:
    analysis = make_analysis()
    entry_id = History(tmp_path / "h.sqlite3").save(analysis, title="وزير الخارجية في أنقرة", source="a.docx")
    assert History(tmp_path / "h.sqlite3").get(entry_id) == analysis


def test_a_real_analysis_survives_the_round_trip(history: History, tiny_models: Models, tiny_settings: Settings,
                                                 seed: str) -> None:
    analysis = analyze(seed, tiny_models, tiny_settings)
    assert history.get(history.save(analysis, title="seed")) == analysis


def test_list_shows_newest_first_with_title_time_source_and_snippet(history: History) -> None:
    before = datetime.now(UTC)
    first = history.save(make_analysis(), title="  الأول \n", source="one.txt")
    second = history.save(make_analysis(), title="")
    entries = history.list()
    assert [entry.id for entry in entries] == [second, first]
    assert entries[1].title == "الأول" and entries[1].source == "one.txt" and entries[0].source is None
    assert entries[0].title == TEXT.split("\n")[0]  # a blank title falls back to the first sentence
    assert before - timedelta(seconds=1) <= entries[0].created <= datetime.now(UTC)
    assert entries[0].snippet == " ".join(TEXT.split())
    assert len(history.list(limit=1)) == 1


@pytest.mark.parametrize("query", ["وزير الخارجيه", "التقي", "اسرائيل", "إسرائيلَ", "انقره", "ANKARA", "نظيره"])
def test_search_finds_arabic_across_spelling_variants_and_diacritics(history: History, query: str) -> None:
    found = history.save(make_analysis(), title="Talks in Ankara")
    history.save(make_analysis("خبر آخر عن الطقس.\nالجو مشمس غدا."), title="الطقس")
    assert [entry.id for entry in history.list(query)] == [found]


def test_search_needs_every_word_and_matches_titles(history: History) -> None:
    history.save(make_analysis(), title="Talks in Ankara")
    assert history.list("ankara الطقس") == []
    assert [entry.title for entry in history.list("talks")] == ["Talks in Ankara"]


def test_snippet_shows_the_match_in_the_articles_own_spelling(history: History) -> None:
    long_text = "مقدمة طويلة. " * 30 + "\n" + "وقالت الوكالة إن المحادثات تناولت الأزمة في إسرائيل."
    history.save(make_analysis(long_text), title="x")
    (entry,) = history.list("اسرائيل")
    assert "إسرائيل" in entry.snippet and entry.snippet.startswith("…")


def test_delete_removes_the_row_and_its_text_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    secret = make_analysis(TEXT.replace("الأزمة", "مصدر سري جدا لا يجوز كشفه"))
    kept = history.save(make_analysis(), title="kept")
    gone = history.save(secret, title="gone")
    marker = "مصدر سري جدا لا يجوز كشفه".encode()
    assert marker in _file_bytes(path)
    assert history.delete(gone) is True and history.delete(gone) is False
    with pytest.raises(KeyError):
        history.get(gone)
    assert [entry.id for entry in history.list()] == [kept]
    assert marker not in _file_bytes(path)


def test_two_threads_can_save_at_the_same_time(tmp_path: Path) -> None:
    path, errors, ids = tmp_path / "shared.sqlite3", [], []
    History(path)
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        history = History(path)  # each session opens the file on its own
        start.wait()
        try:
            ids.extend(history.save(make_analysis(), title=f"{name} {n}") for n in range(15))
        except Exception as error:  # collected, so the assertion below names it
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 30
    assert len(History(path).list(limit=100)) == 30


def test_one_history_object_is_safe_to_share_between_threads(history: History) -> None:
    threads = [threading.Thread(target=lambda: [history.save(make_analysis(), title="t") for _ in range(10)])
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(history.list(limit=100)) == 30


def test_a_version_1_file_is_migrated_with_its_data_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    analysis = make_analysis()
    with sqlite3.connect(path) as db:  # the schema Khulasa's first history release wrote
        db.execute("CREATE TABLE analyses (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, "
                   "created TEXT NOT NULL, text TEXT NOT NULL, analysis TEXT NOT NULL)")
        db.execute("INSERT INTO analyses (title, created, text, analysis) VALUES (?, ?, ?, ?)",
                   ("قديم", "2026-01-02T03:04:05.000000+00:00", analysis.text, json.dumps(to_json(analysis))))
        db.execute("PRAGMA user_version = 1")
    db.close()
    history = History(path)
    (entry,) = history.list("اسرائيل")
    assert (entry.title, entry.source, entry.created) == ("قديم", None, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert history.get(entry.id) == analysis
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_search_copies_made_with_another_folding_are_remade_when_the_file_is_opened(tmp_path: Path) -> None:
    """Entries saved before the Arabic normaliser changed are found as new ones are; an unchanged folding
    leaves the file alone."""
    path = tmp_path / "history.sqlite3"
    History(path).save(make_analysis(), title="خبر")
    with sqlite3.connect(path) as db:  # as an older release's folding would have left it
        db.execute("UPDATE analyses SET search = 'stale'")
    db.close()
    assert History(path).list("اسرائيل") == []  # same folding: nothing is redone on opening
    with sqlite3.connect(path) as db:
        db.execute("UPDATE settings SET value = 'an older folding' WHERE name = 'folding'")
    db.close()
    (entry,) = History(path).list("اسرائيل")
    assert entry.title == "خبر"


def test_a_file_from_a_newer_khulasa_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    History(path)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer Khulasa"):
        History(path)


def test_a_file_that_is_not_a_database_gives_a_history_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"these are my notes, not a database" * 100)
    with pytest.raises(HistoryError, match=r"cannot be used.*KHULASA_DB"):
        History(path)


def test_unfinished_snapshots_are_not_saved(history: History) -> None:
    with pytest.raises(ValueError, match="finished"):
        history.save(replace(make_analysis(), stage="translation"), title="x")


def test_db_path_comes_from_khulasa_db_else_the_users_data_folder(tmp_path: Path) -> None:
    assert Settings.from_env({"KHULASA_DB": str(tmp_path / "h.db")}).db_path == str(tmp_path / "h.db")
    expected = tmp_path / "data" / "khulasa" / "history.sqlite3"
    assert Settings.from_env({"XDG_DATA_HOME": str(tmp_path / "data")}).db_path == str(expected)


def _file_bytes(path: Path) -> bytes:
    """The database and whatever its WAL still holds."""
    return b"".join(file.read_bytes() for file in (path, path.with_name(path.name + "-wal")) if file.exists())


def test_a_checked_mark_is_saved_and_read_back_and_can_be_taken_back(history: History) -> None:
    analysis = make_analysis()
    entry_id = history.save(analysis, title="marks")
    first, second = analysis.checks
    saved = history.mark_checked(entry_id, first)
    assert [check.checked for check in saved.checks] == [True, True]
    assert History(history.path).get(entry_id) == saved
    assert [check.checked for check in history.mark_checked(entry_id, second, False).checks] == [True, False]
    assert [check.checked for check in history.get(entry_id).checks] == [True, False]


def test_marks_from_two_sessions_on_one_entry_are_both_kept(history: History) -> None:
    analysis = make_analysis()
    entry_id = history.save(replace(analysis, checks=tuple(replace(c, checked=False) for c in analysis.checks)),
                            title="two sessions")
    first, second = analysis.checks
    History(history.path).mark_checked(entry_id, first)
    history.mark_checked(entry_id, second)  # this session never saw the first mark
    assert [check.checked for check in history.get(entry_id).checks] == [True, True]


def test_marking_an_unknown_entry_or_finding_is_a_key_error(history: History) -> None:
    analysis = make_analysis()
    entry_id = history.save(analysis, title="x")
    with pytest.raises(KeyError):
        history.mark_checked(entry_id + 1, analysis.checks[0])
    with pytest.raises(KeyError):
        history.mark_checked(entry_id, replace(analysis.checks[0], text="other"))


def test_a_saved_glossary_is_found_by_another_history_object_and_replaced_by_the_next(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    assert History(path).glossary() is None
    glossary = Glossary("desk.csv", (GlossaryTerm("أنقرة", "Ankara", 1),
                                     GlossaryTerm("الخارجية التركية", "Ministry of Foreign Affairs, Türkiye", 2)))
    History(path).save_glossary(glossary)
    assert History(path).glossary() == glossary
    History(path).save_glossary(Glossary("edited", (GlossaryTerm("تركيا", "Türkiye", 1),)))
    assert History(path).glossary() == Glossary("edited", (GlossaryTerm("تركيا", "Türkiye", 1),))


def test_a_cleared_glossary_is_kept_as_empty_not_forgotten(history: History) -> None:
    history.save_glossary(Glossary("desk.csv", (GlossaryTerm("أنقرة", "Ankara", 1),)))
    history.save_glossary(Glossary(""))
    assert history.glossary() == Glossary("")
