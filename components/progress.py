"""Start an analysis in a worker (`analysis.worker`) and say how far it has got, whatever order the stages run in.

The run lives in the session's state, so a rerun of the page (a click anywhere) finds it still working. It stops
on Cancel, on a new Analyse, or soon after its browser tab is gone (Streamlit drops the session's connection).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from analysis.pipeline import Models, Options, load_models
from analysis.worker import AnalysisRun, RunView, Streamer
from batches.batch import Analyse
from client.http import ServiceClient
from components.article_input import Request
from core.settings import Settings
from core.types import Analysis

_loading = threading.Lock()


def start_analysis(request: Request, settings: Settings, options: Options, *, key: str) -> AnalysisRun:
    """Cancel this session's run in progress, if any, and start one for `request` in its own thread."""
    previous: AnalysisRun | None = st.session_state.get(f"{key}-run")
    if previous is not None:
        previous.cancel()
    options = replace(options, force=request.force)
    run = AnalysisRun(request.text, options, settings=settings, alive=session_alive(),
                      load=lambda note: worker_models(settings, note), stream=service_stream(settings)).start()
    st.session_state.pop(f"{key}-ended", None)
    st.session_state[f"{key}-run"], st.session_state[f"{key}-options"] = run, options
    return run


def service_stream(settings: Settings) -> Streamer | None:
    """With `KHULASA_SERVICE` set, the analyses come from that service (no model is loaded here); else None."""
    if not settings.service:
        return None
    client = ServiceClient(settings.service, settings.service_key)
    return lambda text, options, stop: client.stream(text, options, settings.translation, stop)


def service_analyse(settings: Settings) -> Analyse | None:
    """With `KHULASA_SERVICE` set, a batch's files are analysed by that service (no model is loaded here); else
    None."""
    if not settings.service:
        return None
    client = ServiceClient(settings.service, settings.service_key)
    return lambda text, options: client.analysis(text, options, settings.translation)


def worker_models(settings: Settings, note: Callable[[str], None]) -> Models:
    """The models for a worker, one worker at a time: several sessions' first analyses start together, and the
    first load imports torch and the engines, which hangs when several threads do it at once."""
    with _loading:
        return load_models(settings, strict=False, on_progress=note)


def ended_run(*, key: str) -> RunView | None:
    """This session's run if it has just ended: taken out of the session (once) and kept as `{key}-ended`."""
    run = current_run(key=key)
    view = run.view() if run is not None else None
    if view is None or not view.ended:
        return None
    del st.session_state[f"{key}-run"]
    st.session_state[f"{key}-ended"] = view
    return view


def forget_run(key: str) -> None:
    """Cancel this session's run, if any, and drop what the last one left on screen (e.g. to reopen another)."""
    cancel_run(key)
    for suffix in ("run", "ended", "options"):
        st.session_state.pop(f"{key}-{suffix}", None)


def current_run(*, key: str) -> AnalysisRun | None:
    return st.session_state.get(f"{key}-run")


def cancel_run(key: str) -> None:
    """Button callback: ask this session's run to stop after the model call in progress."""
    run = current_run(key=key)
    if run is not None:
        run.cancel()


def session_alive():
    """A check, safe to call from any thread, that the browser session running this script is still connected."""
    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    runtime, session = Runtime.instance(), context.session_id
    return lambda: bool(runtime.is_active_session(session))


def stage_label(view: RunView) -> str:
    """What the run is doing now, e.g. "Entities: 12 mentions · Translation: 3/14 sentences · Summary: writing…"."""
    if view.analysis is None:
        return view.note or "Loading models…"
    return " · ".join(stage_parts(view.analysis))


def stage_parts(analysis: Analysis) -> list[str]:
    total = len(analysis.sentences)
    translated = sum(bool(sentence.translation.strip()) for sentence in analysis.sentences)
    summary = analysis.summary
    return [
        f"Entities: {len(analysis.entities)} mentions",
        f"Translation: {translated}/{total} sentences",
        "Summary: written" if summary is not None and summary.ar.strip() else "Summary: writing…",
    ]
