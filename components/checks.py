"""The "Check before publishing" box at the top of the results: how many numbers and names of the translation and
the summary the article does not support, each finding where it is and why, and a "Checked" mark per finding.

The findings are rendered by `components.render` (escaped; a widget label never holds article or model text). A
mark is kept with the analysis in the session and, when the analysis is saved, in the history, so reopening it
shows the marks again.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

from components.render import render_finding
from components.widget_text import literal
from core.errors import HistoryError
from core.types import Analysis, Finished
from history.store import History

LIST_HEIGHT = 360
LONG_LIST = 8
NOTHING_FOUND = ("Every number of the translation and the summary, and every name in the summary, is in the "
                 "article. The check finds unsupported numbers and names, not every error.")


def checks_box(finished: Finished, history: History | HistoryError, *, slot: str, key: str) -> None:
    """The box for the finished analysis in `st.session_state[slot]`; marking a finding updates that slot and
    the history entry `finished.entry`."""
    checks = finished.analysis.checks
    still_open = sum(not check.checked for check in checks)
    with st.container(border=True, key=f"{key}-box"):
        st.markdown("**Check before publishing**")
        if not checks:
            st.caption(NOTHING_FOUND)
            return
        st.caption(f"{still_open} of {len(checks)} finding{'s' * (len(checks) > 1)} still open: a number or name "
                   "the article does not support, marked below where it is. Verify each, then mark it checked.")
        prefix = f"{key}-{finished.entry}-{_fingerprint(finished.analysis)}"
        with st.container(height=LIST_HEIGHT if len(checks) > LONG_LIST else "content", border=False):
            for index, check in enumerate(checks):
                mark, finding = st.columns([1, 7], vertical_alignment="center")
                mark.checkbox("Checked", value=check.checked, key=f"{prefix}-{index}", on_change=_mark,
                              args=(history, slot, index, f"{prefix}-{index}", key))
                finding.html(render_finding(check))
        problem = st.session_state.pop(f"{key}-problem", None)
        if problem:
            st.warning(literal(problem), icon=":material/history:")


def _fingerprint(analysis: Analysis) -> str:
    """Names this analysis's findings (marks aside), so another analysis never inherits a checkbox's state."""
    findings = repr((analysis.text, [replace(check, checked=False) for check in analysis.checks]))
    return hashlib.blake2b(findings.encode(), digest_size=8).hexdigest()


def _mark(history: History | HistoryError, slot: str, index: int, widget: str, key: str) -> None:
    """Set finding `index` to the checkbox's value in the session, and in the history entry if it is saved."""
    finished: Finished = st.session_state[slot]
    check, checked = finished.analysis.checks[index], bool(st.session_state[widget])
    checks = tuple(replace(other, checked=checked) if position == index else other
                   for position, other in enumerate(finished.analysis.checks))
    if finished.entry is not None and isinstance(history, History):
        try:
            history.mark_checked(finished.entry, check, checked)
        except HistoryError as error:
            st.session_state[f"{key}-problem"] = f"The mark was not saved to the history: {error}"
        except KeyError:  # deleted from the history since it was opened
            st.session_state[f"{key}-problem"] = "The mark was not saved: this analysis is no longer in the history."
    st.session_state[slot] = replace(finished, analysis=replace(finished.analysis, checks=checks))
