"""Fixtures of the browser tests: one Chromium per module, and a fresh session on the module's own `server`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.test_app import new_app
from tests.browser import Server, Session, chromium, open_session, playwright_api


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    with chromium() as browser:
        yield browser


@pytest.fixture
def session(browser: playwright_api.Browser, server: Server) -> Iterator[Session]:
    """A new browser context on the `server` fixture of the requesting module."""
    with open_session(browser, server.url) as session:
        yield session


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A history database of the test's own."""
    return tmp_path / "history.sqlite3"


@pytest.fixture
def app(tiny_env: dict[str, str], db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The page on the tiny models, saving to `db` (a module may define its own `app`)."""
    for name, value in {**tiny_env, "KHULASA_DB": str(db)}.items():
        monkeypatch.setenv(name, value)
    return new_app()
