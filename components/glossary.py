"""The newsroom glossary in the sidebar: upload a TSV or CSV, edit its terms in one table, download it as CSV, clear.

The glossary is kept on this computer with the history (`History.save_glossary`), so a reload or another tab finds
it. `KHULASA_GLOSSARY` is the glossary until the desk keeps one here (an upload, an edit or Clear); from then on
the kept one wins. Its terms go into `Options.glossary` for the next analysis and batch.

The table starts from a base glossary (the kept one, the file's, or an upload) and Streamlit keeps the edits made
on it; rows with a problem stay in the table, listed by row number, and are kept only once fixed. Uploading,
clearing or a glossary kept by another tab starts a new table (its key carries a generation number). Problems
quote the file's text, so they reach the Markdown-rendering alerts through `literal`; terms are table cells.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis.pipeline import Options
from components.widget_text import literal
from core.errors import HistoryError, InputError
from core.settings import Settings
from core.types import Glossary
from documents.glossary import GlossaryProblem, glossary_from_rows, read_glossary, to_csv
from history.store import History

COLUMNS = ("Arabic", "English")
PROBLEMS_SHOWN = 20
TABLE_HEIGHT = 320


def glossary_sidebar(history: History | HistoryError, settings: Settings, options: Options, *, key: str) -> Options:
    """The "Glossary" section of the sidebar; returns `options` with the glossary of the table (None when it
    holds no term)."""
    store = history if isinstance(history, History) else None
    with st.sidebar:
        st.header("Glossary")
        saved = _saved(store)
        _follow(saved, settings, key=key)
        st.caption(_source(saved, store, settings))
        generation = st.session_state[f"{key}-generation"]
        st.file_uploader("Upload a glossary (TSV or CSV)", type=["tsv", "csv", "txt"],
                         key=f"{key}-file-{generation}", on_change=_upload, args=(store, key),
                         help="One Arabic term and the English the desk writes for it on each row; "
                              "see docs/GLOSSARY.md. It replaces the glossary in the table.")
        if file_problems := st.session_state.get(f"{key}-file-problems"):
            _problems_box(*file_problems, where="line")
        glossary = _table(store, key=key, generation=generation)
        st.caption(f"{len(glossary.terms):,} terms apply to the next analysis and batch." if glossary.terms
                   else "No term applies: type one in the table (Arabic, then English) or upload a file.")
        download, clear = st.columns(2)
        download.download_button("Download CSV", to_csv(glossary), file_name="glossary.csv", mime="text/csv",
                                 key=f"{key}-download", on_click="ignore", disabled=not glossary.terms,
                                 icon=":material/download:", help="DeepL's glossary CSV, which uploads back as is.")
        clear.button("Clear", key=f"{key}-clear", on_click=_clear, args=(store, key), icon=":material/delete:",
                     help="Empty the table; the empty glossary is kept, so KHULASA_GLOSSARY is not used either.")
    return replace(options, glossary=glossary if glossary.terms else None)


def _saved(store: History | None) -> Glossary | None:
    """The glossary kept with the history; a history that fails now is shown and read as holding none."""
    if store is None:
        return None
    try:
        return store.glossary()
    except HistoryError as error:
        st.error(literal(str(error)), icon=":material/error:")
        return None


def _follow(saved: Glossary | None, settings: Settings, *, key: str) -> None:
    """Set the table's base glossary: at a session's first run the kept glossary, else KHULASA_GLOSSARY's; later,
    the kept glossary again whenever another session kept a different one."""
    if f"{key}-base" not in st.session_state:
        st.session_state[f"{key}-generation"] = 0
        st.session_state[f"{key}-base"] = saved if saved is not None else _from_settings(settings, key=key)
    elif saved is not None and to_csv(saved) != st.session_state.get(f"{key}-known"):
        _rebase(saved, key=key)
    st.session_state[f"{key}-known"] = to_csv(saved) if saved is not None else None


def _from_settings(settings: Settings, *, key: str) -> Glossary:
    """The glossary of the KHULASA_GLOSSARY file (none when unset); its problems are kept to be shown."""
    if not settings.glossary:
        return Glossary("")
    path = Path(settings.glossary)
    try:
        glossary, problems = read_glossary(path.name, path.read_bytes())
    except OSError as error:
        st.session_state[f"{key}-file-problems"] = (
            f"KHULASA_GLOSSARY {path} cannot be read: {error.strerror or error}.", [])
        return Glossary("")
    except InputError as error:
        st.session_state[f"{key}-file-problems"] = (f"KHULASA_GLOSSARY: {error}", [])
        return Glossary("")
    if problems:
        st.session_state[f"{key}-file-problems"] = (f"{path.name}: rows not used", problems)
    return glossary


def _source(saved: Glossary | None, store: History | None, settings: Settings) -> str:
    """Where the glossary comes from and which one wins, as a caption (Markdown)."""
    variable = f"KHULASA_GLOSSARY ({literal(settings.glossary)})" if settings.glossary else ""
    if store is None:
        return "The history cannot be used, so this glossary is kept in this tab only."
    if saved is not None:
        return ("Kept on this computer with the history" + (f"; it wins over {variable}." if variable else "."))
    if variable:
        return (f"From {variable}. An upload, an edit or Clear here is kept on this computer with the history "
                "and wins over it from then on.")
    return ("Upload a TSV or CSV of Arabic terms and the English the desk writes for them (docs/GLOSSARY.md), "
            "or type them in. It is kept on this computer with the history.")


def _table(store: History | None, *, key: str, generation: int) -> Glossary:
    """The one table of terms, its rows checked as a file's are; a changed glossary is kept in the history."""
    base: Glossary = st.session_state[f"{key}-base"]
    frame = pd.DataFrame([(term.arabic, term.english) for term in base.terms], columns=list(COLUMNS), dtype=object)
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, height=TABLE_HEIGHT, width="stretch",
                            key=f"{key}-table-{generation}",
                            column_config={column: st.column_config.TextColumn(column) for column in COLUMNS})
    rows = [[cell if isinstance(cell, str) else None for cell in row] for row in edited.itertuples(index=False)]
    try:
        glossary, problems = glossary_from_rows(rows, base.name)
    except InputError as error:
        st.error(literal(str(error)), icon=":material/error:")
        return base
    if problems:
        _problems_box("Rows of the table not used until fixed", problems, where="row")
    _keep(store, glossary, base=base, key=key)
    return glossary


def _keep(store: History | None, glossary: Glossary, *, base: Glossary, key: str) -> None:
    """Keep the table's glossary when it differs from the one kept; while none is kept, only once it differs from
    the table's start, so KHULASA_GLOSSARY's glossary is not kept (and then wins) until it is edited."""
    written, known = to_csv(glossary), st.session_state.get(f"{key}-known")
    if store is None or written == (known if known is not None else to_csv(base)):
        return
    try:
        store.save_glossary(glossary)
    except HistoryError as error:
        st.error(literal(f"The glossary was not kept: {error}"), icon=":material/error:")
        return
    st.session_state[f"{key}-known"] = written


def _problems_box(heading: str, problems: list[GlossaryProblem], *, where: str) -> None:
    """One warning listing the problems (the first `PROBLEMS_SHOWN`) as "line 4: ..." or "row 4: ..."."""
    lines = [f"- {literal(f'{where} {problem.line}: {problem.message}')}" for problem in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"- … and {len(problems) - PROBLEMS_SHOWN:,} more")
    st.warning("\n".join([literal(heading) + (":" if problems else ""), *lines]), icon=":material/warning:")


def _upload(store: History | None, key: str) -> None:
    """Read the uploaded file into a new table and keep it; an unreadable file changes nothing."""
    uploaded = st.session_state.get(f"{key}-file-{st.session_state[f'{key}-generation']}")
    if uploaded is None:
        return
    try:
        glossary, problems = read_glossary(uploaded.name, uploaded.getvalue())
    except InputError as error:
        st.session_state[f"{key}-file-problems"] = (str(error), [])
        return
    st.session_state[f"{key}-file-problems"] = (f"{uploaded.name}: rows not used", problems) if problems else None
    _replace_kept(store, glossary, key=key)


def _clear(store: History | None, key: str) -> None:
    st.session_state[f"{key}-file-problems"] = None
    _replace_kept(store, Glossary(""), key=key)


def _replace_kept(store: History | None, glossary: Glossary, *, key: str) -> None:
    """Start a new table on `glossary` and keep it in the history."""
    _rebase(glossary, key=key)
    if store is None:
        return
    try:
        store.save_glossary(glossary)
    except HistoryError as error:
        st.session_state[f"{key}-file-problems"] = (f"The glossary was not kept: {error}", [])
        return
    st.session_state[f"{key}-known"] = to_csv(glossary)


def _rebase(glossary: Glossary, *, key: str) -> None:
    st.session_state[f"{key}-base"] = glossary
    st.session_state[f"{key}-generation"] += 1
