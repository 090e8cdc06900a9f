"""The write counters behind the read caches follow this process's ORM writes: flushes,
INSERT/UPDATE/DELETE statements run through a session, and commits (both databases)."""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.support.issuing import BASE, MASTER, SYSTEM

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.storage import session_factory
from microcred.storage.changes import CHANNEL, ChangeListener, bump_all, generation


def test_flush_and_commit_count_the_written_tables(own_engine: Engine) -> None:
    """A real commit (not the tests' rolled-back connection), in a database of its own."""
    factory = session_factory(own_engine)
    orgs, lists = generation(["organisations"]), generation(["status_lists"])
    slug = f"counted-{uuid.uuid4().hex[:8]}"
    with factory() as session:
        org = accounts.create_organisation(
            session,
            slug=slug,
            name="Counted",
            base_url=BASE,
            did_method="key",
            master_key=MASTER,
            actor=SYSTEM,
        )
        session.commit()
        assert generation(["organisations"]) > orgs
        orgs = generation(["organisations"])
        org.name = "Counted again"
        session.flush()
        after_flush = generation(["organisations"])
        assert after_flush > orgs
        session.commit()  # counted again once committed
        assert generation(["organisations"]) > after_flush
        assert generation(["status_lists"]) == lists  # not written


def test_reads_count_nothing(session: Session) -> None:
    session.scalars(select(Organisation)).all()
    before = generation(["organisations"])
    session.scalars(select(Organisation)).all()
    session.commit()
    assert generation(["organisations"]) == before


def test_statements_run_through_the_session_count(session: Session) -> None:
    before = generation(["organisations"])
    session.execute(update(Organisation).where(Organisation.slug == "none").values(name="x"))
    assert generation(["organisations"]) > before


def test_postgresql_commits_announce_their_tables(own_engine: Engine) -> None:
    """Another process learns which tables a commit wrote (NOTIFY, delivered on commit
    only); SQLite has no such channel and announces nothing."""
    if own_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite processes rely on the caches' time limit")
    args, kwargs = own_engine.dialect.create_connect_args(own_engine.url)
    factory = session_factory(own_engine)
    with psycopg.connect(*args, **kwargs, autocommit=True) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        with factory() as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            org = accounts.create_organisation(
                session,
                slug="announced",
                name="Announced",
                base_url=BASE,
                did_method="key",
                master_key=MASTER,
                actor=SYSTEM,
            )
            session.commit()
            # Other test processes share the database's channels: keep ours (by sender).
            ours = [n for n in listener.notifies(timeout=1.0) if n.pid == pid]
            assert ours and all(n.channel == CHANNEL for n in ours)
            announced = {name for n in ours for name in n.payload.split(",")}
            assert {"organisations", "organisation_keys", "audit_events"} <= announced
            org.name = "Rolled back"
            session.flush()
            session.rollback()
            # The rolled-back transaction announced nothing.
            assert [n for n in listener.notifies(timeout=0.5) if n.pid == pid] == []


def test_listener_counts_other_processes_writes(own_engine: Engine) -> None:
    listener = ChangeListener(own_engine, poll_seconds=0.1)
    if own_engine.dialect.name != "postgresql":
        listener.start()  # a no-op
        assert not listener.connected.wait(0.2)
        listener.stop()
        return
    listener.start()
    try:
        assert listener.connected.wait(10), "the listener did not connect"
        before = generation(["t_elsewhere"])
        with own_engine.connect() as conn:  # as another process would, on commit
            conn.execute(text("SELECT pg_notify(:c, 't_elsewhere,t_other')"), {"c": CHANNEL})
            conn.commit()
        deadline = time.monotonic() + 10
        while generation(["t_elsewhere"]) == before:
            assert time.monotonic() < deadline, "the notification was not counted"
            time.sleep(0.05)
    finally:
        listener.stop()
    assert not listener.connected.is_set()


def test_bump_all_makes_every_generation_grow() -> None:
    before = generation(["t_any"]), generation([])
    bump_all()
    assert generation(["t_any"]) > before[0] and generation([]) > before[1]
