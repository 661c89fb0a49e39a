"""The history in the sidebar: every finished analysis is saved on this computer and can be searched, reopened
(without running the models) and deleted.

One `History` per database path and server (`st.cache_resource`). A database that cannot be used (damaged, or
written by a newer Khulasa) shows its message in the sidebar; the rest of the page works without history.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

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
                  source: str | None = None) -> None:
    """Save a finished analysis; a failure is shown as a warning and costs only the history entry."""
    if isinstance(history, HistoryError):
        return
    try:
        history.save(finished.analysis, title=title, source=source)
    except HistoryError as error:
        st.warning(f"The analysis was not saved to the history: {error}", icon=":material/history:")


def history_sidebar(history: History | HistoryError, *, slot: str, text_key: str, on_open: Callable[[], None],
                    key: str) -> None:
    """The "History" section: search, the saved analyses (newest first), open and delete. Opening one calls
    `on_open`, then puts it into `st.session_state[slot]` (as a `Finished`) and its text into
    `st.session_state[text_key]`."""
    with st.sidebar:
        st.header("History")
        if isinstance(history, HistoryError):
            st.error(str(history), icon=":material/error:")
            return
        st.caption(f"Saved on this computer only, in `{history.path}`; nothing is sent anywhere.")
        query = st.text_input("Search the history", key=f"{key}-search", placeholder="title or text")
        try:
            entries = history.list(query, limit=LIST_LIMIT)
        except HistoryError as error:
            st.error(str(error), icon=":material/error:")
            return
        if not entries:
            st.caption("No saved analysis matches." if query.strip() else "Finished analyses are saved here.")
        for entry in entries:
            title, delete = st.columns([5, 1], vertical_alignment="center")
            title.button(entry.title, key=f"{key}-open-{entry.id}", on_click=_reopen, width="stretch",
                         args=(history, entry, slot, text_key, on_open, key), help=entry.snippet)
            delete.button("", key=f"{key}-delete-{entry.id}", icon=":material/delete:", on_click=_delete,
                          args=(history, entry.id, key), help="Delete from the history")
            title.caption(f"{entry.created:%Y-%m-%d %H:%M} UTC" + (f" · {entry.source}" if entry.source else ""))
        problem = st.session_state.pop(f"{key}-problem", None)
        if problem:
            st.error(problem, icon=":material/error:")


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
    st.session_state[slot] = Finished(analysis, entry.created)
    st.session_state[text_key] = analysis.text


def _delete(history: History, entry_id: int, key: str) -> None:
    try:
        history.delete(entry_id)
    except HistoryError as error:
        st.session_state[f"{key}-problem"] = str(error)
