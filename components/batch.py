"""The "Batch" expander: many files analysed in one go, a table of how each went, and one .zip of the exports.

"Analyse all" starts a `batches.batch_run.BatchRun` in its own thread, so a click anywhere during the batch only
redraws the page. A fragment shows its progress, refreshing itself every `REFRESH_S` seconds, with a Cancel that
stops after the file in progress; when the batch ends it reruns the page once, which keeps the result in the
session, so downloading the .zip or touching another widget never analyses again. A file that cannot be read or
analysed is a row with its reason; the others go on. Each analysed file is saved to the history by the worker.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.pipeline import Options
from analysis.worker import CANCELLED
from batches.batch import BatchItem, batch_zip
from batches.batch_run import BatchRun, BatchView
from components.desk import REFRESH_S
from components.progress import service_analyse, session_alive, worker_models
from components.widget_text import literal
from core.errors import HistoryError
from core.settings import Settings
from documents.readers import KINDS
from history.store import History


def batch_expander(settings: Settings, options: Options, history: History | HistoryError, *, key: str) -> None:
    """Render the expander; "Analyse all" runs the models on every uploaded file in a worker and saves each
    success to `history`."""
    with st.expander("Batch", icon=":material/folder_zip:"):
        _take_ended(key)
        running = current_batch(key=key) is not None
        files = st.file_uploader("Articles to analyse", type=sorted(kind.lstrip(".") for kind in KINDS),
                                 accept_multiple_files=True, key=f"{key}-files")
        st.button("Analyse all", key=f"{key}-run", disabled=not files or running, icon=":material/auto_awesome:",
                  on_click=start_batch, args=(settings, options, history), kwargs={"key": key})
        st.fragment(_batch_area, run_every=REFRESH_S if running else None)(key=key)


def start_batch(settings: Settings, options: Options, history: History | HistoryError, *, key: str) -> BatchRun:
    """Button callback: cancel this session's batch in progress, if any, and start one on the uploaded files."""
    previous = current_batch(key=key)
    if previous is not None:
        previous.cancel()
    sources = [(file.name, file.getvalue()) for file in st.session_state.get(f"{key}-files") or ()]
    save = None if isinstance(history, HistoryError) else (
        lambda item: history.save(item.analysis, title=item.title, source=item.name))
    run = BatchRun(sources, options, settings=settings, save=save, alive=session_alive(),
                   load=lambda note: worker_models(settings, note), analyse=service_analyse(settings)).start()
    st.session_state[f"{key}-worker"] = run
    st.session_state.pop(f"{key}-result", None)
    return run


def current_batch(*, key: str) -> BatchRun | None:
    return st.session_state.get(f"{key}-worker")


def _take_ended(key: str) -> None:
    """Move this session's batch, if it has ended, out of the session and keep its last view as the result."""
    run = current_batch(key=key)
    view = run.view() if run is not None else None
    if view is not None and view.ended:
        del st.session_state[f"{key}-worker"]
        st.session_state[f"{key}-result"] = view


def _cancel(key: str) -> None:
    run = current_batch(key=key)
    if run is not None:
        run.cancel()


def _batch_area(*, key: str) -> None:
    """The batch in progress (progress bar, Cancel, the rows so far), else the last batch's result."""
    run = current_batch(key=key)
    if run is not None:
        view = run.view()
        if view.ended:
            st.rerun()  # the page takes the result, then draws this area again without refreshing
        _progress(view, key=key)
        if view.items:
            _table(view.items, key=key)
        return
    result: BatchView | None = st.session_state.get(f"{key}-result")
    if result is not None:
        _results(result, key=key)


def _progress(view: BatchView, *, key: str) -> None:
    line, cancel = st.columns([5, 1], vertical_alignment="center")
    line.progress(view.done / max(view.total, 1), text=f"{view.done}/{view.total} · {_doing(view)} · "
                                                       f"{view.seconds:.0f} s")
    cancel.button("Cancel", key=f"{key}-cancel", on_click=_cancel, args=(key,), icon=":material/stop_circle:",
                  width="stretch", help="Stop after the file in progress; the finished files are kept.")


def _doing(view: BatchView) -> str:
    """The file in progress, else the last one finished, else the loading note; file names escaped."""
    if view.current:
        return f"analysing {literal(view.current)}"
    if view.items:
        last = view.items[-1]
        return f"{literal(last.name)} {'analysed' if last.ok else 'failed'}"
    return literal(view.note or "Starting…")


def _results(view: BatchView, *, key: str) -> None:
    analysed = sum(item.ok for item in view.items)
    if view.state == CANCELLED:
        st.info(f"Batch stopped after {view.done} of {view.total} files; {len(view.skipped)} not analysed. "
                "The finished files are below.", icon=":material/cancel:")
    elif view.error:
        st.error(literal(view.error), icon=":material/error:")
    for warning in view.warnings:
        st.warning(literal(warning), icon=":material/history:")
    st.caption(f"{analysed} of {view.done} files analysed in {view.seconds:.1f} s.")
    if view.items:
        _table(view.items, key=key)
    if analysed and view.generated is not None:
        st.download_button("Download all (.zip)", data=batch_zip(view.items, view.generated),
                           file_name=f"khulasa-batch-{view.generated:%Y-%m-%d}.zip", mime="application/zip",
                           key=f"{key}-download", on_click="ignore", icon=":material/download:")


def _table(items: tuple[BatchItem, ...], *, key: str) -> None:
    st.dataframe(pd.DataFrame({
        "File": [item.name for item in items],
        "Title": [item.title for item in items],
        "Status": ["analysed" if item.ok else item.error for item in items],
    }), hide_index=True, key=f"{key}-table")
