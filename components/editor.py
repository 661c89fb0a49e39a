"""The one editor of the desk: pick a sentence (or either summary), rewrite its text, save or discard, see and
restore the machine's version, ask the translator for alternatives and choose one.

One editor, not a text box per sentence, so the page draws in seconds at any length. Keyboard: Enter in the text
box saves (it submits the form), Escape discards (a few lines of script press Discard). Every change goes through
`analysis.edits`, so the check before publishing is found again at once, then into `st.session_state[slot]` and the
history entry, so the highlights, the export and a reopened entry all show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from analysis.edits import (
    edit_sentence,
    edit_summary,
    machine_sentence,
    machine_summary,
    restore_sentence,
    restore_summary,
    to_review,
)
from analysis.pipeline import load_models
from components.render import render_versions
from components.resources import current_settings
from components.widget_text import literal
from core.errors import HistoryError, KhulasaError
from core.types import Analysis, Finished, Glossary
from history.store import History
from models.translate import ALTERNATIVES

SUMMARY_PARTS = {"summary-en": ("en", "English summary"), "summary-ar": ("ar", "Arabic summary")}
# Escape in the editor's text box presses its Discard button (the component's frame shares the page's origin).
# Each drawing of this frame replaces the listener of the one before: a listener whose frame is gone never runs.
ESCAPE_SCRIPT = """<script>
const page = window.parent.document;
if (page.khulasaEscape) page.removeEventListener("keydown", page.khulasaEscape, true);
page.khulasaEscape = event => {
  if (event.key !== "Escape" || !event.target.closest("[data-testid=stForm]")) return;
  const discard = page.querySelector(".st-key-%(key)s-discard button");
  if (discard) { event.preventDefault(); discard.click(); }
};
page.addEventListener("keydown", page.khulasaEscape, true);
</script>"""


def editor(history: History | HistoryError, *, slot: str, key: str, glossary: Glossary | None = None) -> None:
    """The editor for the finished analysis in `st.session_state[slot]`; each edit finds the findings of the
    newsroom's `glossary` (the sidebar's) again."""
    st.session_state[f"{key}-glossary"] = glossary
    finished: Finished = st.session_state[slot]
    analysis = finished.analysis
    review = to_review(analysis)
    targets = [*(part for part in SUMMARY_PARTS if analysis.summary and analysis.summary.ar.strip()),
               *range(len(analysis.sentences))]
    if not targets:
        return
    # The selectbox is a new widget whenever its labels change (a sentence edited loses "review first"), and a
    # new widget forgets its choice: the target is kept under a key of its own too.
    if st.session_state.get(f"{key}-target") not in targets:
        kept = st.session_state.get(f"{key}-kept")
        st.session_state[f"{key}-target"] = kept if kept in targets else min(review) if review else targets[0]
    target = st.selectbox("Edit", targets, key=f"{key}-target",
                          format_func=lambda item: _label(analysis, item, review))
    st.session_state[f"{key}-kept"] = target
    current, machine, changed = _texts(analysis, target)
    scope = f"{key}-{finished.generated.timestamp():.0f}-{finished.entry}"  # another analysis: other boxes
    # A box is drawn again under a new key after Discard, Restore or a choice: a box inside a form keeps what was
    # typed in the browser however its state is set, so the new text needs a new widget.
    version = f"{scope}-version"
    box = f"{scope}-text-{target}-{st.session_state.setdefault(version, 0)}"
    if box not in st.session_state:
        st.session_state[box] = current
    if changed:
        with st.expander("Show the machine's version"):
            st.html(render_versions(machine, arabic=target == "summary-ar"))
    with st.form(f"{key}-form", border=False, enter_to_submit=True):
        st.text_input("Text", key=box, label_visibility="collapsed")
        save, discard, restore = st.columns(3)
        save.form_submit_button("Save", key=f"{key}-save", icon=":material/check:", type="primary",
                                on_click=_save, args=(history, slot, target, box, key), width="stretch")
        discard.form_submit_button("Discard", key=f"{key}-discard", icon=":material/undo:", width="stretch",
                                   on_click=_renew, args=(version,))
        restore.form_submit_button("Restore the machine's", key=f"{key}-restore", icon=":material/history:",
                                   disabled=not changed, width="stretch",
                                   on_click=_restore, args=(history, slot, target, version, key))
    st.iframe(ESCAPE_SCRIPT % {"key": key}, height=1)
    if isinstance(target, int):
        _alternatives(history, slot=slot, index=target, version=version, key=key, scope=scope)
    if problem := st.session_state.pop(f"{key}-problem", None):
        st.warning(literal(problem), icon=":material/warning:")


def _label(analysis: Analysis, target: int | str, review: frozenset[int]) -> str:
    """"Sentence 3 · review first · edited": numbers and our words only (a selectbox shows plain text anyway)."""
    if isinstance(target, str):
        part, name = SUMMARY_PARTS[target]
        return f"{name} · edited" if getattr(analysis.summary, f"{part}_edited") else name
    sentence = analysis.sentences[target]
    notes = ["review first"] if target in review else []
    notes += ["edited"] if sentence.edited else ["chosen"] if sentence.chosen else []
    return " · ".join([f"Sentence {target + 1}", *notes])


def _texts(analysis: Analysis, target: int | str) -> tuple[str, str, bool]:
    """The target's text now, the machine's, and whether a person changed it."""
    if isinstance(target, str):
        part = SUMMARY_PARTS[target][0]
        summary = analysis.summary
        return getattr(summary, part), machine_summary(summary, part), getattr(summary, f"{part}_edited")
    sentence = analysis.sentences[target]
    return sentence.translation, machine_sentence(sentence), sentence.changed


def _alternatives(history: History | HistoryError, *, slot: str, index: int, version: str, key: str,
                  scope: str) -> None:
    """The translator's alternatives for one sentence, computed only when asked, each a button that chooses it."""
    found_key = f"{scope}-alternatives-{index}"
    if found_key not in st.session_state:
        st.button("Show alternatives", key=f"{key}-ask", icon=":material/alt_route:",
                  on_click=_ask_alternatives, args=(slot, index, found_key, key),
                  help="The translator's best other translations of this sentence (a few seconds).")
        return
    found: list[str] = st.session_state[found_key]
    if not found:
        st.caption("The translator has no other translation of this sentence.")
    for number, text in enumerate(found):
        st.text(text)
        st.button(f"Choose alternative {number + 1}", key=f"{key}-choose-{number}", icon=":material/done:",
                  on_click=_choose, args=(history, slot, index, text, version, key))


def _ask_alternatives(slot: str, index: int, found_key: str, key: str) -> None:
    finished: Finished = st.session_state[slot]
    sentence = finished.analysis.sentences[index]
    try:
        translator = load_models(current_settings(), strict=False).translator
    except KhulasaError as error:
        st.session_state[f"{key}-problem"] = f"No alternatives: {error}"
        return
    if translator is None:
        st.session_state[f"{key}-problem"] = "No alternatives: the translator could not be loaded."
        return
    alternatives = translator.alternatives(sentence.text, ALTERNATIVES, besides=sentence.translation)
    st.session_state[found_key] = [alternative.text for alternative in alternatives]


def _save(history: History | HistoryError, slot: str, target: int | str, box: str, key: str) -> None:
    text = st.session_state[box]
    if isinstance(target, str):
        _apply(history, slot, key, lambda analysis: edit_summary(analysis, SUMMARY_PARTS[target][0], text,
                                                                              glossary=_glossary(key)))
    else:
        _apply(history, slot, key, lambda analysis: edit_sentence(analysis, target, text, glossary=_glossary(key)))


def _choose(history: History | HistoryError, slot: str, index: int, text: str, version: str, key: str) -> None:
    _apply(history, slot, key, lambda analysis: edit_sentence(analysis, index, text, chosen=True,
                                                                glossary=_glossary(key)))
    _renew(version)


def _renew(version: str) -> None:
    """Draw the box again with the text now saved (Discard: what was typed is dropped)."""
    st.session_state[version] += 1


def _restore(history: History | HistoryError, slot: str, target: int | str, version: str, key: str) -> None:
    if isinstance(target, str):
        _apply(history, slot, key, lambda analysis: restore_summary(analysis, SUMMARY_PARTS[target][0],
                                                                                 glossary=_glossary(key)))
    else:
        _apply(history, slot, key, lambda analysis: restore_sentence(analysis, target, glossary=_glossary(key)))
    _renew(version)


def _glossary(key: str) -> Glossary | None:
    return st.session_state.get(f"{key}-glossary")


def _apply(history: History | HistoryError, slot: str, key: str, change: Callable[[Analysis], Analysis]) -> None:
    """Change the finished analysis in the session and in its history entry, if it is saved."""
    finished: Finished = st.session_state[slot]
    analysis = change(finished.analysis)
    if finished.entry is not None and isinstance(history, History):
        try:
            analysis = history.update(finished.entry, analysis)
        except HistoryError as error:
            st.session_state[f"{key}-problem"] = f"The edit was not saved to the history: {error}"
        except KeyError:  # deleted from the history since it was opened
            st.session_state[f"{key}-problem"] = "The edit was not saved: this analysis is no longer in the history."
    st.session_state[slot] = replace(finished, analysis=analysis)
