"""Upload, history and batch through AppTest on the tiny models, each test with its own history database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis.worker import CANCELLED, DONE
from batches.batch_run import BatchRun
from history.store import History
from models.loading import LOAD_COUNTS
from tests.app.test_app import ANALYSE, ANALYSIS_TIMEOUT, analyse, new_app, shown, wait_for_analysis
from tests.sample_files import make_docx

ARTICLE = ["بحث وزير الخارجية التركي مع نظيره القطري ملفي أفغانستان وكازاخستان في اتصال هاتفي.",
           "وقال الوزير إن البلدين يعملان معا من أجل الاستقرار في المنطقة."]


def history_titles(at: AppTest) -> list[str]:
    return [shown(button.label) for button in at.sidebar.button
            if button.key and button.key.startswith("history-open-")]


def test_a_finished_analysis_is_saved_once(app: AppTest, db: Path, seed: str) -> None:
    analyse(app)
    assert not app.exception
    entries = History(db).list()
    assert len(entries) == 1
    assert History(db).get(entries[0].id) == app.session_state["finished"].analysis
    assert history_titles(app) == [entries[0].title]
    [caption] = [caption.value for caption in app.sidebar.caption if "nothing is sent" in caption.value]
    assert str(db) in shown(caption)


def test_reopening_from_history_shows_it_without_running_the_models(app: AppTest, db: Path, seed: str) -> None:
    analyse(app)
    saved = app.session_state["finished"].analysis
    fresh = new_app()  # a new session on the same server and database
    loads = dict(LOAD_COUNTS)
    entry = History(db).list()[0]
    fresh.sidebar.button(key=f"history-open-{entry.id}").click().run()
    assert not fresh.exception
    assert fresh.session_state["finished"].analysis == saved
    assert fresh.session_state["finished"].generated == entry.created
    assert fresh.text_area(key="article-text").value == seed
    assert "runs" not in fresh.session_state
    assert LOAD_COUNTS == loads
    assert not fresh.status  # no analysis ran on this page
    assert any('class="khulasa-summary"' in element.value for element in fresh.html)
    assert fresh.download_button(key="export-download").label == "Download Markdown"


def test_search_filters_the_history(app: AppTest, db: Path) -> None:
    analyse(app)
    analysis = app.session_state["finished"].analysis
    History(db).save(analysis, title="Weather in Amman", source="amman.txt")
    app.run()
    assert len(history_titles(app)) == 2
    app.sidebar.text_input(key="history-search").input("amman").run()
    assert history_titles(app) == ["Weather in Amman"]
    app.sidebar.text_input(key="history-search").input("no such words anywhere").run()
    assert history_titles(app) == []


def test_delete_asks_first_and_removes_the_entry_only_when_confirmed(app: AppTest, db: Path) -> None:
    analyse(app)
    entry = History(db).list()[0]
    app.sidebar.button(key=f"history-delete-{entry.id}").click().run()
    assert not app.exception
    assert History(db).list() == [entry] and "cannot be undone" in app.sidebar.warning[0].value
    app.sidebar.button(key=f"history-keep-{entry.id}").click().run()
    assert History(db).list() == [entry] and not app.sidebar.warning

    app.sidebar.button(key=f"history-delete-{entry.id}").click().run()
    app.sidebar.button(key=f"history-really-{entry.id}").click().run()
    assert not app.exception
    assert History(db).list() == []
    assert history_titles(app) == []


def test_a_corrupt_database_shows_an_error_and_analysis_still_works(app: AppTest, db: Path) -> None:
    db.write_bytes(b"this is not a SQLite database, " * 100)
    fresh = new_app()
    assert not fresh.exception
    assert "history database" in fresh.sidebar.error[0].value
    analyse(fresh, ARTICLE[0])
    assert not fresh.exception
    assert fresh.session_state["finished"].analysis.text == ARTICLE[0]
    assert any('class="khulasa-summary"' in element.value for element in fresh.html)


def test_an_uploaded_docx_fills_the_box_and_is_saved_with_its_name(app: AppTest, db: Path) -> None:
    app.file_uploader(key="upload-file").upload("khabar.docx", make_docx(ARTICLE, title="Two ministers")).run()
    assert not app.exception
    assert app.text_area(key="article-text").value == "\n".join(ARTICLE)
    wait_for_analysis(app.button(key=ANALYSE).click().run())
    assert not app.exception
    [entry] = History(db).list()
    assert (entry.title, entry.source) == ("Two ministers", "khabar.docx")


def test_an_unreadable_upload_is_an_error_and_the_box_is_kept(app: AppTest, seed: str) -> None:
    app.button(key="article-sample").click().run()
    app.file_uploader(key="upload-file").upload("khabar.pdf", b"\xd0\xcf\x11\xe0 an old Word file").run()
    assert not app.exception
    assert "'khabar.pdf' is an old Word .doc file" in shown(app.error[0].value)
    assert app.text_area(key="article-text").value == seed


def batch_files() -> list[tuple[str, bytes, str]]:
    return [("one.docx", make_docx(ARTICLE), "application/octet-stream"),
            ("broken.pdf", b"not a pdf at all", "application/pdf"),
            ("two_*new*.txt", ARTICLE[1].encode(), "text/plain")]


def wait_for_batch(at: AppTest) -> AppTest:
    """Wait for this session's batch worker, if one runs, then run the page once so it takes the result."""
    return wait_for_analysis(at, worker="batch-worker")


def wait_for_files(at: AppTest, done: int) -> BatchRun:
    """Wait until this session's batch has finished `done` files, then run the page once; returns the batch."""
    run = at.session_state["batch-worker"]
    deadline = time.monotonic() + ANALYSIS_TIMEOUT
    while run.view().done < done and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()
    return run


def progress_text(at: AppTest) -> str:
    [bar] = at.get("progress")
    return bar.proto.text


def test_batch_reports_each_file_saves_successes_and_offers_a_zip(app: AppTest, db: Path) -> None:
    app.file_uploader(key="batch-files").set_value(batch_files()).run()
    wait_for_batch(app.button(key="batch-run").click().run())
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["File"]) == ["one.docx", "broken.pdf", "two_*new*.txt"]
    assert list(table["Status"])[0] == "analysed" and "broken.pdf" in list(table["Status"])[1]
    assert sorted(entry.source for entry in History(db).list()) == ["one.docx", "two_*new*.txt"]
    assert app.download_button(key="batch-download").label == "Download all (.zip)"
    assert "runs" not in app.session_state and "batch-worker" not in app.session_state

    app.sidebar.text_input(key="history-search").input("no such words").run()  # another widget: nothing re-runs
    assert not app.exception and "batch-worker" not in app.session_state
    assert len(History(db).list()) == 2 and list(app.dataframe[0].value["File"])[0] == "one.docx"


def test_a_click_elsewhere_during_a_batch_does_not_stop_it(app: AppTest, db: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHULASA_SLOW_DOWN_MS", "1500")  # the worker waits after each file: time to click
    app.file_uploader(key="batch-files").set_value(batch_files()).run()
    app.button(key="batch-run").click().run()
    run = app.session_state["batch-worker"]
    assert not run.view().ended and app.button(key="batch-run").disabled
    assert progress_text(app).startswith("0/3 · ") and app.button(key="batch-cancel")

    app.button(key="article-sample").click().run()  # a click elsewhere reruns the whole page mid-batch
    assert not app.exception
    assert app.session_state["batch-worker"] is run and not run.view().ended
    app.button(key=ANALYSE).click().run()  # and a single analysis beside the batch, on the same models
    assert app.session_state["batch-worker"] is run and not run.view().ended
    wait_for_analysis(wait_for_batch(app))
    assert not app.exception and run.view().state == DONE
    assert list(app.dataframe[0].value["File"]) == ["one.docx", "broken.pdf", "two_*new*.txt"]
    assert app.session_state["finished"].analysis.text == app.text_area(key="article-text").value
    assert sorted(entry.source or "" for entry in History(db).list()) == ["", "one.docx", "two_*new*.txt"]
    assert app.download_button(key="batch-download") and app.download_button(key="export-download")


def test_cancel_keeps_the_finished_files_and_their_zip(app: AppTest, db: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHULASA_SLOW_DOWN_MS", "60000")  # after its first file the worker waits for Cancel
    app.file_uploader(key="batch-files").set_value(batch_files()).run()
    app.button(key="batch-run").click().run()
    run = wait_for_files(app, 1)
    assert shown(progress_text(app)).startswith("1/3 · one.docx analysed · ")
    app.button(key="batch-cancel").click().run()
    wait_for_batch(app)
    assert not app.exception and run.view().state == CANCELLED
    assert list(app.dataframe[0].value["File"]) == ["one.docx"]
    assert "stopped after 1 of 3 files; 2 not analysed" in app.info[0].value
    assert [entry.source for entry in History(db).list()] == ["one.docx"]
    assert app.download_button(key="batch-download")


def test_file_names_in_the_progress_line_are_escaped(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHULASA_SLOW_DOWN_MS", "60000")
    app.file_uploader(key="batch-files").set_value([
        ("![x](http://127.0.0.1:9/x.png).txt", ARTICLE[0].encode(), "text/plain"),
        ("two.txt", ARTICLE[1].encode(), "text/plain")]).run()
    app.button(key="batch-run").click().run()
    run = wait_for_files(app, 1)
    text = progress_text(app)
    run.cancel()
    wait_for_batch(app)
    assert "![x]" not in text and "\\!\\[x\\]" in text


def test_an_upload_into_a_box_that_holds_text_offers_undo(app: AppTest, seed: str) -> None:
    app.button(key="article-sample").click().run()
    app.file_uploader(key="upload-file").upload("khabar.docx", make_docx(ARTICLE)).run()
    assert app.text_area(key="article-text").value == "\n".join(ARTICLE)
    assert "replaced the text" in app.info[0].value
    app.button(key="upload-undo").click().run()
    assert not app.exception
    assert app.text_area(key="article-text").value == seed
    assert not [button for button in app.button if button.key == "upload-undo"]
