"""Issue 23: the sidebar chooses key sentences; the page quotes them over their translations, the history keeps the
kind, and with the summarizer switched off the desk quotes and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.types import KEY_SENTENCES
from history.store import History
from tests.app.test_app import analyse, html_of, new_app


def use(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_key_sentences_chosen_in_the_sidebar_are_quoted_and_kept_in_the_history(
        tiny_env: dict[str, str], db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use({**tiny_env, "KHULASA_DB": str(db)}, monkeypatch)
    at: AppTest = new_app()
    at.sidebar.radio(key="sidebar-summary-kind").set_value(KEY_SENTENCES).run()
    at.sidebar.number_input(key="sidebar-key-sentences").set_value(2).run()
    analyse(at)
    assert not at.exception
    analysis = at.session_state["finished"].analysis
    assert analysis.summary.strategy == KEY_SENTENCES and len(analysis.summary.sentences) == 2
    panel = html_of(at, "khulasa-summary khulasa-key-sentences")
    for index in analysis.summary.sentences:
        assert f'data-sentence="{index}"' in panel
    assert "quoted verbatim" in "".join(element.value for element in at.html)
    assert History(db).get(at.session_state["finished"].entry).summary == analysis.summary


def test_a_switched_off_summarizer_quotes_and_says_why(
        tiny_env: dict[str, str], db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use({**tiny_env, "KHULASA_DB": str(db), "KHULASA_SUMMARIZER": "none"}, monkeypatch)
    at: AppTest = new_app()
    assert at.sidebar.radio(key="sidebar-summary-kind").disabled
    analyse(at)
    assert not at.exception and not at.warning  # a choice, not a partial analysis
    analysis = at.session_state["finished"].analysis
    assert analysis.summary.strategy == KEY_SENTENCES
    assert "KHULASA_SUMMARIZER=none" in "".join(element.value for element in at.html)
