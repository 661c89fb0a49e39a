"""The results area: the summary on top, the highlighted article beside its translation, then the entity table
and the export.

It is a fragment: while an analysis runs in its worker, the fragment redraws itself every `REFRESH_S` seconds from
the run's latest snapshot, and its own widgets (the entity filter, Cancel) rerun only the fragment. A click
elsewhere reruns the page, which draws the fragment again from the same run: nothing is lost. When the run ends,
the fragment reruns the whole page once, so the page can keep the result (history, diagnostics).
"""

from __future__ import annotations

import streamlit as st

from analysis.pipeline import Options
from analysis.worker import CANCELLED, RunView
from components.checks import checks_box
from components.editor import editor
from components.panels import (
    entities_panel,
    entity_filter,
    entity_table,
    export_panel,
    problems_panel,
    summary_panel,
    translation_panel,
)
from components.progress import cancel_run, current_run, stage_label
from components.widget_text import literal
from core.errors import HistoryError
from core.types import Analysis, Finished
from history.store import History

# Each refresh is a whole script run of the fragment, in every open tab; once a second keeps a newsroom's worth of
# tabs cheap beside the workers (see also `runner.postScriptGC` in .streamlit/config.toml).
REFRESH_S = 1.0
SETTINGS_CHANGED = "The summary settings changed: they apply to the next analysis (press Analyse)."


def results_area(options: Options, history: History | HistoryError, *, run_key: str, slot: str, key: str) -> None:
    """Draw the results of the run in progress, else of the finished analysis in `st.session_state[slot]` (its
    check before publishing on top, marks kept in `history`)."""
    running = current_run(key=run_key) is not None
    st.fragment(_results, run_every=REFRESH_S if running else None)(options, history, run_key=run_key, slot=slot,
                                                                     key=key)


def _results(options: Options, history: History | HistoryError, *, run_key: str, slot: str, key: str) -> None:
    run = current_run(key=run_key)
    view = run.view() if run is not None else None
    if view is not None and view.ended:
        st.rerun()  # the page takes the result, then draws this area again
    ended: RunView | None = st.session_state.get(f"{run_key}-ended")
    finished: Finished | None = st.session_state.get(slot)
    if view is not None:
        _running(view, key=run_key)
        analysis = view.analysis
    elif ended is not None and ended.finished is None:
        # A run that was cancelled or failed shows what it did, never the previous article's results.
        _stopped(ended)
        analysis = ended.analysis
    else:
        analysis = finished.analysis if finished else None
        if ended is not None:
            st.status(f"Done in {ended.seconds:.1f} s", state="complete", expanded=False)
    used: Options | None = st.session_state.get(f"{run_key}-options")
    if analysis is not None and used is not None and _summary_options(used) != _summary_options(options):
        st.caption(SETTINGS_CHANGED)
    if analysis is not None:
        if view is None and finished is not None and analysis is finished.analysis:
            checks_box(finished, history, slot=slot, key="checks")
        labels = desk(analysis, key=key)
        if view is None and finished is not None and analysis is finished.analysis:
            st.subheader("Edit")
            editor(history, slot=slot, key="editor", glossary=options.glossary)
            st.subheader("Entities")
            entity_table(analysis, labels=labels, key="table")
            st.subheader("Export")
            export_panel(analysis, generated=finished.generated, key="export")


def _stopped(ended: RunView) -> None:
    """Why the run ended without a result, and that the text is kept."""
    if ended.state == CANCELLED and ended.analysis is not None:
        st.info(f"Analysis cancelled after {ended.seconds:.1f} s; what was done is below. Your text is kept in "
                "the box: press Analyse to run it again.", icon=":material/cancel:")
    elif ended.state == CANCELLED:
        st.info("Analysis cancelled. Your text is kept in the box.", icon=":material/cancel:")
    elif ended.error:
        st.error(literal(ended.error), icon=":material/error:")


def _running(view: RunView, *, key: str) -> None:
    """The run's progress line and its Cancel button."""
    line, cancel = st.columns([5, 1], vertical_alignment="center")
    line.caption(f"{stage_label(view)} · {view.seconds:.0f} s")
    cancel.button("Cancel", key=f"{key}-cancel", on_click=cancel_run, args=(key,), icon=":material/stop_circle:",
                  width="stretch", help="Stop after the model call in progress; your text stays in the box.")


def desk(analysis: Analysis, *, key: str) -> tuple[str, ...]:
    """Problems, the summary, then the article with its entities beside the translation; returns the entity
    types the user chose to see."""
    problems_panel(analysis)
    st.subheader("Summary")
    summary_panel(analysis)
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Article and entities")
        labels = entity_filter(analysis, key=key)
        entities_panel(analysis, labels=labels)
    with right:
        st.subheader("Translation")
        translation_panel(analysis)
    return labels


def _summary_options(options: Options) -> tuple[int | None, int | None, str, int | None]:
    return options.summary_tokens, options.summary_beams, options.summary_kind, options.key_sentences
