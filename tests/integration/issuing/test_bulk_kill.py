"""``kill -9`` in the middle of ``microcred award bulk``, then run it again: every row is
issued exactly once (SQLite and PostgreSQL).

The command runs as a real subprocess against a database of its own (a SQLite file, or a
fresh PostgreSQL schema), signing in worker processes. The test watches the committed
awards and sends SIGKILL to the command when their count passes a threshold, twice at
different points, then lets a third run finish. Afterwards: one award per row, no
duplicate credential ids or external ids, unique status indexes, every row's award
stored, a sample of credentials verifies, and no worker process outlived its parent.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from tests.db_fixtures import POSTGRES_URL
from tests.support.issuing import BASE, MASTER, make_issuer, verify_award

from microcred.issuing.models import Award, BulkBatch, BulkRow, OutboxMessage
from microcred.storage import create_engine, session_factory, transaction
from microcred.storage.migrate import upgrade

ROWS = 2000
#: Kill the command when this many awards are committed (first run, second run).
KILL_AT = (300, 1100)
CLI = [sys.executable, "-c", "from microcred.cli import _entry; _entry()"]


@pytest.fixture
def own_database(engine: Engine, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """A migrated database only this test uses (the command commits for real)."""
    if engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'kill.db'}"
        own = create_engine(url)
        upgrade(own, "heads")
        yield own, url
        own.dispose()
        return
    schema = f"mc_kill_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    own = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(own, "heads")
        yield own, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        own.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _awards(db: Engine, org_id: int) -> int:
    if db.dialect.name == "sqlite":
        # A plain autocommit reader: in WAL mode it never waits for the writer, so polling
        # sees the count as it grows (the engine's BEGIN IMMEDIATE would queue behind the
        # command's transactions and could miss the kill threshold entirely).
        path = db.url.database
        assert path is not None
        reader = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            row = reader.execute(
                "SELECT count(*) FROM awards WHERE organisation_id = ?", (org_id,)
            ).fetchone()
        finally:
            reader.close()
        return int(row[0])
    with db.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(Award).where(Award.organisation_id == org_id)
            ).scalar_one()
        )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_group_gone(pgid: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _group_alive(pgid):
            return True
        time.sleep(0.05)
    return False


def _run(
    env: dict[str, str], csv_path: Path, *, kill_at: int | None, db: Engine, org_id: int
) -> int | None:
    """Run the command; with ``kill_at``, SIGKILL it once that many awards are committed.
    Returns the exit code (None when killed)."""
    process = subprocess.Popen(
        [
            *CLI,
            "award",
            "bulk",
            str(csv_path),
            "--org",
            "kill",
            "--definition",
            "py-101",
            "--no-progress",
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the test can see its workers
    )
    try:
        if kill_at is None:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err.decode()[-3000:]
            assert b"0 failed, 0 pending" in out, out
            return process.returncode
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if process.poll() is not None:
                _out, err = process.communicate()
                pytest.fail(f"the command ended before the kill: {err.decode()[-3000:]}")
            if _awards(db, org_id) >= kill_at:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the command did not reach the kill threshold in time")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        # The signing workers notice their parent is gone and exit by themselves.
        assert _wait_group_gone(process.pid), "worker processes outlived the killed command"
        return None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_kill_9_mid_run_then_resume_issues_every_row_once(
    own_database: tuple[Engine, str], tmp_path: Path
) -> None:
    db, url = own_database
    factory = session_factory(db)
    with transaction(factory) as session:
        org, _version = make_issuer(session, "kill")
        org_id = org.id
    csv_path = tmp_path / "learners.csv"
    csv_path.write_text(
        "email,external_id,name,result\n"
        + "".join(f"learner{i}@example.org,ext-{i},Learner {i},Pass\n" for i in range(ROWS)),
        "utf-8",
    )
    env = {
        **os.environ,
        "MICROCRED_DATABASE_URL": url,
        "MICROCRED_MASTER_KEY": MASTER.decode(),
        "MICROCRED_BASE_URL": BASE,
        "MICROCRED_DATA_DIR": str(tmp_path / "data"),
    }
    for threshold in KILL_AT:
        _run(env, csv_path, kill_at=threshold, db=db, org_id=org_id)
        assert threshold <= _awards(db, org_id) < ROWS
    _run(env, csv_path, kill_at=None, db=db, org_id=org_id)

    with transaction(factory) as session:
        awards = session.execute(
            select(
                Award.id,
                Award.external_id,
                Award.credential_id,
                Award.revocation_list_id,
                Award.revocation_index,
                Award.suspension_list_id,
                Award.suspension_index,
            ).where(Award.organisation_id == org_id)
        ).all()
        assert len(awards) == ROWS
        assert sorted(a.external_id for a in awards) == sorted(f"ext-{i}" for i in range(ROWS))
        assert len({a.credential_id for a in awards}) == ROWS
        assert len({(a.revocation_list_id, a.revocation_index) for a in awards}) == ROWS
        assert len({(a.suspension_list_id, a.suspension_index) for a in awards}) == ROWS
        # One batch (the killed runs were resumed, not uploaded again), every row issued
        # and pointing at its own award.
        batches = session.scalars(
            select(BulkBatch).where(BulkBatch.organisation_id == org_id)
        ).all()
        assert [b.status for b in batches] == ["completed"]
        rows = session.execute(
            select(BulkRow.status, BulkRow.award_id, BulkRow.external_id).where(
                BulkRow.batch_id == batches[0].id
            )
        ).all()
        assert {r.status for r in rows} == {"issued"} and len(rows) == ROWS
        by_external = {a.external_id: a.id for a in awards}
        assert all(by_external[r.external_id] == r.award_id for r in rows)
        # One claim mail per award.
        mails = session.execute(
            select(OutboxMessage.award_id, func.count())
            .join(Award, Award.id == OutboxMessage.award_id)
            .where(Award.organisation_id == org_id)
            .group_by(OutboxMessage.award_id)
        ).all()
        assert len(mails) == ROWS and {n for _, n in mails} == {1}
        # A sample across the whole batch verifies (signature, status lists, issuer).
        step = ROWS // 8
        for external_id in [f"ext-{i}" for i in range(0, ROWS, step)] + [f"ext-{ROWS - 1}"]:
            award = session.scalar(
                select(Award).where(
                    Award.organisation_id == org_id, Award.external_id == external_id
                )
            )
            assert award is not None
            report = verify_award(session, award)
            assert not [c for c in report.failures if c.name != "schema"], report.to_json()
            document = json.loads(award.credential_json)
            assert document["credentialSubject"]["result"][0]["value"] == "Pass"
