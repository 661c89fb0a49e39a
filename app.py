"""Khulasa (خلاصة), the news desk page: paste an Arabic article, read its summary, translation and entities.

Run with `streamlit run app.py`. Models are chosen by `KHULASA_*` variables (see `models/settings.py`); server,
theme and log options live in `.streamlit/config.toml`; its `logger.level` applies to Khulasa's own log lines
(model loads, failed analyses) too. The finished analysis stays in the session, so filtering, downloading or
moving a slider never runs the models again; only Analyse does.
"""

import streamlit as st

from components.article_input import article_input
from components.desk import open_desk, show
from components.panels import entity_table, export_panel
from components.progress import run_analysis
from components.resources import current_settings, show_khulasa_log
from components.sidebar import diagnostics_sidebar, settings_sidebar

st.set_page_config(page_title="Khulasa · خلاصة", page_icon="📰", layout="wide")
st.title("Khulasa · خلاصة")
st.caption("An Arabic news article in: an abstractive summary, an English translation sentence by sentence, "
           "and the people, places and organisations it names.")

show_khulasa_log()
settings = current_settings()
options = settings_sidebar(settings, key="sidebar")
request = article_input(settings, key="article")

progress = st.container()
finished = st.session_state.get("finished")
if request or finished:
    desk = open_desk(finished.analysis if finished else None, key="desk")
    if request:
        with progress:
            fresh = run_analysis(request, settings, options, on_snapshot=lambda snapshot: show(desk, snapshot))
        st.session_state.runs = st.session_state.get("runs", 0) + 1
        if fresh:
            st.session_state.finished = finished = fresh
    if finished:
        show(desk, finished.analysis)
        st.subheader("Entities")
        entity_table(finished.analysis, labels=desk.labels, key="table")
        st.subheader("Export")
        export_panel(finished.analysis, generated=finished.generated, key="export")

diagnostics_sidebar(finished.analysis if finished else None, runs=st.session_state.get("runs", 0))
