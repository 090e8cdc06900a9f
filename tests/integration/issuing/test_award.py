"""Awarding one credential: contents, signature, storage, idempotency (both databases)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.catalogue import make_org
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer, verify_award

from microcred.audit.models import AuditEvent
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.credentials.model import identity_matches
from microcred.errors import Conflict, InvalidInput
from microcred.issuing import service
from microcred.issuing.errors import AwardNotFound, ExternalIdConflict
from microcred.issuing.types import EvidenceInput


def _award(session: Session, org, version, **kwargs):  # type: ignore[no-untyped-def]
    return service.award(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        **kwargs,
    )


def test_award_to_email_is_signed_stored_and_verifies(session: Session) -> None:
    org, version = make_issuer(session)
    until = datetime.now(UTC) + timedelta(days=365)
    award = _award(
        session,
        org,
        version,
        recipient_email="Ann.Learner@Example.ORG",
        recipient_name="Ann Learner",
        result="Grade A",
        evidence=[EvidenceInput(url="https://evidence.example.org/p/1", narrative="Project")],
        valid_until=until,
        external_id="enrol-1",
    )
    doc = json.loads(award.credential_json)
    assert doc["id"] == f"{BASE}/credentials/{award.public_id}"
    assert doc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert doc["issuer"]["id"] == org.did and doc["issuer"]["name"] == org.name
    subject = doc["credentialSubject"]
    assert "id" not in subject
    email_identity = subject["identifier"][0]
    assert email_identity["hashed"] is True and email_identity["salt"]
    assert identity_matches(email_identity, "ann.learner@example.org")
    assert not identity_matches(email_identity, "someone@example.org")
    assert "Ann" not in award.credential_json  # the name is hashed, never in clear
    assert subject["result"] == [{"type": ["Result"], "value": "Grade A"}]
    assert subject["achievement"]["id"].endswith("/py-101/v1")
    assert doc["evidence"][0]["id"] == "https://evidence.example.org/p/1"
    assert doc["validUntil"].endswith("Z")
    purposes = [entry["statusPurpose"] for entry in doc["credentialStatus"]]
    assert purposes == ["revocation", "suspension"]
    assert doc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    # Stored exactly as signed: re-reading gives the same bytes.
    session.expire_all()
    again = session.get(type(award), award.id)
    assert again is not None and again.credential_json == award.credential_json
    report = verify_award(session, award)
    failed = [c.to_json() for c in report.failures]
    assert [c for c in failed if c["check"] != "schema"] == []
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "award.issue", AuditEvent.organisation_id == org.id
        )
    ).all()
    assert [e.subject_id for e in events] == [award.credential_id]


def test_award_to_did_binds_subject(session: Session) -> None:
    org, version = make_issuer(session)
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    award = _award(session, org, version, recipient_did=did)
    doc = json.loads(award.credential_json)
    assert doc["credentialSubject"]["id"] == did
    assert "identifier" not in doc["credentialSubject"]


def test_external_id_is_idempotent(session: Session) -> None:
    org, version = make_issuer(session)
    first = _award(session, org, version, recipient_email="a@example.org", external_id="x-1")
    second = _award(session, org, version, recipient_email="a@example.org", external_id="x-1")
    assert second.id == first.id
    with pytest.raises(ExternalIdConflict):
        _award(session, org, version, recipient_email="b@example.org", external_id="x-1")
    # Another organisation may use the same external id.
    other, other_version = make_issuer(session, "other")
    third = _award(
        session, other, other_version, recipient_email="a@example.org", external_id="x-1"
    )
    assert third.id != first.id


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "e-mail address or DID"),
        ({"recipient_email": "not-an-email"}, "not an e-mail"),
        ({"recipient_did": "did:bad"}, "not a DID"),
        (
            {"recipient_email": "a@example.org", "valid_until": datetime(2000, 1, 1, tzinfo=UTC)},
            "future",
        ),
        ({"recipient_email": "a@example.org", "evidence": [EvidenceInput(url="ftp://x")]}, "http"),
        ({"recipient_email": "a@example.org", "external_id": " "}, "must not be empty"),
    ],
)
def test_bad_award_input_is_refused(session: Session, kwargs: dict, message: str) -> None:
    org, version = make_issuer(session)
    with pytest.raises(InvalidInput) as info:
        _award(session, org, version, **kwargs)
    assert message in info.value.message


def test_unpublished_or_foreign_definition_is_refused(session: Session) -> None:
    org, version = make_issuer(session)
    other = make_org(session, "other")
    with pytest.raises(InvalidInput) as info:
        _award(session, other, version, recipient_email="a@example.org")
    assert info.value.code == "definition_not_owned"
    catalogue.retire(session, organisation=org, slug="py-101", principal=OPERATOR)
    with pytest.raises(Conflict):
        _award(session, org, version, recipient_email="a@example.org")


def test_lookups_and_listing(session: Session) -> None:
    org, version = make_issuer(session)
    awards = [
        _award(session, org, version, recipient_email=f"l{i}@example.org", external_id=f"e{i}")
        for i in range(5)
    ]
    assert service.get_award(session, org, awards[0].public_id).id == awards[0].id
    assert service.get_award_by_credential_id(session, awards[1].credential_id).id == awards[1].id
    with pytest.raises(AwardNotFound):
        service.get_award_by_credential_id(session, f"{BASE}/credentials/nope")
    other, _ = make_issuer(session, "other")
    with pytest.raises(AwardNotFound):
        service.get_award(session, other, awards[0].public_id)
    page = service.list_awards(session, org, limit=2, offset=1)
    assert page.total == 5 and [a.id for a in page.items] == [awards[3].id, awards[2].id]
    assert service.list_awards(session, org, recipient="nobody@example.org").total == 0
    assert service.list_awards(session, org, recipient="l4@EXAMPLE.org").items[0].id == awards[4].id
    assert service.list_awards(session, org, external_id="e2").items[0].id == awards[2].id
    with pytest.raises(InvalidInput):
        service.list_awards(session, org, limit=0)
