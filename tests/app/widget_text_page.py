"""A page for `test_browser_widget_text.py`: one text, `KHULASA_WIDGET_TEXT`, in every element whose text Streamlit
renders as Markdown, through `components.widget_text.literal`, and as it is in the plain-text options of the select
widgets and in a cell of a data editor (the check box's table of findings). Run by the test with `streamlit run`;
not part of the app."""

import os

import pandas as pd
import streamlit as st

from components.widget_text import literal

TEXT = os.environ["KHULASA_WIDGET_TEXT"]
SHOWN = literal(TEXT)

st.button(SHOWN, key="button", help=SHOWN)
st.caption(SHOWN)
st.toast(SHOWN)
st.metric(SHOWN, 1)
with st.expander(SHOWN, key="expander"):
    st.text("inside")
st.error(SHOWN)
st.download_button(SHOWN, b"x", file_name="khulasa.md", key="download", on_click="ignore")
st.selectbox("Options", [TEXT], key="selectbox")
st.multiselect("Several", [TEXT], default=[TEXT], key="multiselect")
st.data_editor(pd.DataFrame({"Text": [TEXT]}), key="table", hide_index=True, disabled=("Text",))
