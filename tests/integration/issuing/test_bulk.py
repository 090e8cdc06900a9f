"""Bulk awards: validation before issuing, re-uploads, a crash mid-run and its resume, and
a thousand rows (both databases)."""

from __future__ import annotations

import io
import json
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer, verify_award

from microcred.issuing import bulk
from microcred.issuing.models import Award, BulkRow, OutboxMessage


class Crash(Exception):
    """Stands in for a process dying mid-run."""


def _csv(rows: list[str], header: str = "email,external_id,name,result") -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *rows]) + "\n").encode())


def _upload(session: Session, org, version, data: io.BytesIO, max_rows: int = 5000):  # type: ignore[no-untyped-def]
    return bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=data,
        filename="learners.csv",
        max_rows=max_rows,
        actor=SYSTEM,
    )


def _run(factory: sessionmaker[Session], batch_id: int, **kwargs):  # type: ignore[no-untyped-def]
    return bulk.run_batch(factory, batch_id, base_url=BASE, master_key=MASTER, **kwargs)


def _awards(session: Session, org_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Award).where(Award.organisation_id == org_id)
        )
        or 0
    )


def test_invalid_batch_issues_nothing_and_reports_every_error(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    batch = _upload(
        session,
        org,
        version,
        _csv(["a@example.org,1,Ann,A", "bad,2,,", "c@example.org,3,=cmd(),", "d@example.org,1,,"]),
    )
    assert batch.status == "invalid" and batch.error_count == 3
    assert [(e.line, e.column, e.code) for e in bulk.batch_errors(session, batch)] == [
        (3, "email", "invalid_value"),
        (4, "name", "formula"),
        (5, "external_id", "duplicate_external_id"),
    ]
    assert (
        session.scalar(
            select(func.count()).select_from(BulkRow).where(BulkRow.batch_id == batch.id)
        )
        == 0
    )
    session.commit()
    counts = _run(session_factory, batch.id)
    assert counts.issued == 0 and _awards(session, org.id) == 0
    report = bulk.errors_csv(bulk.batch_errors(session, batch))
    assert report.splitlines()[0] == "line,column,code,message"
    assert "'=" not in report  # the formula itself is not echoed


def test_batch_issues_each_row_once_and_reupload_issues_nothing(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    rows = [f"l{i}@example.org,ext-{i},Learner {i},Pass" for i in range(6)]
    batch = _upload(session, org, version, _csv(rows))
    assert batch.status == "queued" and batch.total_rows == 6
    session.commit()
    counts = _run(session_factory, batch.id, chunk_size=4)
    assert (counts.issued, counts.pending, counts.failed, counts.skipped) == (6, 0, 0, 0)
    session.refresh(batch)
    assert batch.status == "completed"
    assert _awards(session, org.id) == 6
    one = session.scalar(
        select(Award).where(Award.external_id == "ext-3", Award.organisation_id == org.id)
    )
    assert one is not None and one.batch_id == batch.id and one.source == "bulk"
    assert not [c for c in verify_award(session, one).failures if c.name not in ("schema",)]
    # One mail with a claim link per learner, queued with the award.
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.award_id == one.id)).all()
    assert (
        len(mails) == 1
        and f"{BASE}/claim/" in mails[0].body_text
        and mails[0].to_address == "l3@example.org"
    )

    # The same file again: every row is skipped, nothing is issued twice.
    again = _upload(session, org, version, _csv(rows))
    assert again.status == "queued"
    session.commit()
    counts = _run(session_factory, again.id)
    assert (counts.issued, counts.skipped) == (0, 6)
    assert _awards(session, org.id) == 6
    # An already-used external id for someone else is an error of the upload.
    clash = _upload(session, org, version, _csv(["other@example.org,ext-1,,"]))
    assert clash.status == "invalid"
    assert [e.code for e in bulk.batch_errors(session, clash)] == ["external_id_conflict"]


@pytest.mark.parametrize("crash_after", [1, 5, 7])
def test_crash_mid_run_resumes_without_duplicates_or_losses(
    session: Session, session_factory: sessionmaker[Session], crash_after: int
) -> None:
    org, version = make_issuer(session)
    batch = _upload(session, org, version, _csv([f"l{i}@example.org,e{i},," for i in range(12)]))
    session.commit()

    def crash(processed: int) -> None:
        if processed == crash_after:
            raise Crash

    with pytest.raises(Crash):
        _run(session_factory, batch.id, chunk_size=3, after_row=crash)
    # Only whole chunks survived the crash; the rows of the interrupted chunk are pending.
    committed = (crash_after // 3) * 3 if crash_after % 3 else crash_after - 3
    counts = bulk.batch_counts(session, batch)
    assert counts.issued == committed and counts.pending == 12 - committed
    assert _awards(session, org.id) == committed

    counts = _run(session_factory, batch.id, chunk_size=3)
    assert (counts.issued, counts.pending, counts.failed) == (12, 0, 0)
    ids = session.scalars(select(Award.external_id).where(Award.organisation_id == org.id)).all()
    assert sorted(ids) == sorted(f"e{i}" for i in range(12))
    # Running the finished job again changes nothing.
    assert _run(session_factory, batch.id).issued == 12
    assert _awards(session, org.id) == 12


def test_a_thousand_rows(
    session: Session, session_factory: sessionmaker[Session], dialect: str
) -> None:
    org, version = make_issuer(session)
    rows = [f"learner{i}@example.org,k{i},,Pass" for i in range(1000)]
    started = time.perf_counter()
    batch = _upload(session, org, version, _csv(rows))
    assert batch.status == "queued"
    session.commit()
    counts = _run(session_factory, batch.id, chunk_size=50, deliver=False)
    elapsed = time.perf_counter() - started
    assert (counts.issued, counts.pending, counts.failed) == (1000, 0, 0)
    assert _awards(session, org.id) == 1000
    indexes = session.execute(
        select(Award.revocation_list_id, Award.revocation_index).where(
            Award.organisation_id == org.id
        )
    ).all()
    assert len(set(indexes)) == 1000
    sample = session.scalar(
        select(Award).where(Award.external_id == "k999", Award.organisation_id == org.id)
    )
    assert sample is not None and json.loads(sample.credential_json)["credentialSubject"]["result"]
    assert elapsed < 60, f"{dialect}: 1000 awards took {elapsed:.1f}s"
