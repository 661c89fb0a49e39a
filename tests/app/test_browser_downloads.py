"""A journalist's first analysis on an empty cache, in a real Chromium: while the models download (slowly, from
the local Hub stand-in) the page shows how far they have got, in the tab that asked and in any other tab."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.browser import PAGE_TIMEOUT_MS, chromium, open_session, streamlit_server, submit
from tests.local_hub import LocalHub, default_repos, new_user_env

pytestmark = pytest.mark.browser
THROTTLE = 30_000  # bytes per second: the tiny models (about 1.5 MB) then take close to a minute to download
# The first load imports torch and transformers before any request: on a busy machine that alone takes a while.
DOWNLOAD_STARTS_S = 300


def test_download_progress_is_shown_to_every_open_tab(tiny_model_dirs, seed: str, tmp_path: Path) -> None:
    with LocalHub(default_repos(tiny_model_dirs), throttle=THROTTLE) as hub, \
            streamlit_server(new_user_env(tmp_path, hub.url), tmp_path / "server.log") as server, \
            chromium() as browser, open_session(browser, server.url) as asking, \
            open_session(browser, server.url) as watching:
        submit(asking.page, seed)
        deadline = time.monotonic() + DOWNLOAD_STARTS_S
        while not hub.downloads() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert hub.downloads(), "the analysis never started downloading"
        progress = re.compile(r"Downloading \S+: \S+ \(\d+ of \d+ files\) · [\d.,]+ of [\d.,]+ MB")
        for tab in (watching, asking):
            tab.page.get_by_text(progress).first.wait_for(timeout=PAGE_TIMEOUT_MS)
