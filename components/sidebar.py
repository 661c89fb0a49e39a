"""The sidebar: summary options the user may tune, the models in use, and diagnostics."""

from __future__ import annotations

import streamlit as st

from analysis.pipeline import Options
from core.settings import Settings
from core.types import Analysis
from models.loading import LOAD_COUNTS, resolve_device

# (lowest, highest, shown at first): the first value shown is XLSum's own, which applies until the user moves
# the slider; only a moved slider overrides the checkpoint's setting.
SUMMARY_TOKENS = (20, 128, 84)
SUMMARY_BEAMS = (1, 6, 4)


def settings_sidebar(settings: Settings, *, key: str) -> Options:
    """Summary length and beams (used by the next analysis), and the models and device in use (read-only)."""
    with st.sidebar:
        st.header("Settings")
        low, high, default = SUMMARY_TOKENS
        tokens = st.slider("Summary length (max tokens)", low, high, default, step=4, key=f"{key}-summary-tokens",
                           help="The longest summary mT5 may write. Applies to the next analysis.")
        low, high, default = SUMMARY_BEAMS
        beams = st.slider("Summary beams", low, high, default, key=f"{key}-summary-beams",
                          help="More beams: a more careful summary, written more slowly.")
        st.subheader("Models")
        for role, name in (("Summary", settings.summarizer), ("Translation", settings.translator),
                           ("Entities", settings.ner)):
            st.text(f"{role}: {name}")
        st.text(f"Device: {settings.device} → {resolve_device(settings.device)}")
        st.text(f"Engine: {settings.engine}")
    return Options(summary_tokens=None if tokens == SUMMARY_TOKENS[2] else tokens,
                   summary_beams=None if beams == SUMMARY_BEAMS[2] else beams)


def diagnostics_sidebar(analysis: Analysis | None, *, runs: int) -> None:
    """How often each model was loaded in this process, and the timings of the analysis on screen."""
    with st.sidebar, st.expander("Diagnostics"):
        st.text("Model loads in this server process:")
        st.json(dict(LOAD_COUNTS) or {"none yet": 0})
        st.text(f"Analyses run in this session: {runs}")
        if analysis is not None:
            st.text(f"Engine of the analysis on screen: {analysis.models.engine}")
            st.text("Its timings (ms):")
            st.json(analysis.timings_ms)
