"""The upload box beside the article box: a .txt, .docx, .html or .pdf file fills the box for review.

Reading happens in the uploader's callback, before the page is drawn, so the text can go into the article box's
session slot; the user reviews it and presses Analyse as usual. A file that cannot be read leaves the box alone
and shows the reader's message. Text that was in the box is not lost: an "Undo" puts it back. The file's name and
title are kept with the text they filled, for the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.widget_text import literal
from core.errors import InputError
from core.settings import Settings
from documents.readers import KINDS, read_file


@dataclass(frozen=True)
class Upload:
    """The file that last filled the article box: its name, the title it declares and the text it gave."""

    name: str
    title: str
    text: str


def upload_input(settings: Settings, *, target: str, key: str) -> None:
    """Render the uploader; a file read without error replaces the text in `st.session_state[target]`."""
    st.file_uploader("Or upload a file", type=sorted(kind.lstrip(".") for kind in KINDS), key=f"{key}-file",
                     on_change=_read, args=(settings, target, key),
                     help="Its text fills the box (paragraph by paragraph); review it, then press Analyse.")
    problem = st.session_state.get(f"{key}-problem")
    if problem:
        st.error(literal(problem), icon=":material/error:")
    upload: Upload | None = st.session_state.get(f"{key}-upload")
    replaced: str | None = st.session_state.get(f"{key}-replaced")
    if replaced is not None and upload is not None and st.session_state.get(target) == upload.text:
        st.info("The file's text replaced the text that was in the box.", icon=":material/swap_horiz:")
        st.button("Undo", key=f"{key}-undo", on_click=_undo, args=(target, key), icon=":material/undo:",
                  help="Put back the text that was in the box before the upload.")


def uploaded_source(text: str, *, key: str) -> Upload | None:
    """The upload the text came from, if the box still holds exactly what the file gave."""
    upload: Upload | None = st.session_state.get(f"{key}-upload")
    return upload if upload is not None and upload.text == text else None


def _read(settings: Settings, target: str, key: str) -> None:
    st.session_state.pop(f"{key}-problem", None)
    uploaded = st.session_state.get(f"{key}-file")
    if uploaded is None:
        return
    try:
        uploaded.seek(0)
        document = read_file(uploaded.name, uploaded, max_chars=settings.max_chars, size=uploaded.size)
    except InputError as problem:
        st.session_state[f"{key}-problem"] = str(problem)
        return
    previous = st.session_state.get(target, "")
    st.session_state[f"{key}-replaced"] = previous if previous.strip() and previous != document.text else None
    # One paragraph a line, as the analysis splits them: the box shows the same text the CLI would analyse.
    st.session_state[target] = document.text
    st.session_state[f"{key}-upload"] = Upload(uploaded.name, document.title, document.text)


def _undo(target: str, key: str) -> None:
    st.session_state[target] = st.session_state.pop(f"{key}-replaced")
