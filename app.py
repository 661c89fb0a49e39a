"""Khulasa (خلاصة), the news desk page: paste an Arabic article, read its summary, translation and entities.

Run with `streamlit run app.py`. Models are chosen by `KHULASA_*` variables (see `models/settings.py`); server,
theme and log options live in `.streamlit/config.toml`; its `logger.level` applies to Khulasa's own log lines
(model loads, failed analyses) too. The finished analysis stays in the session, so filtering, downloading or
moving a slider never runs the models again; only Analyse does.
"""

import streamlit as st

from components.article_input import article_input
from components.batch import batch_expander
from components.desk import open_desk, show
from components.history import history_sidebar, open_history, save_finished
from components.panels import entity_table, export_panel
from components.progress import run_analysis
from components.resources import current_settings, show_khulasa_log
from components.sidebar import diagnostics_sidebar, settings_sidebar
from components.upload import upload_input, uploaded_source

st.set_page_config(page_title="Khulasa · خلاصة", page_icon="📰", layout="wide")
st.title("Khulasa · خلاصة")
st.caption("An Arabic news article in: an abstractive summary, an English translation sentence by sentence, "
           "and the people, places and organisations it names.")

show_khulasa_log()
settings = current_settings()
options = settings_sidebar(settings, key="sidebar")
history = open_history(settings)
paste, upload = st.columns([3, 1], gap="medium")
with upload:
    upload_input(settings, target="article-text", key="upload")
with paste:
    request = article_input(settings, key="article")
batch_expander(settings, options, history, key="batch")

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
            upload = uploaded_source(request.text, key="upload")
            save_finished(history, fresh, title=upload.title if upload else "", source=upload.name if upload else None)
    if finished:
        show(desk, finished.analysis)
        st.subheader("Entities")
        entity_table(finished.analysis, labels=desk.labels, key="table")
        st.subheader("Export")
        export_panel(finished.analysis, generated=finished.generated, key="export")

history_sidebar(history, slot="finished", text_key="article-text", key="history")
diagnostics_sidebar(finished.analysis if finished else None, runs=st.session_state.get("runs", 0))
