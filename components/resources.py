"""What the page shares across sessions: settings read from `KHULASA_*` variables and the server console's log.

Settings are read on every run (cheap); the workers load the models through `analysis.pipeline.load_models`,
which keeps one set per process, so every browser session with the same settings shares it.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

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
