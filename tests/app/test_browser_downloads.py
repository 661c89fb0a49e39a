"""A journalist's first analysis on an empty cache, in a real Chromium: while the models download (slowly, from
the local Hub stand-in) the page shows how far they have got, in the tab that asked and in any other tab."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser import PAGE_TIMEOUT_MS, chromium, open_session, streamlit_server, submit
from tests.local_hub import LocalHub, default_repos, new_user_env

pytestmark = pytest.mark.browser
THROTTLE = 60_000  # bytes per second: the tiny models then take several seconds, long enough to be seen


def test_download_progress_is_shown_to_every_open_tab(tiny_model_dirs, seed: str, tmp_path: Path) -> None:
    with LocalHub(default_repos(tiny_model_dirs), throttle=THROTTLE) as hub, \
            streamlit_server(new_user_env(tmp_path, hub.url), tmp_path / "server.log") as server, \
            chromium() as browser, open_session(browser, server.url) as asking, \
            open_session(browser, server.url) as watching:
        submit(asking.page, seed)
        progress = re.compile(r"Downloading \S+: \S+ \(\d+ of \d+ files\) · [\d.]+ of [\d.]+ MB")
        watching.page.get_by_text(progress).first.wait_for(timeout=PAGE_TIMEOUT_MS)
        assert hub.downloads(), "the page showed progress before any file was requested"
