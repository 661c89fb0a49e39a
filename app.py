"""Khulasa (خلاصة), the news desk page: paste an Arabic article, read its summary, translation and entities.

Run with `streamlit run app.py`. Models are chosen by `KHULASA_*` variables (see `models/settings.py`); server,
theme and log options live in `.streamlit/config.toml`; its `logger.level` applies to Khulasa's own log lines
(model loads, failed analyses) too. Analyse starts the analysis in a worker thread (`analysis.worker`) and the
results area shows its snapshots as they come, so any click during it only redraws the page. The finished
analysis stays in the session, so filtering, downloading or moving a slider never runs the models again.
"""

import streamlit as st

from components.article_input import article_input
from components.batch import batch_expander
from components.desk import results_area
from components.downloads import downloads_panel
from components.glossary import glossary_sidebar
from components.history import history_sidebar, open_history, save_finished
from components.progress import ended_run, forget_run, start_analysis
from components.resources import current_settings, show_khulasa_log
from components.sidebar import diagnostics_sidebar, settings_sidebar
from components.upload import upload_input, uploaded_source

st.set_page_config(page_title="Khulasa · خلاصة", page_icon="📰", layout="wide")
st.title("Khulasa · خلاصة")
st.caption("An Arabic news article in: an abstractive summary, an English translation sentence by sentence, "
           "and the people, places and organisations it names.")

show_khulasa_log()
downloads_panel(key="downloads")
settings, options = settings_sidebar(current_settings(), key="sidebar")
history = open_history(settings)
options = glossary_sidebar(history, settings, options, key="glossary")
paste, upload = st.columns([3, 1], gap="medium")
with upload:
    upload_input(settings, target="article-text", key="upload")
with paste:
    request = article_input(settings, key="article")
batch_expander(settings, options, history, key="batch")

if request:
    start_analysis(request, settings, options, key="analysis")
    st.session_state.runs = st.session_state.get("runs", 0) + 1
    st.session_state["analysis-upload"] = uploaded_source(request.text, key="upload")
ended = ended_run(key="analysis")
if ended is not None and ended.finished is not None:
    upload = st.session_state.get("analysis-upload")
    st.session_state.finished = save_finished(history, ended.finished, title=upload.title if upload else "",
                                              source=upload.name if upload else None)
results_area(options, history, run_key="analysis", slot="finished", key="desk")

finished = st.session_state.get("finished")
history_sidebar(history, slot="finished", text_key="article-text", on_open=lambda: forget_run("analysis"),
                key="history")
diagnostics_sidebar(finished.analysis if finished else None, runs=st.session_state.get("runs", 0))
