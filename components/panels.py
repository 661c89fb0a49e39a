"""The result panels. Each renders an `Analysis` it is handed and computes nothing; widget keys are namespaced by
`key` so a panel can appear twice on a page. All article and model text reaches HTML through our escaping
renderers (`components.highlight`, `components.render`), never through `unsafe_allow_html`.

The panels that stream (entities, summary, translation) write exactly one element each, so a later snapshot
written into the same `st.empty()` slot replaces an earlier one whole, never leaving part of it behind.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import pandas as pd
import streamlit as st

from analysis.edits import to_review
from components.highlight import LABEL_NAMES, render_entities, render_legend
from components.render import render_key_sentences, render_note, render_summary, render_translation
from components.widget_text import literal
from core.types import STAGES, Analysis
from documents.export import export_filename, to_markdown

STANDARD_LABELS = ("PER", "ORG", "LOC", "MISC")


# What to do when a stage failed, said in that stage's panel under what failed.
ADVICE = {
    "entities": "The article is shown without highlights; press Analyse to try again.",
    "translation": "Sentences without a translation are left blank; press Analyse to try again.",
    "summary": "Press Analyse to try again, or change the summary settings in the sidebar first.",
    "summary_en": "The Arabic summary is complete; press Analyse to try again for its English version.",
    "checks": "Check the numbers and names against the article by hand, or press Analyse to try again.",
}


def problems_panel(analysis: Analysis) -> None:
    """On top of the results: which parts of a partial analysis are missing (each failed panel says what failed
    and what to do), the failed check before publishing, and any note that names no stage."""
    failed = list(dict.fromkeys(STAGES[problem.stage].lower() for problem in analysis.problems if problem.stage))
    if failed:
        st.warning(f"Partial analysis: {', '.join(failed)} failed or missing; everything else below is complete.",
                   icon=":material/warning:")
    stage_problem(analysis, "checks")
    for problem in analysis.problems:
        if not problem.stage:
            st.error(literal(str(problem)), icon=":material/error:")


def stage_problem(analysis: Analysis, stage: str) -> bool:
    """In a stage's panel: what failed there and what to do, if it failed; True if it did."""
    problem = analysis.problem(stage)
    if problem is not None:
        st.error(literal(f"{problem} {ADVICE[stage]}"), icon=":material/error:")
    return problem is not None


def entity_filter(analysis: Analysis | None, *, key: str) -> tuple[str, ...]:
    """A multiselect of entity types; returns the types to highlight and list."""
    found = sorted({entity.label for entity in analysis.entities} - set(STANDARD_LABELS)) if analysis else []
    options = [*STANDARD_LABELS, *found]
    chosen = st.multiselect(
        "Entity types to show", options, default=options, key=f"{key}-labels",
        format_func=lambda label: f"{label} · {LABEL_NAMES.get(label, label)}",
    )
    return tuple(chosen)


def entities_panel(analysis: Analysis, *, labels: Collection[str]) -> None:
    """The article, right to left, with the chosen entity types highlighted, under a colour legend."""
    failed = stage_problem(analysis, "entities")
    shown = {entity.label for entity in analysis.entities if entity.label in labels}
    legend = "" if failed else render_legend(shown) if shown else render_note(entities_note(analysis))
    st.html(legend + render_entities(analysis.text, analysis.entities, labels=labels))


def entities_note(analysis: Analysis) -> str:
    """What the entity panel says when it highlights nothing: while the analysis runs, none found yet is not
    "none found" (the entities come after the first translated sentences)."""
    if analysis.entities:
        return "No entity of the chosen types."
    return "No entities found." if analysis.stage == "done" else "Looking for names…"


def summary_panel(analysis: Analysis) -> None:
    """The Arabic summary and its English translation (or the key sentences, each over its translation), or a
    note while it is being written (whenever in the analysis that happens), or what failed."""
    failed = stage_problem(analysis, "summary")
    summary = analysis.summary
    if summary is not None and summary.quoted:  # key sentences, asked for or standing in for the summarizer
        st.html(render_key_sentences(analysis))
        stage_problem(analysis, "summary_en")
    elif failed:
        return
    elif summary is not None and summary.ar.strip():
        st.html(render_summary(summary, analysis.checks))
        stage_problem(analysis, "summary_en")
    elif analysis.stage != "done":
        st.caption("The summary is being written…")
    else:
        st.caption("No summary was produced (see the problems above).")


def translation_panel(analysis: Analysis) -> None:
    """Each Arabic sentence beside its English translation, paragraph by paragraph; once the analysis is done,
    the sentences to review first are marked."""
    translated = sum(bool(sentence.translation.strip()) for sentence in analysis.sentences)
    failed = stage_problem(analysis, "translation")
    if failed and not translated:
        return
    if analysis.stage == "done" and not translated:
        st.caption("No translation was produced (see the problems above).")
        return
    progress = ""
    if translated < len(analysis.sentences) and not failed:
        progress = render_note(f"Translated {translated} of {len(analysis.sentences)} sentences…")
    st.html(progress + render_translation(analysis, to_review(analysis) if analysis.stage == "done" else ()))


def entity_table(analysis: Analysis, *, labels: Collection[str], key: str) -> None:
    """Every entity once, with its English name, type and number of mentions; click a header to sort."""
    groups = sorted((group for group in analysis.groups if group.label in labels), key=lambda group: -group.count)
    if not groups:
        st.caption("No entities of the chosen types.")
        return
    table = pd.DataFrame({
        "Entity": [group.canonical for group in groups],
        "English": [group.english for group in groups],
        "Type": [group.label for group in groups],
        "Mentions": [group.count for group in groups],
    })
    st.dataframe(table, hide_index=True, key=f"{key}-entities")


def export_panel(analysis: Analysis, *, generated: datetime, key: str) -> None:
    """The Markdown download and a copy-friendly view of the summary."""
    st.download_button(
        "Download Markdown", data=to_markdown(analysis, generated=generated),
        file_name=export_filename(analysis, generated), mime="text/markdown", key=f"{key}-download",
        on_click="ignore", icon=":material/download:", type="primary",
    )
    summary = analysis.summary
    if summary and summary.ar.strip():
        with st.expander("Copy the summary"):
            st.code(summary.ar, language=None, wrap_lines=True)
            if summary.en.strip():
                st.code(summary.en, language=None, wrap_lines=True)
