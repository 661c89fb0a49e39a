"""The sidebar: summary options the user may tune, the models in use, and diagnostics."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from analysis.pipeline import Options
from core.settings import TRANSLATION_MODES, Settings
from core.types import KEY_SENTENCES, SUMMARY_KINDS, Analysis
from models.loading import LOAD_COUNTS, resolve_device

# (lowest, highest, shown at first): the first value shown is XLSum's own, which applies until the user moves
# the slider; only a moved slider overrides the checkpoint's setting.
SUMMARY_TOKENS = (20, 128, 84)
SUMMARY_BEAMS = (1, 6, 4)


SUMMARY_LABELS = {"abstractive": "Abstractive (mT5)", KEY_SENTENCES: "Key sentences (quoted verbatim)"}
MAX_KEY_SENTENCES = 50
TRANSLATION_LABELS = {"fast": "Fast (opus-mt-ar-en)", "best": "Best (opus-mt-tc-big-ar-en, slower)"}


def settings_sidebar(settings: Settings, *, key: str) -> tuple[Settings, Options]:
    """The translation mode, summary length and beams (used by the next analysis), and the models and device in
    use (read-only); returns the settings with the chosen mode, and the options."""
    with st.sidebar:
        st.header("Settings")
        mode = st.radio("Translation", TRANSLATION_MODES, index=TRANSLATION_MODES.index(settings.translation),
                        format_func=TRANSLATION_LABELS.get, key=f"{key}-translation",
                        help="Best translates news far better (FLORES-101 BLEU 42.6 against 33.9) and takes longer; "
                             "its model is downloaded the first time it is chosen. Applies to the next analysis.")
        settings = replace(settings, translation=mode)
        kind, count = _summary_kind(settings, key=key)
        low, high, default = SUMMARY_TOKENS
        tokens = st.slider("Summary length (max tokens)", low, high, default, step=4, key=f"{key}-summary-tokens",
                           help="The longest summary mT5 may write. Applies to the next analysis.")
        low, high, default = SUMMARY_BEAMS
        beams = st.slider("Summary beams", low, high, default, key=f"{key}-summary-beams",
                          help="More beams: a more careful summary, written more slowly.")
        st.subheader("Models")
        for role, name in (("Summary", settings.summarizer), ("Translation", settings.translation_model),
                           ("Entities", settings.ner)):
            st.text(f"{role}: {name}")
        st.text(f"Device: {settings.device} → {resolve_device(settings.device)}")
        st.text(f"Engine: {settings.engine}")
    return settings, Options(summary_tokens=None if tokens == SUMMARY_TOKENS[2] else tokens,
                             summary_beams=None if beams == SUMMARY_BEAMS[2] else beams,
                             summary_kind=kind, key_sentences=count)


def _summary_kind(settings: Settings, *, key: str) -> tuple[str, int | None]:
    """The summary kind (key sentences only, when the summarizer is switched off) and how many key sentences
    (None: 3, or about a fifth of a long article)."""
    off = settings.summarizer_off
    kind = st.radio("Summary", SUMMARY_KINDS, index=SUMMARY_KINDS.index(KEY_SENTENCES) if off else 0,
                    format_func=SUMMARY_LABELS.get, key=f"{key}-summary-kind", disabled=off,
                    help="Abstractive: mT5 writes a short summary in its own words. Key sentences: the article's "
                         "most central sentences, quoted verbatim, with their translations (no model writes "
                         "anything). Applies to the next analysis.")
    if off:
        st.caption("The summarizer is switched off (KHULASA_SUMMARIZER=none): summaries are key sentences.")
        kind = KEY_SENTENCES
    count = st.number_input("Key sentences", min_value=1, max_value=MAX_KEY_SENTENCES, value=None, step=1,
                            placeholder="3, or a fifth of a long article", key=f"{key}-key-sentences",
                            disabled=kind != KEY_SENTENCES,
                            help="How many sentences to quote; empty: 3, or about a fifth of a long article.")
    return kind, int(count) if count else None


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
