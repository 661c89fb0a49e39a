"""The sidebar's translation mode: Best translates the next analysis with the best translator, and the history
keeps which mode made each translation."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from history.store import History
from tests.app.test_app import analyse, new_app


def test_best_mode_in_the_sidebar_translates_with_the_best_model_and_the_history_keeps_it(
        tiny_env: dict[str, str], tiny_best_dir: Path, db: Path, monkeypatch) -> None:
    monkeypatch.setenv("KHULASA_TRANSLATOR_BEST", str(tiny_best_dir))
    for name, value in {**tiny_env, "KHULASA_DB": str(db)}.items():
        monkeypatch.setenv(name, value)
    at: AppTest = new_app()
    mode = at.sidebar.radio(key="sidebar-translation")
    assert mode.value == "fast"
    mode.set_value("best").run()
    analyse(at)
    assert not at.exception
    finished = at.session_state["finished"]
    assert finished.analysis.models.translation == "best"
    assert finished.analysis.models.translator == str(tiny_best_dir)
    assert History(db).get(finished.entry).models.translation == "best"
    assert any(str(tiny_best_dir) in text.value for text in at.sidebar.text)
