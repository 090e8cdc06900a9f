"""Quality domain on SQLite and PostgreSQL: accreditation, trust registries (publish,
consume in three formats), the issuer_trust and endorsements checks, endorsements."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.catalogue import MASTER, SYSTEM, make_member, make_org
from tests.support.issuing import BASE, make_issuer, verify_award

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.types import Principal
from microcred.audit.models import AuditEvent
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.verify import verify
from microcred.errors import PermissionDenied
from microcred.issuing import service as issuing
from microcred.issuing.delivery import MailSettings
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.tasks import TaskContext
from microcred.jobs import run_task
from microcred.jobs.trust import refresh_registries
from microcred.quality import accreditation, endorsements, registry, service
from microcred.quality.errors import InvalidRegistry, NotQualityBody, SelfAccreditation
from microcred.quality.trust import (
    DatabaseTrust,
    StaticTrust,
    TrustCache,
    add_endorsement_check,
    add_platform_checks,
    add_trust_check,
)
from microcred.storage import NotCached, utcnow


def _body(session: Session) -> tuple[Organisation, Principal]:
    body = make_org(session, "eqa-agency", name="European QA Agency")
    service.add_quality_body(session, body, actor=SYSTEM)
    return body, make_member(session, body, "qa@eqa.example", "owner")


def _fetcher(session: Session) -> LocalDocuments:
    return LocalDocuments(session, base_url=BASE, master_key=MASTER)


def _award(session: Session, org: Organisation, version: object) -> VerificationReport:
    award = issuing.award(
        session,
        organisation=org,
        version=version,  # type: ignore[arg-type]
        recipient_email="learner@example.org",
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
    )
    return verify_award(session, award)


def test_only_quality_bodies_accredit_and_never_themselves(session: Session) -> None:
    provider = make_org(session, "northbridge")
    provider_owner = make_member(session, provider, "owner@nb.example", "owner")
    # A provider cannot accredit itself, nor is it a quality body.
    with pytest.raises(NotQualityBody):
        accreditation.accredit(
            session, principal=provider_owner, body=provider, provider=provider, scope="All"
        )
    body, qa = _body(session)
    with pytest.raises(SelfAccreditation):
        accreditation.accredit(session, principal=qa, body=body, provider=body, scope="All")
    # Owners of the provider cannot act in the quality body's name.
    with pytest.raises(PermissionDenied):
        accreditation.accredit(
            session, principal=provider_owner, body=body, provider=provider, scope="All"
        )
    issuer_member = make_member(session, body, "clerk@eqa.example", "issuer")
    with pytest.raises(PermissionDenied):
        accreditation.accredit(
            session, principal=issuer_member, body=body, provider=provider, scope="All"
        )


def test_accreditation_lifecycle_is_audited(session: Session) -> None:
    provider, _ = make_issuer(session, "northbridge", "py-101")
    body, qa = _body(session)
    until = utcnow() + timedelta(days=365)
    granted = accreditation.accredit(
        session,
        principal=qa,
        body=body,
        provider=provider,
        scope="Higher education programmes in computing",
        definitions=["py-101"],
        valid_until=until,
        statement="Reviewed in 2026.",
    )
    current = accreditation.current_accreditations(session, provider_did=provider.did)
    assert [(a.public_id, p.slug, b.slug) for a, p, b in current] == [
        (granted.public_id, "northbridge", "eqa-agency")
    ]
    accreditation.withdraw(session, principal=qa, public_id=granted.public_id, reason="Lapsed")
    assert accreditation.current_accreditations(session, provider_did=provider.did) == []
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == granted.public_id)
    ).all()
    assert sorted(actions) == ["accreditation.grant", "accreditation.withdraw"]


def test_registry_json_and_signed_credential_verify(session: Session) -> None:
    provider, _ = make_issuer(session, "northbridge", "py-101")
    make_org(session, "skillforge")
    body, qa = _body(session)
    accreditation.accredit(session, principal=qa, body=body, provider=provider, scope="Computing")
    publisher = service.registry_publisher(session)
    assert publisher is not None and publisher.id == body.id
    doc = registry.registry_json(session, base_url=BASE, publisher=publisher)
    assert doc["publisher"] == {"id": body.did, "name": body.name}
    assert [(e["issuer"], e["accreditedBy"]["id"]) for e in doc["entries"]] == [
        (provider.did, body.did)
    ]
    key = org_keys.signing_key(session, body, MASTER)
    signed = registry.registry_credential(session, base_url=BASE, publisher=body, key=key)
    report = verify(signed, fetcher=_fetcher(session))
    assert report.verified, report.to_json()
    # Consuming our own output, both forms, gives the same entries.
    plain = registry.parse_registry(json.dumps(doc).encode(), label="x")
    vc = registry.parse_registry(json.dumps(signed).encode(), label="x", fetcher=_fetcher(session))
    assert plain.format == "microcred" and vc.format == "microcred-vc"
    assert [(e.issuer, e.accredited_by, e.scope) for e in plain.entries] == [
        (e.issuer, e.accredited_by, e.scope) for e in vc.entries
    ]
    assert vc.publisher == body.did
    # Tampering breaks it; a pinned publisher must match.
    signed["credentialSubject"]["trustedIssuer"][0]["accreditationScope"] = "Everything"
    with pytest.raises(InvalidRegistry):
        registry.parse_registry(json.dumps(signed).encode(), label="x", fetcher=_fetcher(session))
    with pytest.raises(InvalidRegistry):
        registry.parse_registry(
            json.dumps(doc).encode(), label="x", expected_publisher="did:example:someone"
        )


DCC_SAMPLE = {
    "meta": {"created": "2020-12-02T02:32:16+0000", "updated": "2022-05-25T12:40:00+0000"},
    "registry": {
        "did:key:z6MkSampleIssuerOne": {
            "name": "Sample University",
            "location": "Cambridge, MA, USA",
            "url": "https://university.example",
        },
        "did:web:credentials.example.edu": {"name": "Example College", "url": "https://c.example"},
        "not-a-did": {"name": "ignored"},
    },
}


def test_consume_dcc_registry_from_file(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "dcc.json"
    path.write_text(json.dumps(DCC_SAMPLE))
    configured = registry.add_registry(session, str(path), actor=SYSTEM, name="DCC sample")
    registry.refresh_registry(session, configured, fetcher=None)
    assert configured.format == "dcc" and configured.entry_count == 2
    assert configured.last_error is None
    entries = DatabaseTrust(session, base_url=BASE).entries_for("did:key:z6MkSampleIssuerOne")
    assert [(e.name, e.location, e.registry) for e in entries] == [
        ("Sample University", "Cambridge, MA, USA", "DCC sample")
    ]
    # A broken file empties the registry and records why (fail closed).
    path.write_text("{not json")
    registry.refresh_registry(session, configured, fetcher=None)
    assert configured.entry_count == 0 and configured.last_error
    assert DatabaseTrust(session, base_url=BASE).entries_for("did:key:z6MkSampleIssuerOne") == []


def test_accredited_and_unknown_issuers_are_told_apart(session: Session) -> None:
    northbridge, nb_version = make_issuer(session, "northbridge", "py-101")
    skillforge, sf_version = make_issuer(session, "skillforge", "sql-101")
    body, qa = _body(session)
    until = utcnow() + timedelta(days=100)
    accreditation.accredit(
        session, principal=qa, body=body, provider=northbridge, scope="Computing", valid_until=until
    )
    lookup = DatabaseTrust(session, base_url=BASE)
    accredited = add_trust_check(_award(session, northbridge, nb_version), lookup)
    unknown = add_trust_check(_award(session, skillforge, sf_version), lookup)
    (trust,) = [c for c in accredited.checks if c.name == "issuer_trust"]
    assert trust.status is CheckStatus.PASSED and trust.code == "accredited"
    assert "accredited by European QA Agency until " + f"{until:%Y-%m-%d}" in trust.message
    (warn,) = [c for c in unknown.checks if c.name == "issuer_trust"]
    assert warn.status is CheckStatus.WARNING and warn.code == "unknown_issuer"
    # A warning never fails verification, and the JSON report lists it.
    assert unknown.verified and accredited.verified
    assert unknown.to_json()["warnings"] == [warn.message]
    # The same answers from a registry file (the CLI's lookup).
    doc = registry.registry_json(session, base_url=BASE, publisher=body)
    parsed = registry.parse_registry(json.dumps(doc).encode(), label="file")
    static = StaticTrust(parsed.entries)
    assert static.entries_for(northbridge.did) and not static.entries_for(skillforge.did)


def test_endorsement_is_signed_stored_and_reported(session: Session) -> None:
    provider, version = make_issuer(session, "northbridge", "py-101")
    employer = make_org(session, "acme-logistics", name="Acme Logistics")
    owner = make_member(session, employer, "hr@acme.example", "owner")
    with pytest.raises(PermissionDenied):
        endorsements.endorse(
            session,
            principal=owner,
            endorser=provider,
            target_type="organisation",
            organisation="acme-logistics",
            comment="x",
            base_url=BASE,
            master_key=MASTER,
        )
    row = endorsements.endorse(
        session,
        principal=owner,
        endorser=employer,
        target_type="definition",
        organisation="northbridge",
        definition="py-101",
        comment="We hire people with this credential.",
        base_url=BASE,
        master_key=MASTER,
    )
    document = endorsements.endorsement_document(row)
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["credentialSubject"]["type"] == ["EndorsementSubject"]
    report = verify(document, fetcher=_fetcher(session))
    assert report.verified, report.to_json()
    listed = endorsements.endorsements_of_definition(session, provider, "py-101")
    assert [(e.public_id, o.slug) for e, o in listed] == [(row.public_id, "acme-logistics")]
    credential = _award(session, provider, version)
    add_endorsement_check(credential, session, base_url=BASE, fetcher=_fetcher(session))
    (check,) = [c for c in credential.checks if c.name == "endorsements"]
    assert check.status is CheckStatus.PASSED
    assert check.detail is not None
    assert check.detail["endorsements"][0]["comment"] == "We hire people with this credential."
    # A tampered stored endorsement is not listed.
    document["credentialSubject"]["endorsementComment"] = "Best ever"
    row.credential_json = json.dumps(document)
    again = _award(session, provider, version)
    add_endorsement_check(again, session, base_url=BASE, fetcher=_fetcher(session))
    assert not [c for c in again.checks if c.name == "endorsements"]


def test_trust_cache_follows_this_process_writes(session: Session) -> None:
    """The per-process TrustCache answers repeated checks from memory, and a withdrawal or
    a new endorsement made here shows in the next check."""
    provider, version = make_issuer(session, "northbridge", "py-101")
    employer = make_org(session, "acme-logistics", name="Acme Logistics")
    owner = make_member(session, employer, "hr@acme.example", "owner")
    body, qa = _body(session)
    accredited = accreditation.accredit(
        session, principal=qa, body=body, provider=provider, scope="Computing"
    )
    session.flush()
    cache = TrustCache(seconds=60)

    def checks() -> dict[str, str]:
        report = add_platform_checks(
            _award(session, provider, version),
            session,
            base_url=BASE,
            fetcher=_fetcher(session),
            cache=cache,
        )
        return {c.name: c.code for c in report.checks if c.name in ("issuer_trust", "endorsements")}

    assert checks() == {"issuer_trust": "accredited"}
    hits = cache.entries.hits
    assert checks() == {"issuer_trust": "accredited"}
    assert cache.entries.hits == hits + 1
    # Answered from the cache alone when asked (as on an event loop); never a query.
    award = issuing.award(
        session,
        organisation=provider,
        version=version,
        recipient_email="learner@example.org",
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
    )
    for cached_only in (False, False, True):  # the first also signs the status lists
        report = add_platform_checks(
            verify_award(session, award),
            session,
            base_url=BASE,
            fetcher=_fetcher(session),
            cache=cache,
            cached_only=cached_only,
        )
        assert [c.code for c in report.checks if c.name == "issuer_trust"] == ["accredited"]
    with pytest.raises(NotCached):
        add_platform_checks(
            verify_award(session, award),
            session,
            base_url=BASE,
            fetcher=_fetcher(session),
            cache=TrustCache(seconds=60),
            cached_only=True,
        )
    endorsements.endorse(
        session,
        principal=owner,
        endorser=employer,
        target_type="definition",
        organisation="northbridge",
        definition="py-101",
        comment="We hire people with this credential.",
        base_url=BASE,
        master_key=MASTER,
    )
    assert checks() == {"issuer_trust": "accredited", "endorsements": "endorsed"}
    accreditation.withdraw(session, principal=qa, public_id=accredited.public_id, reason="Lapsed")
    assert checks() == {"issuer_trust": "unknown_issuer", "endorsements": "endorsed"}


def test_registries_are_read_again_when_due(session: Session, tmp_path: Path) -> None:
    """The scheduled refresh reads only registries older than the refresh age (never-read
    ones first), and the job task does the same with the settings' age."""
    fresh_path, stale_path = tmp_path / "fresh.json", tmp_path / "stale.json"
    fresh_path.write_text(json.dumps(DCC_SAMPLE))
    stale_path.write_text(json.dumps(DCC_SAMPLE))
    fresh = registry.add_registry(session, str(fresh_path), actor=SYSTEM, name="fresh")
    stale = registry.add_registry(session, str(stale_path), actor=SYSTEM, name="stale")
    unread = registry.add_registry(session, str(tmp_path / "missing.json"), actor=SYSTEM)
    for row in (fresh, stale):
        registry.refresh_registry(session, row, fetcher=None)
    stale.refreshed_at = utcnow() - timedelta(hours=30)
    session.flush()
    assert [r.id for r in registry.due_registries(session, max_age=timedelta(hours=24))] == [
        unread.id,
        stale.id,
    ]
    # The stale registry changed meanwhile: one issuer left.
    smaller = json.loads(json.dumps(DCC_SAMPLE))
    smaller["registry"].pop("did:key:z6MkSampleIssuerOne")
    stale_path.write_text(json.dumps(smaller))
    fresh_path.write_text("{not json")  # not due: not read, keeps its entries
    done = registry.refresh_due(session, fetcher=None, max_age=timedelta(hours=24))
    assert [r.id for r in done] == [unread.id, stale.id]
    assert stale.entry_count == 1 and stale.last_error is None
    assert unread.entry_count == 0 and unread.last_error  # fail closed, and says why
    assert fresh.entry_count == 2 and fresh.last_error is None
    assert registry.due_registries(session, max_age=timedelta(hours=24)) == []


def test_refresh_registries_task(session_factory: Any, tmp_path: Path) -> None:
    path = tmp_path / "dcc.json"
    path.write_text(json.dumps(DCC_SAMPLE))
    with session_factory() as session:
        registry.add_registry(session, str(path), actor=SYSTEM, name="scheduled")
        session.commit()
    context = TaskContext(
        session_factory=session_factory,
        base_url=BASE,
        master_key=MASTER,
        mail=MailSettings(sender="m <m@example.org>", outbox_dir=tmp_path / "outbox"),
    )
    assert refresh_registries(context) == 0  # no schedule: nothing is read
    context.trust_refresh = timedelta(hours=24)
    run_task(context, "refresh_registries")
    with session_factory() as session:
        (row,) = registry.list_registries(session)
        assert row.entry_count == 2 and row.refreshed_at is not None
    assert refresh_registries(context) == 0  # read just now: not due
