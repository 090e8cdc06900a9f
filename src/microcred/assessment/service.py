"""Use cases of assessment and recognition of prior learning.

Applicant side: :func:`start_application` (a draft for a published definition),
:func:`add_evidence` / :func:`remove_evidence`, :func:`submit`, :func:`withdraw`.
Assessor side: :func:`queue`, :func:`request_evidence` (back to the applicant with
feedback; the applicant adds evidence and resubmits), :func:`decide` (approve or reject
with feedback and the rubric). An approval issues the credential with
:func:`microcred.issuing.service.issue` (idempotent by the external id
``assessment:<application id>``) and puts it in the applicant's wallet.

Who may do what: the applicant functions take the signed-in ``user`` and find only that
user's applications (another learner's application is :class:`ApplicationNotFound`, like a
missing one). The assessor functions take an organisation the caller is authorised for:
callers check ``evidence.review`` (:func:`assessor_organisation` does it for a principal).
Every step writes an audit event (``assessment.*``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Actor, Principal
from microcred.assessment import rubric as rubrics
from microcred.assessment.errors import (
    ApplicationNotFound,
    ApplicationStateError,
    EvidenceInvalid,
    EvidenceNotFound,
    RubricInvalid,
)
from microcred.assessment.evidence import (
    EvidenceStore,
    check_file,
    display_name,
    evidence_entries,
    sha256_hex,
)
from microcred.assessment.models import Application, Evidence, Review
from microcred.assessment.types import (
    DECISIONS,
    EDITABLE_STATUSES,
    EVIDENCE_KINDS,
    EVIDENCE_SOURCES,
    OPEN_STATUSES,
    EvidenceDraft,
    RubricScore,
)
from microcred.audit.service import record
from microcred.catalogue.achievement import achievement_json
from microcred.catalogue.models import DefinitionVersion
from microcred.errors import InvalidInput, NotFound, PermissionDenied
from microcred.issuing import service as issuing
from microcred.issuing.errors import AwardInputInvalid
from microcred.issuing.fields import check_url
from microcred.issuing.models import Award
from microcred.storage import utcnow

__all__ = [
    "MAX_EVIDENCE",
    "Decided",
    "FileAccess",
    "add_evidence",
    "assessor_organisation",
    "credential_parts",
    "decide",
    "evidence_file",
    "get_for_applicant",
    "get_for_assessor",
    "list_for_applicant",
    "queue",
    "remove_evidence",
    "request_evidence",
    "start_application",
    "status_counts",
    "submit",
    "unreferenced_files",
    "update_statement",
    "withdraw",
]

#: Evidence items one application may hold.
MAX_EVIDENCE = 50
_TEXT_LIMIT = 10_000


def _audit(
    session: Session, application: Application, action: str, actor: Actor, **details: Any
) -> None:
    record(
        session,
        actor=actor,
        action=f"assessment.{action}",
        organisation_id=application.organisation_id,
        subject_type="assessment_application",
        subject_id=application.public_id,
        details={
            "definition": application.version.definition.slug,
            "version": application.version.version,
            "applicant": application.user.email,
            "status": application.status,
            "round": application.round,
            **details,
        },
    )


def _text(value: str, *, field: str, limit: int, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise EvidenceInvalid(f"{field} is required.")
    if len(text) > limit:
        raise EvidenceInvalid(f"{field}: at most {limit} characters, got {len(text)}.")
    if "\x00" in text:
        raise EvidenceInvalid(f"{field} contains a NUL character.")
    return text


# -- applicant ------------------------------------------------------------------------------


def start_application(
    session: Session, *, user: User, version: DefinitionVersion, statement: str = ""
) -> Application:
    """A draft application of ``user`` for the published ``version``. Conflict when the
    learner already has an open or approved application for that definition."""
    if version.status != "published":
        raise ApplicationStateError(
            f"{version.title!r} is not published; apply for a definition in the catalogue.",
            code="definition_not_published",
        )
    existing = session.scalar(
        select(Application)
        .join(DefinitionVersion, DefinitionVersion.id == Application.definition_version_id)
        .where(
            Application.user_id == user.id,
            DefinitionVersion.definition_id == version.definition_id,
            Application.status.in_((*OPEN_STATUSES, "approved")),
        )
    )
    if existing is not None:
        raise ApplicationStateError(
            f"You already have an application for {version.title!r} "
            f"(/wallet/applications/{existing.public_id}); continue that one.",
            code="application_exists",
        )
    now = utcnow()
    application = Application(
        public_id=str(uuid.uuid4()),
        user_id=user.id,
        organisation_id=version.definition.organisation_id,
        definition_version_id=version.id,
        status="draft",
        statement=_text(statement, field="statement", limit=_TEXT_LIMIT),
        feedback="",
        round=0,
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    session.refresh(application)
    _audit(session, application, "start", accounts.actor_for_user(user))
    return application


def list_for_applicant(session: Session, user: User) -> list[Application]:
    return list(
        session.scalars(
            select(Application)
            .where(Application.user_id == user.id)
            .order_by(Application.updated_at.desc(), Application.id.desc())
        ).all()
    )


def get_for_applicant(session: Session, user: User, public_id: str) -> Application:
    application = session.scalar(
        select(Application).where(
            Application.public_id == public_id[:36], Application.user_id == user.id
        )
    )
    if application is None:
        raise ApplicationNotFound(
            "There is no such application in your account; see /wallet/applications."
        )
    return application


def _editable(application: Application) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationStateError(
            f"The application is {application.status.replace('_', ' ')}; evidence can be "
            "changed only in a draft or when the assessor asked for more."
        )


def update_statement(
    session: Session, application: Application, statement: str, *, actor: Actor
) -> None:
    _editable(application)
    application.statement = _text(statement, field="statement", limit=_TEXT_LIMIT)
    application.updated_at = utcnow()
    session.flush()
    _audit(session, application, "statement", actor)


def add_evidence(
    session: Session,
    application: Application,
    draft: EvidenceDraft,
    *,
    store: EvidenceStore,
    max_bytes: int,
    actor: Actor,
) -> Evidence:
    """Add one piece of evidence (checked; a file is stored only when accepted)."""
    _editable(application)
    if len(application.evidence) >= MAX_EVIDENCE:
        raise EvidenceInvalid(
            f"An application holds at most {MAX_EVIDENCE} pieces of evidence; combine some."
        )
    if draft.kind not in EVIDENCE_KINDS:
        raise EvidenceInvalid(f"Evidence is a file, a link or a text, not {draft.kind[:20]!r}.")
    if draft.source not in EVIDENCE_SOURCES:
        raise EvidenceInvalid(
            f"Say where the learning happened: one of {', '.join(EVIDENCE_SOURCES)}."
        )
    outcomes = application.version.learning_outcomes or []
    if draft.criterion is not None and not 0 <= draft.criterion < len(outcomes):
        raise EvidenceInvalid(
            f"There is no learning outcome {draft.criterion + 1}; choose one of the "
            f"{len(outcomes)} outcomes or the whole application."
        )
    title = _text(draft.title, field="title", limit=200)
    narrative = _text(draft.text, field="text", limit=_TEXT_LIMIT, required=draft.kind == "text")
    row = Evidence(
        public_id=str(uuid.uuid4()),
        application_id=application.id,
        criterion=draft.criterion,
        kind=draft.kind,
        source=draft.source,
        narrative=narrative,
        shareable=False,
        added_round=application.round,
        created_at=utcnow(),
    )
    if draft.kind == "link":
        try:
            row.url = check_url(draft.url or "", field="url")
        except AwardInputInvalid as exc:
            raise EvidenceInvalid(str(exc)) from None
        row.title = title or row.url[:200]
    elif draft.kind == "text":
        row.title = title or "Statement"
    else:
        if draft.file is None:
            raise EvidenceInvalid("Choose a file to upload.")
        media_type = check_file(draft.file, max_bytes=max_bytes)
        name = display_name(draft.file.filename)
        row.file_key = store.save(draft.file.content)
        row.file_name = name
        row.media_type = media_type
        row.size = len(draft.file.content)
        row.sha256 = sha256_hex(draft.file.content)
        row.shareable = draft.shareable
        row.title = title or name
    application.evidence.append(row)
    application.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        application,
        "evidence.add",
        actor,
        evidence=row.public_id,
        kind=row.kind,
        source=row.source,
        criterion=row.criterion,
        sha256=row.sha256,
        media_type=row.media_type,
    )
    return row


def remove_evidence(
    session: Session,
    application: Application,
    evidence_id: str,
    *,
    store: EvidenceStore,
    actor: Actor,
) -> None:
    """Remove evidence added since the last submission (submitted evidence stays)."""
    _editable(application)
    row = next((e for e in application.evidence if e.public_id == evidence_id[:36]), None)
    if row is None:
        raise EvidenceNotFound("There is no such evidence in this application.")
    if row.added_round != application.round:
        raise ApplicationStateError(
            "This evidence was already submitted to the assessor and stays on record; add "
            "new evidence instead.",
            code="evidence_submitted",
        )
    key = row.file_key
    application.evidence.remove(row)
    application.updated_at = utcnow()
    session.flush()
    if key:
        store.delete(key)
    _audit(session, application, "evidence.remove", actor, evidence=evidence_id[:36])


def submit(session: Session, application: Application, *, actor: Actor) -> Application:
    """Send the application (again) to the provider's assessors."""
    _editable(application)
    if not application.evidence:
        raise EvidenceInvalid("Add at least one piece of evidence before you submit.")
    if application.status == "more_evidence" and not any(
        e.added_round == application.round for e in application.evidence
    ):
        raise EvidenceInvalid(
            "The assessor asked for more evidence; add some before you submit again."
        )
    now = utcnow()
    application.status = "submitted"
    application.round += 1
    application.submitted_at = now
    application.updated_at = now
    session.flush()
    _audit(session, application, "submit", actor, evidence=len(application.evidence))
    return application


def withdraw(session: Session, application: Application, *, actor: Actor) -> Application:
    if application.status not in OPEN_STATUSES:
        raise ApplicationStateError(
            f"The application is already {application.status.replace('_', ' ')}."
        )
    application.status = "withdrawn"
    application.updated_at = utcnow()
    session.flush()
    _audit(session, application, "withdraw", actor)
    return application


# -- assessor -------------------------------------------------------------------------------


def assessor_organisation(session: Session, principal: Principal | None, slug: str) -> Organisation:
    """The organisation ``slug`` if ``principal`` may review its evidence (owner or
    assessor; a token with ``manage``); NotFound for an unknown one or a user without a
    role there (the queue never tells whether an organisation exists), PermissionDenied
    for a member without the right."""
    if len(slug) > 64 or "\x00" in slug:
        raise NotFound("There is no such organisation.", code="organisation_not_found")
    try:
        organisation = accounts.get_organisation(session, slug)
        accounts.authorize(session, principal, organisation, "org.read")
    except (NotFound, PermissionDenied):
        raise NotFound(
            f"There is no organisation {slug[:64]!r} for your account.",
            code="organisation_not_found",
        ) from None
    accounts.authorize(session, principal, organisation, "evidence.review")
    return organisation


def queue(
    session: Session, organisation: Organisation, *, statuses: Sequence[str] = ("submitted",)
) -> list[Application]:
    """Applications to the organisation in ``statuses``, oldest submission first."""
    return list(
        session.scalars(
            select(Application)
            .where(
                Application.organisation_id == organisation.id,
                Application.status.in_(tuple(statuses)),
            )
            .order_by(Application.submitted_at.asc(), Application.id.asc())
        ).all()
    )


def status_counts(session: Session, organisation: Organisation) -> dict[str, int]:
    rows = session.execute(
        select(Application.status, func.count())
        .where(Application.organisation_id == organisation.id)
        .group_by(Application.status)
    ).all()
    return dict(rows)


def get_for_assessor(session: Session, organisation: Organisation, public_id: str) -> Application:
    """An application to ``organisation`` that was submitted at least once (drafts are the
    applicant's own business)."""
    application = session.scalar(
        select(Application).where(
            Application.public_id == public_id[:36],
            Application.organisation_id == organisation.id,
            Application.round > 0,
        )
    )
    if application is None:
        raise ApplicationNotFound(
            f"There is no such application to {organisation.slug!r}; see the queue."
        )
    return application


def _submitted(application: Application) -> None:
    if application.status != "submitted":
        raise ApplicationStateError(
            f"The application is {application.status.replace('_', ' ')}; only a submitted "
            "application can be reviewed."
        )


def _reviewer(principal: Principal) -> tuple[int | None, str]:
    user = principal.user
    return (user.id if user is not None else None, principal.actor.label)


def request_evidence(
    session: Session,
    application: Application,
    *,
    feedback: str,
    scores: Sequence[RubricScore] = (),
    principal: Principal,
) -> Review:
    """Send the application back to the applicant, asking for more evidence."""
    _submitted(application)
    text = _text(feedback, field="feedback", limit=_TEXT_LIMIT, required=True)
    checked = rubrics.check_rubric(
        scores, outcomes=application.version.learning_outcomes or [], complete=False
    )
    review = _review(application, "more_evidence", text, checked, principal)
    application.status = "more_evidence"
    application.feedback = text
    application.updated_at = utcnow()
    session.flush()
    _audit(
        session,
        application,
        "request_evidence",
        principal.actor,
        feedback=text,
        rubric=review.rubric,
    )
    return review


def _review(
    application: Application,
    outcome: str,
    feedback: str,
    scores: Sequence[RubricScore],
    principal: Principal,
) -> Review:
    user_id, label = _reviewer(principal)
    review = Review(
        application_id=application.id,
        round=application.round,
        outcome=outcome,
        feedback=feedback,
        rubric=rubrics.rubric_json(scores),
        reviewer_user_id=user_id,
        reviewer_label=label,
        created_at=utcnow(),
    )
    application.reviews.append(review)
    return review


def credential_parts(
    application: Application, scores: Sequence[RubricScore], *, base_url: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(achievement, subject members, credential members) embedded in the credential of an
    approved application: the Achievement with its ResultDescriptions, the Results with the
    assessment type and RPL, the Evidence."""
    version = application.version
    outcomes = list(version.learning_outcomes or [])
    achievement = achievement_json(version, base_url=base_url)
    achievement_id = str(achievement["id"])
    achievement["resultDescription"] = rubrics.result_descriptions(achievement_id, outcomes)
    assessment = rubrics.assessment_type(e.source for e in application.evidence)
    subject = {"result": rubrics.results(achievement_id, scores, assessment=assessment)}
    document = {
        "evidence": evidence_entries(
            application.evidence,
            outcomes=outcomes,
            base_url=base_url,
            organisation_name=application.organisation.name,
        )
    }
    return achievement, subject, document


@dataclass(frozen=True)
class Decided:
    review: Review
    award: Award | None


def decide(
    session: Session,
    application: Application,
    *,
    decision: str,
    feedback: str,
    scores: Sequence[RubricScore],
    principal: Principal,
    base_url: str,
    master_key: bytes,
) -> Decided:
    """Approve (every learning outcome met; issues the credential into the applicant's
    wallet) or reject (feedback required) a submitted application."""
    _submitted(application)
    if decision not in DECISIONS:
        raise InvalidInput(
            f"Decide with one of {', '.join(DECISIONS)}, or ask for more evidence.",
            code="invalid_decision",
        )
    outcomes = application.version.learning_outcomes or []
    approve = decision == "approve"
    text = _text(feedback, field="feedback", limit=_TEXT_LIMIT, required=not approve)
    checked = rubrics.check_rubric(scores, outcomes=outcomes, complete=approve)
    if approve and any(score.level != "met" for score in checked):
        raise RubricInvalid(
            "Approve only when every learning outcome is met; otherwise ask for more "
            "evidence or reject.",
            code="outcomes_not_met",
        )
    award: Award | None = None
    now = utcnow()
    if approve:
        achievement, subject, document = credential_parts(application, checked, base_url=base_url)
        applicant = application.user
        award = issuing.issue(
            session,
            organisation=application.organisation,
            version=application.version,
            actor=principal.actor,
            base_url=base_url,
            master_key=master_key,
            recipient_email=applicant.email,
            recipient_name=applicant.display_name or None,
            external_id=f"assessment:{application.public_id}",
            source="assessment",
            achievement=achievement,
            subject_extra=subject,
            document_extra=document,
        ).award
        # The applicant is a signed-in account holder and the credential names their
        # account's e-mail: it goes straight into their wallet (no claim link needed).
        if award.user_id is None:
            award.user_id = applicant.id
            award.claimed_at = now
        application.award_id = award.id
    review = _review(application, "approved" if approve else "rejected", text, checked, principal)
    application.status = "approved" if approve else "rejected"
    application.feedback = text
    application.decided_at = now
    application.decided_by = principal.actor.label
    application.updated_at = now
    session.flush()
    _audit(
        session,
        application,
        "approve" if approve else "reject",
        principal.actor,
        feedback=text,
        rubric=review.rubric,
        credential=award.credential_id if award is not None else None,
        recognition_of_prior_learning=approve,
    )
    return Decided(review=review, award=award)


# -- files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileAccess:
    evidence: Evidence
    content: bytes


def evidence_file(
    session: Session,
    public_id: str,
    *,
    principal: Principal | None,
    store: EvidenceStore,
) -> FileAccess:
    """An evidence file for a viewer allowed to see it: the applicant, the provider's
    owners and assessors (``evidence.review``) once submitted, and anyone for a file the
    applicant made shareable whose application was approved. Everyone else gets
    :class:`EvidenceNotFound` (the same as for a missing file)."""
    missing = EvidenceNotFound("There is no such evidence file, or you may not see it.")
    row = session.scalar(
        select(Evidence).where(Evidence.public_id == public_id[:36], Evidence.kind == "file")
    )
    if row is None or row.file_key is None:
        raise missing
    application = row.application
    allowed = row.shareable and application.status == "approved"
    user = principal.user if principal is not None else None
    if not allowed and user is not None and user.id == application.user_id:
        allowed = True
    if not allowed and principal is not None and application.round > 0:
        try:
            accounts.authorize(session, principal, application.organisation, "evidence.review")
        except PermissionDenied:
            pass
        else:
            allowed = True
    if not allowed:
        raise missing
    content = store.read(row.file_key)
    if content is None:
        raise missing
    if principal is not None and (user is None or user.id != application.user_id):
        _audit(session, application, "evidence.download", principal.actor, evidence=row.public_id)
    return FileAccess(evidence=row, content=content)


def unreferenced_files(session: Session, store: EvidenceStore) -> list[str]:
    """Keys of stored files no evidence row names (left by a rolled-back upload)."""
    known = set(session.scalars(select(Evidence.file_key).where(Evidence.file_key.is_not(None))))
    return [key for key in store.list_keys() if key not in known]
