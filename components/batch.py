"""The "Batch" expander: many files analysed in one go, a table of how each went, and one .zip of the exports.

The result stays in the session, so downloading the .zip or touching another widget never analyses again.
A file that cannot be read or analysed is a row with its reason; the others go on.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from analysis.pipeline import Options
from components.history import save_finished
from components.resources import shared_models
from core.errors import HistoryError
from core.settings import Settings
from core.types import Finished
from documents.batch import BatchItem, analyze_files, batch_zip
from documents.readers import KINDS
from history.store import History


def batch_expander(settings: Settings, options: Options, history: History | HistoryError, *, key: str) -> None:
    """Render the expander; "Analyse all" runs the models on every uploaded file and saves each success."""
    with st.expander("Batch", icon=":material/folder_zip:"):
        files = st.file_uploader("Articles to analyse", type=sorted(kind.lstrip(".") for kind in KINDS),
                                 accept_multiple_files=True, key=f"{key}-files")
        if st.button("Analyse all", key=f"{key}-run", disabled=not files, icon=":material/auto_awesome:"):
            st.session_state[f"{key}-result"] = _run([(file.name, file.getvalue()) for file in files], settings,
                                                     options, history)
        result: tuple[list[BatchItem], datetime] | None = st.session_state.get(f"{key}-result")
        if result:
            _results(*result, key=key)


def _run(sources: list[tuple[str, bytes]], settings: Settings, options: Options,
         history: History | HistoryError) -> tuple[list[BatchItem], datetime]:
    bar = st.progress(0.0, text=f"Loading models for {len(sources)} files…")
    models = shared_models(settings)

    def advance(done: int, total: int, item: BatchItem) -> None:
        bar.progress(done / total, text=f"{done}/{total}: {item.name} {'analysed' if item.ok else 'failed'}")

    items = []
    for item in analyze_files(sources, models, settings, on_progress=advance, options=options):
        if item.analysis is not None:
            save_finished(history, Finished(item.analysis, datetime.now(UTC)), title=item.title, source=item.name)
        items.append(item)
    bar.empty()
    return items, datetime.now(UTC)


def _results(items: list[BatchItem], generated: datetime, *, key: str) -> None:
    analysed = sum(item.ok for item in items)
    st.caption(f"{analysed} of {len(items)} files analysed.")
    st.dataframe(pd.DataFrame({
        "File": [item.name for item in items],
        "Title": [item.title for item in items],
        "Status": ["analysed" if item.ok else item.error for item in items],
    }), hide_index=True, key=f"{key}-table")
    if analysed:
        st.download_button("Download all (.zip)", data=batch_zip(items, generated),
                           file_name=f"khulasa-batch-{generated:%Y-%m-%d}.zip", mime="application/zip",
                           key=f"{key}-download", on_click="ignore", icon=":material/download:")
