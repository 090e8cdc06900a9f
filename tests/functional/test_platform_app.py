"""The app as a platform: bulk uploads get their own body limit
(MICROCRED_MAX_UPLOAD_BYTES), and the job runner the app started stops on shutdown
(the in-process thread on SQLite, procrastinate's pool on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.functional.conftest import TEST_BASE_URL, TEST_MASTER_KEY
from tests.support.catalogue import SYSTEM, publish_definition

from db_fixtures import IN_CI, POSTGRES_URL
from microcred.accounts import service as accounts
from microcred.accounts import tokens
from microcred.config import Settings
from microcred.jobs import InlineRunner, InProcessRunner, ProcrastinateRunner, task_context
from microcred.jobs.worker import build_procrastinate_app
from microcred.storage import create_engine, session_factory, transaction
from microcred.storage.migrate import upgrade
from microcred.web.app import create_app

MASTER = TEST_MASTER_KEY.encode()


def _issuer(session: Session) -> dict[str, str]:
    org = accounts.create_organisation(
        session,
        slug="acme",
        name="Acme",
        base_url=TEST_BASE_URL,
        master_key=MASTER,
        actor=SYSTEM,
    )
    publish_definition(session, org, "py-101")
    _, plain = tokens.create_token(
        session, organisation=org, scopes={"issue", "read"}, name="t", actor=SYSTEM
    )
    return {"Authorization": f"Bearer {plain}"}


def _upload(client: TestClient, headers: dict[str, str], text: str) -> Any:
    return client.post(
        "/api/orgs/acme/bulk",
        headers=headers,
        data={"definition": "py-101"},
        files={"file": ("learners.csv", text.encode(), "text/csv")},
    )


def _rows(count: int, pad: int = 0) -> str:
    return "email,external_id,name\n" + "".join(
        f"l{i}@example.org,u{i},Learner {i} {'x' * pad}\n" for i in range(count)
    )


def test_bulk_upload_has_its_own_body_limit(
    make_app: Callable[[Settings], FastAPI],
    make_settings: Callable[..., Settings],
    session: Session,
    session_factory: sessionmaker[Session],
) -> None:
    settings = make_settings(max_request_bytes=1024, max_upload_bytes=16 * 1024)
    app = make_app(settings)
    app.state.job_runner = InlineRunner(task_context(settings, session_factory))
    headers = _issuer(session)
    session.commit()
    with TestClient(app, base_url=TEST_BASE_URL) as client:
        # Over the request limit, under the upload limit: accepted and issued.
        text = _rows(12, pad=60)
        assert 1024 < len(text) < 16 * 1024
        accepted = _upload(client, headers, text)
        assert accepted.status_code == 202, accepted.text
        batch = client.get(accepted.headers["location"], headers=headers).json()
        assert (batch["status"], batch["issued"]) == ("completed", 12)
        # Over the upload limit: 413 naming the upload setting, before anything is read.
        refused = _upload(client, headers, _rows(200, pad=60))
        assert refused.status_code == 413
        assert refused.json()["code"] == "request_too_large"
        assert "MICROCRED_MAX_UPLOAD_BYTES" in refused.json()["detail"]

        def chunks() -> Any:  # no Content-Length: counted while streaming
            for _ in range(20):
                yield b"x" * 1024

        streamed = client.post(
            "/api/orgs/acme/bulk",
            content=chunks(),
            headers={**headers, "content-type": "multipart/form-data; boundary=b"},
        )
        assert streamed.status_code == 413
        # Every other route keeps the general limit, also look-alike paths.
        big = {"definition": "py-101", "recipient": {"email": "a@example.org"}, "result": text}
        other = client.post("/api/orgs/acme/awards", json=big, headers=headers)
        assert other.status_code == 413
        assert "MICROCRED_MAX_REQUEST_BYTES" in other.json()["detail"]
        lookalike = client.post("/api/orgs/acme/bulk/extra", content=text.encode())
        assert lookalike.status_code == 413


def test_settings_default_upload_limit() -> None:
    settings = Settings(environment="test")
    assert settings.max_upload_bytes == 200 * 1024 * 1024
    assert settings.max_request_bytes == 5 * 1024 * 1024


def test_shutdown_stops_the_in_process_runner(tmp_path: Path) -> None:
    """SQLite: the app builds an in-process job thread on first use; shutdown ends it."""
    settings = Settings(
        environment="test", data_dir=tmp_path, base_url=TEST_BASE_URL, master_key=TEST_MASTER_KEY
    )
    engine = create_engine(settings.resolved_database_url)
    upgrade(engine, "heads")
    with transaction(session_factory(engine)) as session:
        headers = _issuer(session)
    engine.dispose()
    app = create_app(settings)
    with TestClient(app, base_url=TEST_BASE_URL) as client:
        accepted = _upload(client, headers, _rows(3))
        assert accepted.status_code == 202, accepted.text
        runner = app.state.job_runner
        assert isinstance(runner, InProcessRunner)
        thread = runner._thread
        assert thread is not None and thread.is_alive()
        runner.wait_idle()
        batch = client.get(accepted.headers["location"], headers=headers).json()
        assert (batch["status"], batch["issued"]) == ("completed", 3)
    assert not thread.is_alive()
    assert app.state.job_runner is None
    app.state.engine.dispose()


def test_shutdown_closes_procrastinate(make_settings: Callable[..., Settings]) -> None:
    """PostgreSQL: the procrastinate runner's connection pool is closed on shutdown."""
    admin = sqlalchemy.create_engine(POSTGRES_URL)
    try:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable under CI=true: {exc.orig}")
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    finally:
        admin.dispose()
    settings = make_settings(database_url=POSTGRES_URL)
    app = create_app(settings)
    procrastinate_app = build_procrastinate_app(POSTGRES_URL)
    procrastinate_app.open()
    connector = procrastinate_app.connector.get_sync_connector()
    pool = connector._pool  # type: ignore[attr-defined]
    assert pool is not None and not pool.closed
    with TestClient(app, base_url=TEST_BASE_URL) as client:
        app.state.job_runner = ProcrastinateRunner(procrastinate_app)
        assert client.get("/healthz").json() == {"status": "ok"}
    assert pool.closed
    assert app.state.job_runner is None
    app.state.engine.dispose()
