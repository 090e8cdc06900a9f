"""Status lists: allocation without collisions (also under concurrency), new lists when
full, revoke / suspend / unsuspend and the served list (both databases)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.support.catalogue import make_org
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer, verify_award

from microcred.accounts import keys as org_keys
from microcred.audit.models import AuditEvent
from microcred.credentials.status import Bitstring
from microcred.errors import MicrocredError
from microcred.issuing import service, status
from microcred.issuing.errors import AwardRevoked
from microcred.issuing.models import Award, StatusList
from microcred.storage import session_factory, transaction


def _served(session: Session, org, purpose: str, sequence: int = 1) -> dict:  # type: ignore[no-untyped-def]
    text = status.served_list(
        session,
        organisation_id=org.id,
        org_slug=org.slug,
        issuer=org.did,
        purpose=purpose,
        sequence=sequence,
        base_url=BASE,
        key=lambda: org_keys.signing_key(session, org, MASTER),
    )
    assert text is not None
    return json.loads(text)


def _bits(document: dict) -> Bitstring:
    return Bitstring.decode(document["credentialSubject"]["encodedList"])


def test_allocation_is_sequential_and_rolls_over_to_a_new_list(session: Session) -> None:
    org = make_org(session, "acme")
    got = [
        status.allocate(session, organisation_id=org.id, purpose="revocation", size=3)
        for _ in range(7)
    ]
    assert [(lst.sequence, index) for lst, index in got] == [
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 0),
        (2, 1),
        (2, 2),
        (3, 0),
    ]
    # Purposes and organisations have their own lists.
    lst, index = status.allocate(session, organisation_id=org.id, purpose="suspension", size=3)
    assert (lst.sequence, index) == (1, 0)
    other = make_org(session, "other")
    lst, index = status.allocate(session, organisation_id=other.id, purpose="revocation")
    assert (lst.sequence, index, lst.size) == (1, 0, 131_072)
    with pytest.raises(ValueError):
        status.allocate(session, organisation_id=org.id, purpose="refresh")


def _committed_org(engine: Engine) -> tuple[int, str]:
    factory = session_factory(engine)
    slug = f"c{uuid.uuid4().hex[:10]}"
    with transaction(factory) as s:
        org = make_org(s, slug)
        return org.id, slug


def _run_threads(count: int, target: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        try:
            barrier.wait()
            target(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_allocation_never_collides(own_engine: Engine) -> None:
    """N threads, each with its own connection and transactions, allocate at once; small
    lists force concurrent creation of new lists too."""
    engine = own_engine
    org_id, _ = _committed_org(engine)
    factory = session_factory(engine)
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def allocate(_: int) -> None:
        for _ in range(15):
            with transaction(factory) as s:
                lst, index = status.allocate(
                    s, organisation_id=org_id, purpose="revocation", size=10
                )
                with lock:
                    results.append((lst.sequence, index))

    errors = _run_threads(8, allocate)
    assert errors == []
    assert len(results) == 120 and len(set(results)) == 120
    assert all(0 <= index < 10 for _, index in results)
    with transaction(factory) as s:
        lists = s.scalars(select(StatusList).where(StatusList.organisation_id == org_id)).all()
        assert sorted(lst.sequence for lst in lists) == list(range(1, 13))
        assert all(lst.next_index == 10 for lst in lists)


def test_revoke_suspend_unsuspend_change_the_served_lists(session: Session) -> None:
    org, version = make_issuer(session)
    awards = [
        service.award(
            session,
            organisation=org,
            version=version,
            actor=SYSTEM,
            base_url=BASE,
            master_key=MASTER,
            recipient_email=f"l{i}@example.org",
        )
        for i in range(3)
    ]
    first, second, third = awards
    kwargs = {"actor": SYSTEM, "base_url": BASE, "master_key": MASTER}
    assert _bits(_served(session, org, "revocation")).count() == 0

    change = service.suspend(session, second.id, reason="investigating", **kwargs)
    assert change.changed and change.status == "suspended"
    assert _bits(_served(session, org, "suspension")).set_indices() == [second.suspension_index]
    report = verify_award(session, second)
    assert any(c.code == "suspended" for c in report.failures)
    assert not service.suspend(session, second.id, reason="again", **kwargs).changed

    service.unsuspend(session, second.id, reason="cleared", **kwargs)
    assert _bits(_served(session, org, "suspension")).count() == 0

    service.revoke(session, first.id, reason="fraud", **kwargs)
    revoked = _served(session, org, "revocation")
    assert _bits(revoked).set_indices() == [first.revocation_index]
    report = verify_award(session, first)
    assert [c.code for c in report.failures if c.name == "status"] == ["revoked"]
    assert not [c for c in verify_award(session, third).failures if c.name == "status"]

    # Revoking is final and idempotent.
    again = service.revoke(session, first.id, reason="twice", **kwargs)
    assert not again.changed and again.status == "revoked"
    with pytest.raises(AwardRevoked):
        service.suspend(session, first.id, reason="x", **kwargs)
    with pytest.raises(AwardRevoked):
        service.unsuspend(session, first.id, reason="x", **kwargs)
    session.refresh(first)
    assert first.status_reason == "fraud"

    # A suspended award can be revoked; its suspension bit is then cleared.
    service.suspend(session, third.id, reason="check", **kwargs)
    service.revoke(session, third.id, reason="confirmed", **kwargs)
    assert _bits(_served(session, org, "suspension")).count() == 0
    assert sorted(_bits(_served(session, org, "revocation")).set_indices()) == sorted(
        [first.revocation_index, third.revocation_index]
    )
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == third.credential_id)
    ).all()
    assert list(actions) == ["award.issue", "award.suspend", "award.revoke"]


def test_served_list_is_cached_until_a_change(session: Session) -> None:
    org, version = make_issuer(session)
    award = service.award(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="a@example.org",
    )
    first = _served(session, org, "revocation")
    assert _served(session, org, "revocation") == first  # same signed JSON, not re-signed
    row = session.scalar(
        select(StatusList).where(
            StatusList.purpose == "revocation", StatusList.organisation_id == org.id
        )
    )
    assert row is not None and row.signed_version == row.version
    service.revoke(session, award.id, reason=None, actor=SYSTEM, base_url=BASE, master_key=MASTER)
    assert _served(session, org, "revocation") != first
    assert (
        status.served_list(
            session,
            organisation_id=org.id,
            org_slug=org.slug,
            issuer=org.did,
            purpose="revocation",
            sequence=9,
            base_url=BASE,
            key=lambda: None,  # type: ignore[arg-type,return-value]
        )
        is None
    )


def test_concurrent_revocations_of_one_credential(own_engine: Engine) -> None:
    """Several connections revoke (and try to suspend) the same award at once: each call
    succeeds (idempotently) or gets a Conflict; the award ends revoked with one
    revocation event, and the list shows it."""
    engine = own_engine
    factory = session_factory(engine)
    slug = f"r{uuid.uuid4().hex[:10]}"
    with transaction(factory) as s:
        org, version = make_issuer(s, slug)
        award = service.award(
            s,
            organisation=org,
            version=version,
            actor=SYSTEM,
            base_url=BASE,
            master_key=MASTER,
            recipient_email="a@example.org",
        )
        award_id, org_id = award.id, org.id
    outcomes: list[str] = []
    lock = threading.Lock()

    def act(n: int) -> None:
        try:
            with transaction(factory) as s:
                action = service.revoke if n % 3 else service.suspend
                change = action(
                    s, award_id, reason=f"r{n}", actor=SYSTEM, base_url=BASE, master_key=MASTER
                )
                outcome = f"{change.status}:{change.changed}"
        except MicrocredError as exc:
            outcome = exc.code
        with lock:
            outcomes.append(outcome)

    errors = _run_threads(6, act)
    assert errors == []
    assert len(outcomes) == 6
    assert outcomes.count("revoked:True") == 1
    assert set(outcomes) <= {
        "revoked:True",
        "revoked:False",
        "suspended:True",
        "suspended:False",  # a second suspend that lost the race changes nothing
        "award_revoked",
        "invalid_status_change",
    }
    with transaction(factory) as s:
        row = s.get(Award, award_id)
        assert row is not None and row.status == "revoked"
        events = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.organisation_id == org_id, AuditEvent.action == "award.revoke"
            )
        ).all()
        assert len(events) == 1
        lst = s.get(StatusList, row.revocation_list_id)
        assert lst is not None and lst.signed_json is not None and lst.signed_version == lst.version
        bits = Bitstring.decode(json.loads(lst.signed_json)["credentialSubject"]["encodedList"])
        assert bits.set_indices() == [row.revocation_index]
