"""The desk's editor through AppTest on the tiny models: save, discard, restore, choose, and what each changes in
the session, the checks, the highlights and the history (issue 23)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from history.store import History
from tests.app.test_app import analyse, html_of, new_app

ADDED = "The ministers met 1999 times."  # a number no sentence of the sample holds


@pytest.fixture(scope="module")
def desk(tiny_env: dict[str, str]) -> Iterator[AppTest]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in tiny_env.items():
            patch.setenv(name, value)
        yield analyse(new_app())


def text_box(at: AppTest):
    boxes = [box for box in at.text_input if box.key and box.key.startswith("editor-") and "-text-" in box.key]
    assert len(boxes) == 1
    return boxes[0]


def pick(at: AppTest, target: int | str) -> AppTest:
    return at.selectbox(key="editor-target").select(target).run()


def saved(tiny_env: dict[str, str], at: AppTest):
    finished = at.session_state["finished"]
    return History(Settings.from_env(tiny_env).db_path).get(finished.entry)


def findings(analysis, index: int) -> list[tuple[str, str]]:
    return [(check.kind, check.text) for check in analysis.checks if check.where == "sentence" and
            check.index == index]


def test_a_saved_edit_is_marked_rechecked_and_in_the_history(desk: AppTest, tiny_env: dict[str, str]) -> None:
    pick(desk, 0)
    machine = desk.session_state["finished"].analysis.sentences[0].translation
    text_box(desk).input(ADDED)
    desk.button(key="editor-save").click().run()
    assert not desk.exception
    analysis = desk.session_state["finished"].analysis
    assert analysis.sentences[0].translation == ADDED and analysis.sentences[0].edited
    assert analysis.sentences[0].machine == machine
    assert ("number_added", "1999") in findings(analysis, 0)
    assert 'class="en edited' in html_of(desk, "khulasa-translation").replace(" flagged", "")
    assert saved(tiny_env, desk) == analysis
    text_box(desk).input(ADDED.replace(" 1999", ""))
    desk.button(key="editor-save").click().run()
    fixed = desk.session_state["finished"].analysis
    assert ("number_added", "1999") not in findings(fixed, 0) and saved(tiny_env, desk) == fixed


def test_discard_puts_back_the_text_and_changes_nothing(desk: AppTest) -> None:
    pick(desk, 1)
    before = desk.session_state["finished"].analysis
    text_box(desk).input("Not to be kept.")
    desk.button(key="editor-discard").click().run()
    assert text_box(desk).value == before.sentences[1].translation
    assert desk.session_state["finished"].analysis == before


def test_restore_gives_back_the_machines_translation(desk: AppTest, tiny_env: dict[str, str]) -> None:
    pick(desk, 2)
    machine = desk.session_state["finished"].analysis.sentences[2].translation
    text_box(desk).input("By hand.")
    desk.button(key="editor-save").click().run()
    assert desk.session_state["finished"].analysis.sentences[2].edited
    desk.button(key="editor-restore").click().run()
    sentence = desk.session_state["finished"].analysis.sentences[2]
    assert sentence.translation == machine and not sentence.changed
    assert text_box(desk).value == machine and saved(tiny_env, desk).sentences[2] == sentence


def test_alternatives_are_asked_for_then_one_is_chosen(desk: AppTest, tiny_env: dict[str, str]) -> None:
    pick(desk, 3)
    assert not [button for button in desk.button if button.key and button.key.startswith("editor-choose")]
    desk.button(key="editor-ask").click().run()
    choices = [button for button in desk.button if button.key and button.key.startswith("editor-choose")]
    assert choices
    choices[0].click().run()
    sentence = desk.session_state["finished"].analysis.sentences[3]
    assert sentence.chosen and not sentence.edited and sentence.translation != sentence.machine
    assert saved(tiny_env, desk).sentences[3] == sentence


def test_the_english_summary_is_edited_like_a_sentence(desk: AppTest, tiny_env: dict[str, str]) -> None:
    pick(desk, "summary-en")
    text_box(desk).input("A summary by hand, 1999.")
    desk.button(key="editor-save").click().run()
    summary = desk.session_state["finished"].analysis.summary
    assert summary.en_edited and summary.en == "A summary by hand, 1999." and summary.en_machine
    assert saved(tiny_env, desk).summary == summary
