"""The input panel: the article box (right to left), a sample, a counter, and the checks before an analysis.

The text lives in `st.session_state[f"{key}-text"]`, so nothing pasted is lost across reruns. The box is not in a
form, so the counter below it follows the text each time the box hands it over (when it loses focus, or on
Ctrl+Enter); text over the size limit says so at once and the Analyse button is disabled with the reason. Text
that is not Arabic, or Arabic mixed with much of another script, gets a warning and an "Analyse anyway" button;
empty text gets a hint, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis.pipeline import check_input, check_language
from arabic.language import describe, is_mixed
from components.highlight import ARABIC_FONTS
from components.widget_text import literal
from core.errors import InputError, NotArabic
from core.settings import Settings

SAMPLE = Path(__file__).resolve().parent / "assets" / "seed.txt"
# Streamlit gives a keyed widget's container the class `st-key-<key>`; the box is styled through it.
TPL_STYLE = (
    "<style>.st-key-{key}-text textarea{{direction:rtl;text-align:right;font-family:{fonts};font-size:1.05rem;"
    "line-height:1.9}}</style>"
)
EMPTY_HINT = "Paste an Arabic article into the box (or click **Load sample**), then press **Analyse**."


@dataclass(frozen=True)
class Request:
    """An article the user asked to analyse; `force` skips the language check."""

    text: str
    force: bool = False


@dataclass(frozen=True)
class Pending:
    """An article held back by the language check, waiting for "Analyse anyway"."""

    text: str
    reason: str


def article_input(settings: Settings, *, key: str) -> Request | None:
    """Render the input panel; return the request to analyse on this run, if one passed the checks."""
    st.html(TPL_STYLE.format(key=key, fonts=ARABIC_FONTS))
    st.text_area("Arabic article", key=f"{key}-text", height=280, placeholder="الصق نص الخبر هنا…",
                 help="Paste the article's text, then press Analyse.")
    text = st.session_state.get(f"{key}-text", "")
    over = len(text) > settings.max_chars
    counter, sample, analyse = st.columns([4, 1, 1], vertical_alignment="center")
    counter.caption(f"{len(text):,} of at most {settings.max_chars:,} characters · {len(text.split()):,} words")
    sample.button("Load sample", key=f"{key}-sample", on_click=_load_sample, args=(key,), width="stretch")
    reason = f"Too long: {len(text) - settings.max_chars:,} characters over the limit." if over else None
    analyse.button("Analyse", key=f"{key}-analyse", type="primary", icon=":material/auto_awesome:", on_click=_submit,
                   args=(key,), disabled=over, width="stretch", help=reason or "Analyse the text in the box.")
    if over:
        st.warning(f"The text is {len(text):,} characters long; the limit is {settings.max_chars:,}. Split the "
                   "article and analyse it in parts.", icon=":material/content_cut:")
    return _checked(settings, key=key)


def _submit(key: str) -> None:
    st.session_state[f"{key}-request"] = Request(st.session_state.get(f"{key}-text", ""))


def _load_sample(key: str) -> None:
    st.session_state[f"{key}-text"] = SAMPLE.read_text(encoding="utf-8")


def _force(key: str) -> None:
    pending: Pending = st.session_state.pop(f"{key}-pending")
    st.session_state[f"{key}-request"] = Request(pending.text, force=True)


def _checked(settings: Settings, *, key: str) -> Request | None:
    """Run the input and language checks on a new request; re-show a pending language warning otherwise."""
    request: Request | None = st.session_state.pop(f"{key}-request", None)
    if request is None:
        if f"{key}-pending" in st.session_state:
            _language_warning(st.session_state[f"{key}-pending"], key=key)
        return None
    st.session_state.pop(f"{key}-pending", None)
    if not request.text.strip():
        st.info(EMPTY_HINT, icon=":material/edit_note:")
        return None
    try:
        check_input(request.text, settings)
        reason = None if request.force else _language_doubt(request.text)
    except InputError as problem:
        st.info(literal(str(problem)), icon=":material/edit_note:")
        return None
    if reason:
        pending = Pending(request.text, reason)
        st.session_state[f"{key}-pending"] = pending
        _language_warning(pending, key=key)
        return None
    return request


def _language_doubt(text: str) -> str | None:
    """Why the text may not be (only) Arabic, or None when it plainly is."""
    try:
        language = check_language(text)
    except NotArabic as warning:
        return str(warning)
    return describe(language) if is_mixed(language) else None


def _language_warning(pending: Pending, *, key: str) -> None:
    st.warning(literal(pending.reason), icon=":material/translate:")
    st.button("Analyse anyway", key=f"{key}-force", on_click=_force, args=(key,))
