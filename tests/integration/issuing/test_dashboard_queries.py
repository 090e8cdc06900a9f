"""Queries and the held bulk batch used by the provider dashboard (both databases)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer

from microcred.errors import InvalidInput
from microcred.issuing import bulk, service
from microcred.issuing.errors import BatchNotReady
from microcred.issuing.models import Award


def _issue(session: Session, org, version, email: str, when: datetime | None = None) -> Award:  # type: ignore[no-untyped-def]
    award = service.issue(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email=email,
    ).award
    if when is not None:
        award.issued_at = when
        session.flush()
    return award


def test_awards_per_month_buckets_by_utc_month_and_fills_gaps(session: Session) -> None:
    org, version = make_issuer(session)
    other, other_version = make_issuer(session, slug="other")
    now = datetime(2025, 3, 15, 12, tzinfo=UTC)
    _issue(session, org, version, "a@example.org", datetime(2025, 3, 1, 0, 0, 1, tzinfo=UTC))
    _issue(session, org, version, "b@example.org", datetime(2025, 3, 14, tzinfo=UTC))
    _issue(session, org, version, "c@example.org", datetime(2025, 1, 31, 23, 59, tzinfo=UTC))
    _issue(session, org, version, "d@example.org", datetime(2024, 1, 5, tzinfo=UTC))  # too old
    _issue(session, other, other_version, "e@example.org", datetime(2025, 3, 2, tzinfo=UTC))
    months = service.awards_per_month(session, org, months=4, now=now)
    assert months == [("2024-12", 0), ("2025-01", 1), ("2025-02", 0), ("2025-03", 2)]
    year = service.awards_per_month(session, org, months=12, now=now)
    assert len(year) == 12 and year[0] == ("2024-04", 0) and sum(c for _, c in year) == 3
    with pytest.raises(InvalidInput):
        service.awards_per_month(session, org, months=0)


def test_summary_counts_statuses_and_pending_claims(session: Session) -> None:
    org, version = make_issuer(session)
    first = _issue(session, org, version, "a@example.org")
    second = _issue(session, org, version, "b@example.org")
    _issue(session, org, version, "c@example.org")
    service.set_status(
        session, second.id, "revoke", reason="x", actor=SYSTEM, base_url=BASE, master_key=MASTER
    )
    first.user_id = None
    summary = service.award_summary(session, org)
    assert summary.total == 3
    assert summary.by_status == {"active": 2, "revoked": 1}
    assert summary.pending_claims == 2
    changed = service.recent_status_changes(session, org)
    assert [a.id for a in changed] == [second.id]
    other, _ = make_issuer(session, slug="other")
    assert service.award_summary(session, other).total == 0
    assert service.recent_status_changes(session, other) == []


def test_held_batch_waits_for_confirmation(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    data = io.BytesIO(b"email,external_id\na@example.org,1\nb@example.org,2\n")
    batch = bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=data,
        filename="x.csv",
        max_rows=10,
        actor=SYSTEM,
        hold=True,
    )
    session.commit()
    assert batch.status == "preview"
    assert [r.line for r in bulk.batch_rows(session, batch)] == [2, 3]
    bulk.run_batch(session_factory, batch.id, base_url=BASE, master_key=MASTER, deliver=False)
    count = select(func.count()).select_from(Award).where(Award.organisation_id == org.id)
    assert session.scalar(count) == 0
    bulk.confirm_batch(session, batch, actor=SYSTEM)
    assert batch.status == "queued"
    bulk.confirm_batch(session, batch, actor=SYSTEM)  # idempotent
    session.commit()
    counts = bulk.run_batch(
        session_factory, batch.id, base_url=BASE, master_key=MASTER, deliver=False
    )
    assert counts.issued == 2
    session.expire_all()
    assert session.scalar(count) == 2


def test_invalid_batch_cannot_be_confirmed(session: Session) -> None:
    org, version = make_issuer(session)
    batch = bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=io.BytesIO(b"email,external_id\nnot-an-email,1\n"),
        filename="x.csv",
        max_rows=10,
        actor=SYSTEM,
        hold=True,
    )
    assert batch.status == "invalid"
    with pytest.raises(BatchNotReady):
        bulk.confirm_batch(session, batch, actor=SYSTEM)
