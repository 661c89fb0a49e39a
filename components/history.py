"""The history in the sidebar: every finished analysis is saved on this computer and can be searched, reopened
(without running the models) and deleted (after a confirmation). Titles, snippets and file names are article
text, so they reach the sidebar's Markdown-rendering labels through `literal`.

One `History` per database path and server (`st.cache_resource`). A database that cannot be used (damaged, or
written by a newer Khulasa) shows its message in the sidebar; the rest of the page works without history.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace

import streamlit as st

from components.widget_text import literal
from core.errors import HistoryError
from core.settings import Settings
from core.types import Finished
from history.store import History, HistoryEntry

LIST_LIMIT = 30


@st.cache_resource(show_spinner=False)
def _open(path: str) -> History:
    return History(path)


def open_history(settings: Settings) -> History | HistoryError:
    """The history at `settings.db_path`, or the error that keeps it from being used."""
    try:
        return _open(settings.db_path)
    except HistoryError as error:
        return error


def save_finished(history: History | HistoryError, finished: Finished, *, title: str = "",
                  source: str | None = None) -> Finished:
    """Save a finished analysis and return it with its history `entry`; a failure is shown as a warning and
    costs only the history entry (the analysis comes back unsaved)."""
    if isinstance(history, HistoryError):
        return finished
    try:
        return replace(finished, entry=history.save(finished.analysis, title=title, source=source))
    except HistoryError as error:
        st.warning(literal(f"The analysis was not saved to the history: {error}"), icon=":material/history:")
        return finished


def history_sidebar(history: History | HistoryError, *, slot: str, text_key: str, on_open: Callable[[], None],
                    key: str) -> None:
    """The "History" section: search, the saved analyses (newest first), open and delete. Opening one calls
    `on_open`, then puts it into `st.session_state[slot]` (as a `Finished`) and its text into
    `st.session_state[text_key]`."""
    with st.sidebar:
        st.header("History")
        if isinstance(history, HistoryError):
            st.error(literal(str(history)), icon=":material/error:")
            return
        st.caption(f"Saved on this computer only, in {literal(str(history.path))}; nothing is sent anywhere.")
        query = st.text_input("Search the history", key=f"{key}-search", placeholder="title or text")
        try:
            entries = history.list(query, limit=LIST_LIMIT)
        except HistoryError as error:
            st.error(literal(str(error)), icon=":material/error:")
            return
        if not entries:
            st.caption("No saved analysis matches." if query.strip() else "Finished analyses are saved here.")
        if style := _rtl_titles(entries, key=key):
            st.html(style)
        for entry in entries:
            _entry(history, entry, slot=slot, text_key=text_key, on_open=on_open, key=key)
        problem = st.session_state.pop(f"{key}-problem", None)
        if problem:
            st.error(literal(problem), icon=":material/error:")


def _entry(history: History, entry: HistoryEntry, *, slot: str, text_key: str, on_open: Callable[[], None],
           key: str) -> None:
    """One saved analysis: its title (opens it), when and from which file, and a delete that asks first."""
    title, delete = st.columns([5, 1], vertical_alignment="center")
    title.button(literal(entry.title), key=f"{key}-open-{entry.id}", on_click=_reopen, width="stretch",
                 args=(history, entry, slot, text_key, on_open, key), help=literal(entry.snippet))
    delete.button("", key=f"{key}-delete-{entry.id}", icon=":material/delete:", on_click=_ask_delete,
                  args=(entry.id, key), help="Delete from the history (asks first)")
    title.caption(f"{entry.created:%Y-%m-%d %H:%M} UTC" + (f" · {literal(entry.source)}" if entry.source else ""))
    if st.session_state.get(f"{key}-confirm") == entry.id:
        st.warning("Delete this analysis from the history? This cannot be undone.", icon=":material/delete:")
        really, keep = st.columns(2)
        really.button("Delete", key=f"{key}-really-{entry.id}", type="primary", on_click=_delete,
                      args=(history, entry.id, key), width="stretch")
        keep.button("Keep", key=f"{key}-keep-{entry.id}", on_click=_ask_delete, args=(None, key), width="stretch")


def _rtl_titles(entries: list[HistoryEntry], *, key: str) -> str:
    """CSS that sets the titles written right to left (Arabic ones) right to left, so that a title too long for
    its button is cut at its end, not at its start."""
    rules = ",".join(f".st-key-{key}-open-{entry.id} button{inner}" for entry in entries
                     if _right_to_left(entry.title) for inner in ("", " *"))
    return f"<style>{rules}{{direction:rtl;text-align:right}}</style>" if rules else ""


def _right_to_left(text: str) -> bool:
    """Whether the first letter of `text` is written right to left (Arabic script, Hebrew)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in {"R", "AL"}:
            return True
        if direction == "L":
            return False
    return False


def _reopen(history: History, entry: HistoryEntry, slot: str, text_key: str, on_open: Callable[[], None],
            key: str) -> None:
    try:
        analysis = history.get(entry.id)
    except HistoryError as error:
        st.session_state[f"{key}-problem"] = str(error)
        return
    except KeyError:  # deleted in another session since the list was drawn
        st.session_state[f"{key}-problem"] = f"“{entry.title}” is no longer in the history."
        return
    on_open()
    # The export keeps the time the analysis was made, not the time it was reopened.
    st.session_state[slot] = Finished(analysis, entry.created, entry=entry.id)
    st.session_state[text_key] = analysis.text


def _ask_delete(entry_id: int | None, key: str) -> None:
    st.session_state[f"{key}-confirm"] = entry_id


def _delete(history: History, entry_id: int, key: str) -> None:
    st.session_state.pop(f"{key}-confirm", None)
    try:
        history.delete(entry_id)
    except HistoryError as error:
        st.session_state[f"{key}-problem"] = str(error)
