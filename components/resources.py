"""What the page shares across sessions: settings read from `KHULASA_*` variables, the models, loaded once, and
the server console's log.

Settings are read on every run (cheap), so the models are cached per `Settings`: a test or a deployment that
changes the variables gets its own models, and every browser session with the same settings shares one set.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from analysis.pipeline import Models, load_models
from components.widget_text import literal
from core.settings import Settings, SettingsError

_console = threading.Lock()


def show_khulasa_log() -> None:
    """Print Khulasa's own log lines (model loads, failed analyses) on the server console at Streamlit's
    `logger.level`; Streamlit sets up only its own loggers, so ours would otherwise show warnings only.

    Once per process (the lock: the first runs of several sessions may race), and not at all where logging is
    set up already (a handler on `khulasa` or the root logger, as under pytest), so no line is printed twice.
    """
    logger = logging.getLogger("khulasa")
    with _console:
        if logger.hasHandlers():
            return
        formatter = logging.Formatter(st.get_option("logger.messageFormat"))
        formatter.default_msec_format = "%s.%03d"  # as Streamlit's own lines
        handler = logging.StreamHandler()
        handler.setFormatter(formatter)
        logger.addHandler(handler)
        logger.setLevel(st.get_option("logger.level").upper())


def current_settings() -> Settings:
    """The settings from the environment; a bad variable stops the page with an error panel naming it."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        st.error(literal(str(error)), icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False)
def _cached_models(settings: Settings) -> Models:
    return load_models(settings, strict=False)


def shared_models(settings: Settings) -> Models:
    """The three models (a failed one is None, with its `ModelUnavailable` in `Models.problems`)."""
    models = _cached_models(settings)
    if models.problems:
        # Keep the models that loaded (they stay in `models.loading`'s cache) but retry the missing one on the
        # next analysis, so a model that has since been downloaded or mounted is picked up without a restart.
        _cached_models.clear(settings)
    return models
