"""The "Check before publishing" box at the top of the results: how many numbers and names of the translation and
the summary the article does not support, and one table of the findings, sentence by sentence, each with where it
is, what and why, and a "Checked" box to tick.

The findings sit in ONE data editor, however many there are (a long article with a noisy model makes thousands; a
widget per finding kept the page drawing for minutes). Its cells are plain text, never Markdown or HTML. A mark is
kept with the analysis in the session and, when the analysis is saved, in the history, so reopening it shows the
marks again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.checks import place_of
from components.widget_text import literal
from core.errors import HistoryError
from core.types import Analysis, Check, Finished
from history.store import History

CHECKED, WHERE, FINDING, WHY = "Checked", "Where", "Finding", "Why"
LIST_HEIGHT = 360
LONG_LIST = 8
NOTHING_FOUND = ("Every number of the translation and the summary, and every name in the summary, is in the "
                 "article. The check finds unsupported numbers and names, not every error.")


def checks_box(finished: Finished, history: History | HistoryError, *, slot: str, key: str) -> None:
    """The box for the finished analysis in `st.session_state[slot]`; ticking a finding updates that slot and
    the history entry `finished.entry`."""
    checks = finished.analysis.checks
    still_open = sum(not check.checked for check in checks)
    with st.container(border=True, key=f"{key}-box"):
        st.markdown("**Check before publishing**")
        if not checks:
            st.caption(NOTHING_FOUND)
            return
        st.caption(f"{still_open} of {len(checks)} finding{'s' * (len(checks) > 1)} still open: a number or name "
                   "the article does not support, marked below where it is. Verify each, then tick it checked.")
        # Keyed by the findings (marks aside), so another analysis never inherits this one's edits.
        editor = f"{key}-{finished.entry}-{_fingerprint(finished.analysis)}"
        st.data_editor(findings_table(checks), key=editor, hide_index=True, num_rows="fixed",
                       disabled=(WHERE, FINDING, WHY), on_change=_mark, args=(history, slot, editor, key),
                       height=LIST_HEIGHT if len(checks) > LONG_LIST else "auto", width="stretch",
                       column_config={
                           CHECKED: st.column_config.CheckboxColumn(CHECKED, width="small",
                                                                    help="Tick once you have verified it"),
                           WHERE: st.column_config.TextColumn(WHERE, width="small"),
                           FINDING: st.column_config.TextColumn(FINDING, width="small"),
                           WHY: st.column_config.TextColumn(WHY, width="large"),
                       })
        problem = st.session_state.pop(f"{key}-problem", None)
        if problem:
            st.warning(literal(problem), icon=":material/history:")


def findings_table(checks: Sequence[Check]) -> pd.DataFrame:
    """One row per finding, in the analysis's order (sentence by sentence, then the summaries): its mark, where
    it is, the number or name, and why it is listed."""
    return pd.DataFrame({
        CHECKED: [check.checked for check in checks],
        WHERE: [place_of(check) for check in checks],
        FINDING: [check.text for check in checks],
        WHY: [check.detail for check in checks],
    })


def with_edits(checks: Sequence[Check], edited_rows: Mapping[int, Mapping[str, object]]) -> tuple[Check, ...]:
    """`checks` with the "Checked" cells the table's `edited_rows` hold (row `i` is `checks[i]`)."""
    return tuple(replace(check, checked=bool(edited_rows[row][CHECKED]))
                 if CHECKED in edited_rows.get(row, {}) else check for row, check in enumerate(checks))


def save_marks(history: History | HistoryError, finished: Finished, checks: Sequence[Check]) -> str | None:
    """Save the marks of `checks` that differ from `finished`'s into its history entry (if it is saved); what
    went wrong, if anything, for the user."""
    if finished.entry is None or not isinstance(history, History):
        return None
    for before, after in zip(finished.analysis.checks, checks, strict=True):
        if before.checked == after.checked:
            continue
        try:
            history.mark_checked(finished.entry, after, after.checked)
        except HistoryError as error:
            return f"The mark was not saved to the history: {error}"
        except KeyError:  # deleted from the history since it was opened
            return "The mark was not saved: this analysis is no longer in the history."
    return None


def _fingerprint(analysis: Analysis) -> str:
    """Names this analysis's findings (marks aside)."""
    findings = repr((analysis.text, [replace(check, checked=False) for check in analysis.checks]))
    return hashlib.blake2b(findings.encode(), digest_size=8).hexdigest()


def _mark(history: History | HistoryError, slot: str, editor: str, key: str) -> None:
    """Take the table's marks into the analysis in the session, and into the history entry if it is saved."""
    finished: Finished = st.session_state[slot]
    checks = with_edits(finished.analysis.checks, st.session_state[editor]["edited_rows"])
    problem = save_marks(history, finished, checks)
    if problem:
        st.session_state[f"{key}-problem"] = problem
    st.session_state[slot] = replace(finished, analysis=replace(finished.analysis, checks=checks))
