"""Bulk issuing at scale (both databases): the parallel path builds exactly the credential
:func:`service.issue` builds and the same claim mail; status indexes taken in blocks
across full lists; rows that fail in a worker; two runners on one batch."""

from __future__ import annotations

import io
import json
import re
import threading
import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer, verify_award

from microcred.accounts import keys as org_keys
from microcred.catalogue.achievement import achievement_json
from microcred.issuing import bulk, claims, service
from microcred.issuing.models import Award, BulkBatch, BulkRow, OutboxMessage, StatusList
from microcred.issuing.parallel import RowSpec, SigningSetup, allocate_block, credential_document
from microcred.issuing.types import EvidenceInput
from microcred.storage import session_factory, transaction, utcnow


def _csv(lines: list[str], header: str = "email,external_id,name,result") -> io.BytesIO:
    return io.BytesIO(("\n".join([header, *lines]) + "\n").encode())


def test_parallel_document_is_the_service_document(session: Session) -> None:
    org, version = make_issuer(session)
    when = utcnow().replace(microsecond=0)
    outcome = service.issue(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="ann@example.org",
        recipient_did="did:example:ann",
        recipient_name="Ann Example",
        evidence=[EvidenceInput(url="https://example.org/work", narrative="Built a thing.")],
        result="Distinction",
        valid_until=when + timedelta(days=365),
        external_id="svc-1",
        now=when,
    )
    award = outcome.award
    stored = json.loads(award.credential_json)
    rev = session.get(StatusList, award.revocation_list_id)
    sus = session.get(StatusList, award.suspension_list_id)
    assert rev is not None and sus is not None
    setup = SigningSetup.create(
        org_keys.signing_key(session, org, MASTER),
        base_url=BASE,
        org_slug=org.slug,
        title=version.title,
        issuer=service._issuer_profile(org, BASE),
        achievement=achievement_json(version, base_url=BASE),
    )
    assert "secret" not in repr(setup) and setup.secret.hex() not in repr(setup)
    spec = RowSpec(
        row_id=1,
        external_id="svc-1",
        public_id=award.public_id,
        when=when,
        revocation=(rev.id, rev.sequence, award.revocation_index),
        suspension=(sus.id, sus.sequence, award.suspension_index),
        email="ann@example.org",
        did="did:example:ann",
        name="Ann Example",
        salt=award.identity_salt,
        result="Distinction",
        evidence_url="https://example.org/work",
        evidence_narrative="Built a thing.",
        valid_until=when + timedelta(days=365),
    )
    document, until = credential_document(setup, spec)
    del stored["proof"]
    assert document == stored
    assert until == award.valid_until


def test_bulk_mail_is_the_notify_mail(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    one = service.issue(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="one@example.org",
        recipient_name="Learner One",
    ).award
    claims.notify_learner(session, one, organisation=org, title=version.title, base_url=BASE)
    batch = bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=_csv(["two@example.org,two,Learner Two,"]),
        filename="x.csv",
        max_rows=10,
        actor=SYSTEM,
    )
    session.commit()
    bulk.run_batch(session_factory, batch.id, base_url=BASE, master_key=MASTER)
    two = session.scalar(select(Award).where(Award.external_id == "two"))
    assert two is not None

    def body(award: Award) -> tuple[str, str]:
        mail = session.scalar(select(OutboxMessage).where(OutboxMessage.award_id == award.id))
        assert mail is not None
        text = mail.body_text.replace(award.credential_id, "<credential>")
        text = text.replace(award.recipient_name or "", "<name>")
        subject = mail.subject
        return re.sub(r"/claim/[A-Za-z0-9_-]+", "/claim/<token>", text), subject

    assert body(one) == body(two)
    # The bulk claim link works like any other (its token's hash is stored).
    assert "/claim/" in body(two)[0]


def test_status_blocks_span_full_lists(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    blocks = allocate_block(session, organisation_id=org.id, purpose="revocation", count=5, size=4)
    assert [(b.sequence, b.start, b.count) for b in blocks] == [(1, 0, 1), (1, 1, 3), (2, 0, 1)]
    session.commit()
    rows = [f"l{i}@example.org,b{i},," for i in range(23)]
    batch = bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=_csv(rows),
        filename="x.csv",
        max_rows=100,
        actor=SYSTEM,
    )
    session.commit()
    counts = bulk.run_batch(
        session_factory, batch.id, base_url=BASE, master_key=MASTER, chunk_size=6, list_size=7
    )
    assert (counts.issued, counts.failed, counts.pending) == (23, 0, 0)
    pairs = session.execute(
        select(Award.revocation_list_id, Award.revocation_index).where(
            Award.organisation_id == org.id
        )
    ).all()
    assert len(set(pairs)) == 23 and all(0 <= index < 7 for _, index in pairs)
    lists = session.scalars(
        select(StatusList).where(
            StatusList.organisation_id == org.id, StatusList.purpose == "suspension"
        )
    ).all()
    assert len(lists) == 4 and all(lst.next_index <= lst.size for lst in lists)
    last = session.scalar(
        select(Award).where(Award.external_id == "b22", Award.organisation_id == org.id)
    )
    assert last is not None
    assert not [c for c in verify_award(session, last).failures if c.name != "schema"]


def test_a_row_that_fails_at_signing_time_is_reported_and_others_are_issued(
    session: Session, session_factory: sessionmaker[Session]
) -> None:
    org, version = make_issuer(session)
    uploaded = utcnow() - timedelta(days=10)
    soon = (uploaded + timedelta(days=2)).date().isoformat()
    batch = bulk.create_batch(
        session,
        organisation=org,
        version=version,
        stream=_csv(
            [f"a@example.org,f1,,,{soon}", "b@example.org,f2,,,"],
            header="email,external_id,name,result,valid_until",
        ),
        filename="x.csv",
        max_rows=10,
        actor=SYSTEM,
        now=uploaded,
    )
    assert batch.status == "queued"
    session.commit()
    counts = bulk.run_batch(session_factory, batch.id, base_url=BASE, master_key=MASTER)
    assert (counts.issued, counts.failed) == (1, 1)
    [failed] = bulk.failed_rows(session, batch)
    assert failed.line == 2 and "valid_until" in failed.message


def test_two_runners_on_one_batch_issue_each_row_once(own_engine: Engine) -> None:
    engine = own_engine
    factory = session_factory(engine)
    slug = f"r{uuid.uuid4().hex[:10]}"
    with transaction(factory) as s:
        org, version = make_issuer(s, slug)
        batch = bulk.create_batch(
            s,
            organisation=org,
            version=version,
            stream=_csv([f"l{i}@example.org,t{i},,Pass" for i in range(120)]),
            filename="x.csv",
            max_rows=1000,
            actor=SYSTEM,
        )
        batch_id, org_id = batch.id, org.id
    errors: list[BaseException] = []

    def work() -> None:
        try:
            bulk.run_batch(
                factory,
                batch_id,
                base_url=BASE,
                master_key=MASTER,
                chunk_size=10,
                workers=1,
                deliver=False,  # committed data: leave no pending mail for other tests
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with transaction(factory) as s:
        external = s.scalars(select(Award.external_id).where(Award.organisation_id == org_id)).all()
        assert sorted(external) == sorted(f"t{i}" for i in range(120))
        statuses = dict(
            s.execute(
                select(BulkRow.status, func.count())
                .where(BulkRow.batch_id == batch_id)
                .group_by(BulkRow.status)
            ).all()
        )
        assert statuses == {"issued": 120}
        done = s.get(BulkBatch, batch_id)
        assert done is not None and done.status == "completed"
