"""What the page shares across sessions: settings read from `KHULASA_*` variables and the models, loaded once.

Settings are read on every run (cheap), so the models are cached per `Settings`: a test or a deployment that
changes the variables gets its own models, and every browser session with the same settings shares one set.
"""

from __future__ import annotations

import streamlit as st

from models.pipeline import Models, load_models
from models.settings import Settings, SettingsError


def current_settings() -> Settings:
    """The settings from the environment; a bad variable stops the page with an error panel naming it."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        st.error(str(error), icon=":material/error:")
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
