"""Database fixtures (a pytest plugin loaded by tests/conftest.py): every integration and
functional test runs on SQLite and on PostgreSQL.

The schema is built once per database by the real Alembic migrations (``upgrade heads``);
each test then runs inside a transaction that is rolled back, so tests never see each
other's rows. Code under test may call ``session.commit()``: the session is bound with
``join_transaction_mode="create_savepoint"``, so a commit only releases a savepoint.

PostgreSQL: ``MICROCRED_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each pytest-xdist worker gets its
own schema. Under ``CI=true`` an unreachable PostgreSQL is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from microcred.storage import create_engine
from microcred.storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "MICROCRED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _postgres_engine(worker: str) -> Iterator[Engine]:
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    schema = f"mc_test_{worker}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database engine: SQLite file, then PostgreSQL."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "microcred.db"
        eng = create_engine(f"sqlite:///{path}")
        upgrade(eng, "heads")
        yield eng
        eng.dispose()
        return
    gen = _postgres_engine(worker)
    eng = next(gen)
    upgrade(eng, "heads")
    yield eng
    with contextlib.suppress(StopIteration):
        next(gen)


@pytest.fixture
def own_engine(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A fresh migrated database for this test alone (same kind as ``engine``), for tests
    whose code commits for real (threads, worker processes): their rows must not show up
    in the tests that share ``engine``. Dropped afterwards."""
    if engine.dialect.name == "sqlite":
        path = tmp_path_factory.mktemp("own-db") / "microcred.db"
        own = create_engine(f"sqlite:///{path}")
        upgrade(own, "heads")
        yield own
        own.dispose()
        return
    schema = f"mc_own_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    own = create_engine(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=10
    )
    try:
        upgrade(own, "heads")
        yield own
    finally:
        own.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            if outer.is_active:
                outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions bound to the test's connection; their commits become savepoints."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


@pytest.fixture
def dialect(engine: Engine) -> str:
    return engine.dialect.name
