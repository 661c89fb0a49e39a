"""The glossary panel through AppTest on the tiny models: upload, edit, problems, kept with the history, and the
analysis it changes; each test with its own history database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Dataframe

from core.types import Glossary
from history.store import History
from tests.app.test_app import ARABIC, analyse, new_app, shown

GLOSSARY = "تركيا,Türkiye\nمصر\nأفغانستان,Afghanistan\nAnkara,أنقرة\nكازاخستان,Kazakhstan\n"


def editor(at: AppTest) -> Dataframe:
    [table] = [table for table in at.data_editor if table.key and table.key.startswith("glossary-table-")]
    return table


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    [uploader] = [box for box in at.file_uploader if box.key.startswith("glossary-file-")]
    return uploader.upload(name, data).run()


def table_rows(at: AppTest) -> list[tuple[str, str]]:
    return [tuple(row) for row in editor(at).value.itertuples(index=False)]


def warnings(at: AppTest) -> list[str]:
    return [shown(warning.value) for warning in at.sidebar.warning]


def kept(db: Path) -> list[tuple[str, str]] | None:
    glossary = History(db).glossary()
    return None if glossary is None else [(term.arabic, term.english) for term in glossary.terms]


def test_an_uploaded_glossary_fills_the_table_lists_bad_lines_and_is_kept(app: AppTest, db: Path) -> None:
    upload(app, "desk.csv", GLOSSARY.encode())
    assert not app.exception
    terms = [("تركيا", "Türkiye"), ("أفغانستان", "Afghanistan"), ("كازاخستان", "Kazakhstan")]
    assert table_rows(app) == terms
    [problems] = warnings(app)
    assert "desk.csv: rows not used" in problems
    assert "line 2: one column ('مصر')" in problems and "line 4: 'Ankara' holds no Arabic letters" in problems
    assert kept(db) == terms
    assert History(db).glossary().name == "desk.csv"


def test_a_reload_and_a_second_tab_find_the_kept_glossary(app: AppTest, db: Path) -> None:
    upload(app, "desk.csv", GLOSSARY.encode())
    second = new_app()  # a new session on the same database: a reload, or another tab
    assert table_rows(second) == table_rows(app)
    upload(second, "other.tsv", "أنقرة\tAnkara\n".encode())
    app.run()  # the first tab, on its next run, follows the glossary the second one kept
    assert table_rows(app) == [("أنقرة", "Ankara")]


def test_edits_are_checked_like_file_rows_and_only_usable_rows_are_kept(app: AppTest, db: Path) -> None:
    upload(app, "desk.csv", "تركيا,Türkiye\nأفغانستان,Afghanistan\n".encode())
    table = editor(app).key
    app.session_state[table] = {"edited_rows": {1: {"English": "Afghanistan (the country)"}},
                                "added_rows": [{"Arabic": "قطر", "English": "Qatar"}, {"Arabic": "مصر"}],
                                "deleted_rows": [0]}
    app.run()
    assert not app.exception
    assert kept(db) == [("أفغانستان", "Afghanistan (the country)"), ("قطر", "Qatar")]
    [problems] = warnings(app)
    assert "Rows of the table not used until fixed" in problems and "row 3: the English side of 'مصر' is empty" \
        in problems
    assert app.session_state[table]["added_rows"][1] == {"Arabic": "مصر"}  # the unfinished row stays in the table
    app.session_state[table] = {**app.session_state[table], "added_rows": [{"Arabic": "قطر", "English": "Qatar"},
                                                                           {"Arabic": "مصر", "English": "Egypt"}]}
    app.run()
    assert kept(db)[-1] == ("مصر", "Egypt") and not warnings(app)


def test_khulasa_glossary_is_used_until_the_desk_keeps_one_and_clear_keeps_an_empty_one(
    tiny_env: dict[str, str], db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = tmp_path / "newsroom.tsv"
    desk.write_text("أنقرة\tAnkara\nمصر\n", encoding="utf-8")
    for name, value in {**tiny_env, "KHULASA_DB": str(db), "KHULASA_GLOSSARY": str(desk)}.items():
        monkeypatch.setenv(name, value)
    app = new_app()
    assert table_rows(app) == [("أنقرة", "Ankara")]
    assert "line 2: one column ('مصر')" in warnings(app)[0]
    assert "From KHULASA_GLOSSARY" in shown(app.sidebar.caption[0].value)
    assert kept(db) is None  # the file's glossary is not copied into the history while it is not edited

    upload(app, "desk.csv", "تركيا,Türkiye\n".encode())
    again = new_app()
    assert table_rows(again) == [("تركيا", "Türkiye")]
    assert f"wins over KHULASA_GLOSSARY ({desk})" in shown(again.sidebar.caption[0].value)

    again.sidebar.button(key="glossary-clear").click().run()
    assert kept(db) == [] and table_rows(again) == []
    assert table_rows(new_app()) == []  # cleared stays cleared: the file does not come back


def test_the_next_analysis_carries_the_glossary(app: AppTest) -> None:
    upload(app, "desk.csv", "أفغانستان,Afghanistan\nكازاخستان,Kazakhstan\n".encode())
    analyse(app, ARABIC)
    assert not app.exception
    analysis = app.session_state["finished"].analysis
    # The tiny translator writes nonsense: each term is now written as listed, or a finding says where it is not.
    applied = {term.arabic for term in analysis.glossary}
    findings = [check.detail for check in analysis.checks if check.kind == "glossary"]
    for term in ("أفغانستان", "كازاخستان"):
        assert term in applied or any(f"'{term}'" in detail for detail in findings), term

def test_markdown_in_a_glossary_is_shown_as_text(app: AppTest, db: Path) -> None:
    hostile = "![x](http://127.0.0.1:9/x.png),[l](http://127.0.0.1:9/l) **b**\n"
    upload(app, "**desk**.csv", hostile.encode())
    assert not app.exception
    [problem] = [warning.value for warning in app.sidebar.warning]
    assert "\\!\\[x\\]\\(http\\:" in problem and "\\*\\*desk\\*\\*" in problem
    assert "line 1: '![x](http://127.0.0.1:9/x.png)' holds no Arabic letters" in shown(problem)
    assert History(db).glossary() == Glossary("**desk**.csv")
