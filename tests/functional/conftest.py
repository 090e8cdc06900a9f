"""Functional tests drive the ASGI app over HTTP, on SQLite and on PostgreSQL.

``app`` is built with :func:`microcred.web.app.create_app` on the parametrized ``engine``
(tests/db_fixtures.py), with sessions bound to the test's rolled-back connection, so each
test starts from an empty, migrated database. ``client`` is a TestClient of that app;
``make_settings`` builds Settings for a custom app (e.g. a low rate limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from microcred.accounts import passwords
from microcred.config import Settings
from microcred.web.app import create_app

TEST_MASTER_KEY = "functional-test-master-key-0123456789abcdef"
TEST_BASE_URL = "http://localhost:8000"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, with the minimum cost: sign-ups and sign-ins stay fast in tests."""
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def make_settings(tmp_path: Any) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "data_dir": tmp_path,
            "base_url": TEST_BASE_URL,
            "master_key": TEST_MASTER_KEY,
            "rate_limit_per_minute": 10_000,
        }
        values.update(overrides)
        return Settings(**values)

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def make_app(
    engine: Engine, session_factory: sessionmaker[Session]
) -> Callable[[Settings], FastAPI]:
    def build(settings: Settings) -> FastAPI:
        return create_app(settings, engine=engine, session_factory=session_factory)

    return build


@pytest.fixture
def app(make_app: Callable[[Settings], FastAPI], settings: Settings) -> FastAPI:
    return make_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=TEST_BASE_URL, raise_server_exceptions=True) as test_client:
        yield test_client
