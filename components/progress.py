"""Run one analysis under an `st.status` box that names each stage, handing every snapshot to the page."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import streamlit as st

from analysis.pipeline import Options, analyze_stream
from components.article_input import Request
from components.resources import shared_models
from core.errors import KhulasaError
from core.settings import Settings
from core.types import Analysis, Finished

log = logging.getLogger("khulasa.app")


def stage_label(analysis: Analysis, *, translating: bool = True) -> str:
    """What the analysis is doing now, given the snapshot just produced, e.g. "Translation: 3/14 sentences"."""
    total = len(analysis.sentences)
    translated = sum(bool(sentence.translation.strip()) for sentence in analysis.sentences)
    if analysis.stage == "entities":
        upcoming = f"translating {total} sentences" if translating else "writing the summary"
        return f"Entities: {len(analysis.entities)} mentions found · {upcoming}…"
    if analysis.stage == "translation" and translated < total:
        return f"Translation: {translated}/{total} sentences"
    if analysis.stage == "translation":
        return f"Translation: {translated}/{total} sentences · writing the summary…"
    return "Done"


def run_analysis(request: Request, settings: Settings, options: Options, *,
                 on_snapshot: Callable[[Analysis], None]) -> Finished | None:
    """Load the models (cached), stream the analysis and return the finished one; None if it failed."""
    started = time.perf_counter()
    options = replace(options, force=request.force)
    with st.status("Loading models…", expanded=True) as status:
        models = shared_models(settings)
        st.write(f"Models ready in {time.perf_counter() - started:.1f} s.")
        stage = st.empty()
        try:
            for analysis in analyze_stream(request.text, models, settings, options):
                label = stage_label(analysis, translating=models.translator is not None)
                status.update(label=label)
                stage.write(label)
                on_snapshot(analysis)
        except KhulasaError as error:
            status.update(label="The analysis could not run", state="error")
            st.error(str(error), icon=":material/error:")
            return None
        except Exception:  # noqa: BLE001 - the page must survive a model crash; the log keeps the traceback
            log.exception("analysis failed")
            status.update(label="The analysis failed", state="error")
            st.error("The analysis failed unexpectedly; the server log has the details. Your text is kept: "
                     "try again, or shorten the article.", icon=":material/error:")
            return None
        status.update(label=f"Done in {time.perf_counter() - started:.1f} s", state="complete", expanded=False)
    return Finished(analysis, datetime.now(UTC))
