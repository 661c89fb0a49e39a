"""Fixtures of the browser tests: one Chromium per module, and a fresh session on the module's own `server`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
