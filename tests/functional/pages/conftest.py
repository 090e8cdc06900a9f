"""Fixtures for page tests: the demo data and an HTML-accepting client."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.pages.seeding import Demo, seed_demo

from microcred.config import Settings

HTML = {"Accept": "text/html,application/xhtml+xml"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


@pytest.fixture
def demo(session: Session, settings: Settings) -> Demo:
    data = seed_demo(
        session,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )
    session.commit()
    return data


@pytest.fixture
def browser(client: TestClient) -> TestClient:
    """The client, sending a browser's Accept header."""
    client.headers.update(HTML)
    return client
