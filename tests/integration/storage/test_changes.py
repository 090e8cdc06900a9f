"""The write counters behind the read caches follow this process's ORM writes: flushes,
INSERT/UPDATE/DELETE statements run through a session, and commits (both databases)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.support.issuing import BASE, MASTER, SYSTEM

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.storage import session_factory
from microcred.storage.changes import generation


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
