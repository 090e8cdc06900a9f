"""Applications for recognition of prior learning on both databases: lifecycle, the
more-evidence loop, approval issuing a credential that verifies with the evidence, results,
assessment type and RPL embedded, permissions and the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.assessment import BASE, MASTER, PDF_BYTES, Provider, make_provider
from tests.support.catalogue import make_member

from microcred.accounts import service as accounts
from microcred.assessment import service
from microcred.assessment.errors import (
    ApplicationNotFound,
    ApplicationStateError,
    EvidenceFileRejected,
    EvidenceInvalid,
    EvidenceNotFound,
    RubricInvalid,
)
from microcred.assessment.types import EvidenceDraft, RubricScore, UploadedFile
from microcred.audit.models import AuditEvent
from microcred.credentials.verify import verify
from microcred.errors import NotFound, PermissionDenied
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.wallet import service as wallet

MAX = 10 * 1024 * 1024


@pytest.fixture
def provider(session: Session, tmp_path: Path) -> Provider:
    return make_provider(session, tmp_path)


def _actor(provider: Provider) -> Any:
    return accounts.actor_for_user(provider.applicant)


def _apply_with_evidence(session: Session, p: Provider) -> Any:
    application = service.start_application(
        session, user=p.applicant, version=p.version, statement="Three years at Acme Logistics."
    )
    service.add_evidence(
        session,
        application,
        EvidenceDraft(
            kind="file",
            source="employment",
            title="Reference letter from my manager",
            criterion=0,
            file=UploadedFile("reference letter.pdf", "application/pdf", PDF_BYTES),
        ),
        store=p.store,
        max_bytes=MAX,
        actor=_actor(p),
    )
    service.add_evidence(
        session,
        application,
        EvidenceDraft(
            kind="text",
            source="employment",
            title="How I clean shipment data",
            criterion=0,
            text="Every week I load the carrier CSV exports and fix broken dates.",
        ),
        store=p.store,
        max_bytes=MAX,
        actor=_actor(p),
    )
    return application


def _met(count: int) -> list[RubricScore]:
    return [RubricScore(i, "met", "Clear evidence") for i in range(count)]


def test_full_loop_issues_a_credential_that_verifies(session: Session, provider: Provider) -> None:
    p = provider
    application = _apply_with_evidence(session, p)
    assert application.status == "draft"
    service.submit(session, application, actor=_actor(p))
    assert (application.status, application.round) == ("submitted", 1)

    organisation = service.assessor_organisation(session, p.assessor, "acme")
    assert [a.public_id for a in service.queue(session, organisation)] == [application.public_id]
    service.request_evidence(
        session,
        application,
        feedback="Show a chart you made for outcome 2.",
        scores=[RubricScore(0, "met"), RubricScore(1, "not_met", "No evidence yet")],
        principal=p.assessor,
    )
    assert application.status == "more_evidence"
    assert application.feedback == "Show a chart you made for outcome 2."
    with pytest.raises(EvidenceInvalid):  # nothing new added yet
        service.submit(session, application, actor=_actor(p))
    with pytest.raises(ApplicationStateError):  # submitted evidence stays on record
        service.remove_evidence(
            session, application, application.evidence[0].public_id, store=p.store, actor=_actor(p)
        )
    service.add_evidence(
        session,
        application,
        EvidenceDraft(
            kind="link",
            source="self-study",
            title="My dashboard of delivery times",
            criterion=1,
            url="https://chloe.example/portfolio/delivery-times",
        ),
        store=p.store,
        max_bytes=MAX,
        actor=_actor(p),
    )
    service.submit(session, application, actor=_actor(p))
    assert (application.status, application.round) == ("submitted", 2)

    with pytest.raises(RubricInvalid):  # approval needs every outcome met
        service.decide(
            session,
            application,
            decision="approve",
            feedback="",
            scores=[RubricScore(0, "met"), RubricScore(1, "partially_met")],
            principal=p.assessor,
            base_url=BASE,
            master_key=MASTER,
        )
    decided = service.decide(
        session,
        application,
        decision="approve",
        feedback="Well evidenced from your job.",
        scores=_met(2),
        principal=p.assessor,
        base_url=BASE,
        master_key=MASTER,
    )
    assert application.status == "approved"
    award = decided.award
    assert award is not None and application.award_id == award.id
    assert award.user_id == p.applicant.id  # straight into the wallet

    document = json.loads(award.credential_json)
    report = verify(document, fetcher=LocalDocuments(session, base_url=BASE, master_key=MASTER))
    assert report.verified, report.to_json()

    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    descriptions = achievement["resultDescription"]
    assert [d["name"] for d in descriptions] == p.version.learning_outcomes
    overall, *per_outcome = subject["result"]
    assert overall["recognitionOfPriorLearning"] is True
    assert overall["assessmentType"].startswith("Recognition of prior learning")
    assert "employment" in overall["assessmentType"] and "self-study" in overall["assessmentType"]
    assert [r["resultDescription"] for r in per_outcome] == [d["id"] for d in descriptions]
    levels = {lvl["id"] for d in descriptions for lvl in d["rubricCriterionLevel"]}
    assert all(
        r["achievedLevel"] in levels and r["achievedLevel"].endswith("-met") for r in per_outcome
    )

    evidence = document["evidence"]
    assert {e["genre"] for e in evidence} == {"Employment", "Self-study"}
    file_entry = next(e for e in evidence if e["name"] == "Reference letter from my manager")
    assert "id" not in file_entry  # a private file is described, not linked
    assert file_entry["digestSRI"].startswith("sha256-")
    assert "not published" in file_entry["description"]
    text_entry = next(e for e in evidence if e["name"] == "How I clean shipment data")
    assert text_entry["narrative"].startswith("Every week")
    link_entry = next(e for e in evidence if e["name"] == "My dashboard of delivery times")
    assert link_entry["id"] == "https://chloe.example/portfolio/delivery-times"
    assert "/evidence/" not in award.credential_json  # no file URL at all

    items = wallet.list_items(session, p.applicant)
    assert [i.award_id for i in items] == [award.id]

    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_id == application.public_id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "assessment.start",
        "assessment.evidence.add",
        "assessment.evidence.add",
        "assessment.submit",
        "assessment.request_evidence",
        "assessment.evidence.add",
        "assessment.submit",
        "assessment.approve",
    ]
    issued = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "award.issue", AuditEvent.subject_id == award.credential_id
        )
    ).one()
    assert issued.details["source"] == "assessment"


def test_approval_is_idempotent_per_application(session: Session, provider: Provider) -> None:
    p = provider
    application = _apply_with_evidence(session, p)
    service.submit(session, application, actor=_actor(p))
    service.decide(
        session,
        application,
        decision="approve",
        feedback="",
        scores=_met(2),
        principal=p.owner,
        base_url=BASE,
        master_key=MASTER,
    )
    with pytest.raises(ApplicationStateError):
        service.decide(
            session,
            application,
            decision="approve",
            feedback="",
            scores=_met(2),
            principal=p.owner,
            base_url=BASE,
            master_key=MASTER,
        )
    assert session.scalars(select(Award).where(Award.source == "assessment")).all() != []
    with pytest.raises(ApplicationStateError, match="already have an application"):
        service.start_application(session, user=p.applicant, version=p.version)


def test_reject_needs_feedback_and_allows_a_new_application(
    session: Session, provider: Provider
) -> None:
    p = provider
    application = _apply_with_evidence(session, p)
    service.submit(session, application, actor=_actor(p))
    with pytest.raises(EvidenceInvalid):
        service.decide(
            session,
            application,
            decision="reject",
            feedback=" ",
            scores=[],
            principal=p.assessor,
            base_url=BASE,
            master_key=MASTER,
        )
    result = service.decide(
        session,
        application,
        decision="reject",
        feedback="The evidence is about another topic.",
        scores=[RubricScore(0, "not_met")],
        principal=p.assessor,
        base_url=BASE,
        master_key=MASTER,
    )
    assert result.award is None and application.status == "rejected"
    again = service.start_application(session, user=p.applicant, version=p.version)
    assert again.status == "draft"


def test_withdraw_and_state_rules(session: Session, provider: Provider) -> None:
    p = provider
    application = service.start_application(session, user=p.applicant, version=p.version)
    with pytest.raises(EvidenceInvalid):
        service.submit(session, application, actor=_actor(p))
    with pytest.raises(ApplicationStateError):  # drafts are not reviewed
        service.request_evidence(session, application, feedback="x", principal=p.assessor)
    service.withdraw(session, application, actor=_actor(p))
    assert application.status == "withdrawn"
    with pytest.raises(ApplicationStateError):
        service.withdraw(session, application, actor=_actor(p))


def test_evidence_checks(session: Session, provider: Provider) -> None:
    p = provider
    application = service.start_application(session, user=p.applicant, version=p.version)

    def add(**kwargs: Any) -> Any:
        values: dict[str, Any] = {"kind": "text", "source": "employment", "title": "t", "text": "x"}
        values.update(kwargs)
        return service.add_evidence(
            session,
            application,
            EvidenceDraft(**values),
            store=p.store,
            max_bytes=1024,
            actor=_actor(p),
        )

    with pytest.raises(EvidenceInvalid):
        add(source="astrology")
    with pytest.raises(EvidenceInvalid):
        add(criterion=7)
    with pytest.raises(EvidenceInvalid):
        add(kind="link", url="javascript:alert(1)")
    with pytest.raises(EvidenceInvalid):
        add(text="  ")
    with pytest.raises(EvidenceFileRejected):
        add(kind="file", file=UploadedFile("cv.pdf", "application/pdf", b"<html>not a pdf"))
    with pytest.raises(EvidenceFileRejected):
        add(kind="file", file=UploadedFile("cv.pdf", "application/pdf", b"%PDF-" + b"x" * 2000))
    assert p.store.list_keys() == []  # nothing stored for a refused file
    row = add(kind="file", file=UploadedFile("../../etc/passwd.txt", "text/plain", b"hello"))
    assert row.file_name == "passwd.txt"
    assert row.file_key is not None and p.store.list_keys() == [row.file_key]
    assert (p.store.root / row.file_key).read_bytes() == b"hello"
    service.remove_evidence(session, application, row.public_id, store=p.store, actor=_actor(p))
    assert p.store.list_keys() == []
    with pytest.raises(EvidenceNotFound):
        service.remove_evidence(session, application, row.public_id, store=p.store, actor=_actor(p))


def test_permissions(session: Session, provider: Provider, tmp_path: Path) -> None:
    p = provider
    other = make_provider(session, tmp_path, slug="globex")
    application = _apply_with_evidence(session, p)
    service.submit(session, application, actor=_actor(p))
    file_id = application.evidence[0].public_id

    # A learner cannot see another's application or files.
    with pytest.raises(ApplicationNotFound):
        service.get_for_applicant(session, p.other_learner, application.public_id)
    stranger = accounts.principal_for_user(p.other_learner)
    with pytest.raises(EvidenceNotFound):
        service.evidence_file(session, file_id, principal=stranger, store=p.store)
    with pytest.raises(EvidenceNotFound):
        service.evidence_file(session, file_id, principal=None, store=p.store)
    # The applicant and the provider's assessor and owner can.
    owner_view = accounts.principal_for_user(p.applicant)
    assert (
        service.evidence_file(session, file_id, principal=owner_view, store=p.store).content
        == PDF_BYTES
    )
    for principal in (p.assessor, p.owner):
        assert service.evidence_file(session, file_id, principal=principal, store=p.store).content
    # An issuer of the provider is not an assessor.
    with pytest.raises(PermissionDenied):
        service.assessor_organisation(session, p.issuer, "acme")
    with pytest.raises(EvidenceNotFound):
        service.evidence_file(session, file_id, principal=p.issuer, store=p.store)
    # An assessor of org B cannot see org A's queue, applications or files.
    with pytest.raises(NotFound):
        service.assessor_organisation(session, other.assessor, "acme")
    globex = service.assessor_organisation(session, other.assessor, "globex")
    assert service.queue(session, globex) == []
    with pytest.raises(ApplicationNotFound):
        service.get_for_assessor(session, globex, application.public_id)
    with pytest.raises(EvidenceNotFound):
        service.evidence_file(session, file_id, principal=other.assessor, store=p.store)
    # An assessor of both sees both.
    both = make_member(session, other.org, "assessor@acme.example", "assessor")
    assert service.assessor_organisation(session, both, "globex") == other.org


def test_shareable_file_is_public_only_after_approval(session: Session, provider: Provider) -> None:
    p = provider
    application = service.start_application(session, user=p.applicant, version=p.version)
    row = service.add_evidence(
        session,
        application,
        EvidenceDraft(
            kind="file",
            source="prior-course",
            title="Certificate",
            file=UploadedFile("cert.pdf", "", PDF_BYTES),
            shareable=True,
        ),
        store=p.store,
        max_bytes=MAX,
        actor=_actor(p),
    )
    service.submit(session, application, actor=_actor(p))
    with pytest.raises(EvidenceNotFound):
        service.evidence_file(session, row.public_id, principal=None, store=p.store)
    award = service.decide(
        session,
        application,
        decision="approve",
        feedback="",
        scores=_met(2),
        principal=p.assessor,
        base_url=BASE,
        master_key=MASTER,
    ).award
    assert award is not None
    assert service.evidence_file(session, row.public_id, principal=None, store=p.store).content
    entry = json.loads(award.credential_json)["evidence"][0]
    assert entry["id"] == f"{BASE}/evidence/{row.public_id}"
