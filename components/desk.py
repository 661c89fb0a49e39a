"""The results area: problems on top, the highlighted article on the left, summary and translation on the right.

The panels that stream (everything without a widget) live in `st.empty()` slots, so each `Analysis` snapshot
replaces the previous one in place: entities and the first translated sentences appear before the summary.
The problems slot holds one error per model problem; their number is the same in every snapshot of an
analysis, so refilling it never leaves a stale one behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.panels import entities_panel, entity_filter, problems_panel, summary_panel, translation_panel
from core.types import Analysis


@dataclass(frozen=True)
class Desk:
    """The slots of the results area and the entity types the user chose to see."""

    problems: DeltaGenerator
    entities: DeltaGenerator
    summary: DeltaGenerator
    translation: DeltaGenerator
    labels: tuple[str, ...]


def open_desk(previous: Analysis | None, *, key: str) -> Desk:
    """Lay out the results area (two columns) and return its slots, empty."""
    problems = st.empty()
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("Article and entities")
        labels = entity_filter(previous, key=key)
        entities = st.empty()
    with right:
        st.subheader("Summary")
        summary = st.empty()
        st.subheader("Translation")
        translation = st.empty()
    return Desk(problems, entities, summary, translation, labels)


def show(desk: Desk, analysis: Analysis) -> None:
    """Fill (or refill) every slot from one snapshot; each streaming panel is one element, replaced whole."""
    with desk.problems.container():
        problems_panel(analysis.problems)
    with desk.entities:
        entities_panel(analysis, labels=desk.labels)
    with desk.summary:
        summary_panel(analysis)
    with desk.translation:
        translation_panel(analysis)
