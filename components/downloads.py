"""The models' first download and conversion, as every session of the server sees it.

The loader reports into the process-wide `models.progress.BOARD`; this panel redraws it each second, so a
journalist who opens the page while the models download (in any tab) sees how far they have got instead of a
frozen page. Nothing shows once every model is ready.
"""

from __future__ import annotations

import streamlit as st

from components.widget_text import literal
from models.progress import BOARD, ModelProgress, describe

ACTIVE_REFRESH_S, IDLE_REFRESH_S = 1.0, 5.0


def downloads_panel(*, key: str) -> None:
    """One progress bar per model being downloaded or converted, with file, MB, speed and time left: redrawn
    each second while a model is being prepared, else every few seconds (each redraw is a script run that
    competes with the analyses for the interpreter), enough to notice a download another tab starts."""
    refresh = ACTIVE_REFRESH_S if BOARD.active() else IDLE_REFRESH_S
    st.fragment(_panel, run_every=refresh)(key=key)


def _panel(*, key: str) -> None:
    active = BOARD.active()
    if not active:
        return
    with st.container(border=True, key=f"{key}-box"):
        st.text("Preparing the models (first run only: they are downloaded and converted once)")
        for entry in active:
            st.progress(_share(entry), text=literal(describe(entry)))


def _share(entry: ModelProgress) -> float:
    if entry.phase != "download" or not entry.bytes_total:
        return 0.0
    return min(1.0, entry.bytes_done / entry.bytes_total)

