"""Assessment API: applications for recognition of prior learning.

Applicant (a signed-in user; cookie requests that change something carry the CSRF
token): ``/api/applications`` (create, list, read, add/remove evidence, submit,
withdraw). Assessors (users with the role owner or assessor, or a token with ``manage``):
``/api/orgs/{org}/assessments`` (queue, read, ask for more evidence, decide). Evidence files:
``/api/evidence/{id}`` for the applicant and the provider's assessors only (attachment,
``nosniff``). Another learner's or organisation's ids answer 404, like missing ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Response, UploadFile
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from microcred.accounts import service as accounts
from microcred.assessment import service
from microcred.assessment.evidence import EvidenceStore
from microcred.assessment.models import Application
from microcred.assessment.types import EvidenceDraft, RubricScore, UploadedFile
from microcred.catalogue import service as catalogue
from microcred.config import Settings
from microcred.issuing.models import Award
from microcred.web.deps import AppSettings, CurrentUser, DbSession, MasterKey, OptionalPrincipal
from microcred.web.deps import Principal as PrincipalDep
from microcred.web.schemas.assessment import (
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    EvidenceOut,
    MoreEvidenceIn,
    ReviewOut,
    RubricScoreIn,
)

__all__ = ["evidence_response", "evidence_store", "read_upload", "router"]

router = APIRouter(tags=["assessment"])

#: Media types served as-is; anything else (never stored) would go out as octet-stream.
_SERVED: Final = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    }
)


def evidence_store(settings: Settings) -> EvidenceStore:
    """Evidence files live in ``MICROCRED_DATA_DIR/evidence`` (outside the static files)."""
    return EvidenceStore(settings.data_dir / "evidence")


async def read_upload(upload: StarletteUpload, max_bytes: int) -> UploadedFile:
    """The upload's bytes, reading at most ``max_bytes + 1`` (the check refuses more)."""
    content = await upload.read(max_bytes + 1)
    return UploadedFile(
        filename=upload.filename or "", content_type=upload.content_type or "", content=content
    )


def evidence_response(access: service.FileAccess) -> Response:
    """The file as an attachment: never rendered inline, never sniffed."""
    row = access.evidence
    media_type = row.media_type if row.media_type in _SERVED else "application/octet-stream"
    if media_type == "text/plain":
        media_type = "text/plain; charset=utf-8"
    ascii_name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in row.file_name or "")
    return Response(
        access.content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name or "evidence"}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _z(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def application_out(db: Session, application: Application, *, assessor: bool) -> ApplicationOut:
    version = application.version
    credential_id = None
    if application.award_id is not None:
        award = db.get(Award, application.award_id)
        credential_id = award.credential_id if award is not None else None
    return ApplicationOut(
        id=application.public_id,
        status=application.status,
        organisation=application.organisation.slug,
        definition=version.definition.slug,
        version=version.version,
        title=version.title,
        learning_outcomes=list(version.learning_outcomes or []),
        statement=application.statement,
        feedback=application.feedback,
        round=application.round,
        applicant=application.user.email if assessor else None,
        created=_z(application.created_at) or "",
        submitted=_z(application.submitted_at),
        decided=_z(application.decided_at),
        credential_id=credential_id,
        evidence=[
            EvidenceOut(
                id=e.public_id,
                kind=e.kind,
                source=e.source,
                title=e.title,
                criterion=e.criterion,
                text=e.narrative,
                url=e.url,
                file_name=e.file_name,
                media_type=e.media_type,
                size=e.size,
                sha256=e.sha256,
                shareable=e.shareable,
                download=f"/api/evidence/{e.public_id}" if e.kind == "file" else None,
                round=e.added_round,
                added=_z(e.created_at) or "",
            )
            for e in application.evidence
        ],
        reviews=[
            ReviewOut(
                round=r.round,
                outcome=r.outcome,
                feedback=r.feedback,
                rubric=[RubricScoreIn.model_validate(s) for s in r.rubric],
                reviewer=r.reviewer_label,
                at=_z(r.created_at) or "",
            )
            for r in application.reviews
        ],
    )


def _scores(items: list[RubricScoreIn]) -> list[RubricScore]:
    return [RubricScore(s.criterion, s.level, s.comment) for s in items]


# -- applicant --------------------------------------------------------------------------------


@router.post("/api/applications", status_code=201, summary="Start an application (a draft)")
def start(body: ApplicationIn, db: DbSession, user: CurrentUser) -> ApplicationOut:
    organisation = accounts.get_organisation(db, body.organisation)
    version = catalogue.published_version(db, organisation, body.definition, body.version)
    application = service.start_application(
        db, user=user, version=version, statement=body.statement
    )
    return application_out(db, application, assessor=False)


@router.get("/api/applications", summary="Your applications")
def mine(db: DbSession, user: CurrentUser) -> list[ApplicationOut]:
    return [application_out(db, a, assessor=False) for a in service.list_for_applicant(db, user)]


@router.get("/api/applications/{application_id}", summary="One of your applications")
def one(application_id: str, db: DbSession, user: CurrentUser) -> ApplicationOut:
    application = service.get_for_applicant(db, user, application_id)
    return application_out(db, application, assessor=False)


@router.post(
    "/api/applications/{application_id}/evidence",
    status_code=201,
    summary="Add evidence (multipart: kind file|link|text, source, title, criterion, ...)",
)
async def add_evidence(
    application_id: str,
    db: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    kind: Annotated[str, Form(max_length=8)],
    source: Annotated[str, Form(max_length=20)],
    title: Annotated[str, Form(max_length=200)] = "",
    criterion: Annotated[int | None, Form(ge=0, le=1000)] = None,
    text: Annotated[str, Form(max_length=10_000)] = "",
    url: Annotated[str | None, Form(max_length=2000)] = None,
    shareable: Annotated[bool, Form()] = False,
    file: Annotated[UploadFile | None, File()] = None,
) -> ApplicationOut:
    application = service.get_for_applicant(db, user, application_id)
    upload = await read_upload(file, settings.evidence_max_bytes) if file is not None else None
    service.add_evidence(
        db,
        application,
        EvidenceDraft(
            kind=kind,
            source=source,
            title=title,
            criterion=criterion,
            text=text,
            url=url,
            file=upload,
            shareable=shareable,
        ),
        store=evidence_store(settings),
        max_bytes=settings.evidence_max_bytes,
        actor=accounts.actor_for_user(user),
    )
    return application_out(db, application, assessor=False)


@router.delete(
    "/api/applications/{application_id}/evidence/{evidence_id}",
    summary="Remove evidence added since the last submission",
)
def remove_evidence(
    application_id: str, evidence_id: str, db: DbSession, user: CurrentUser, settings: AppSettings
) -> ApplicationOut:
    application = service.get_for_applicant(db, user, application_id)
    service.remove_evidence(
        db,
        application,
        evidence_id,
        store=evidence_store(settings),
        actor=accounts.actor_for_user(user),
    )
    return application_out(db, application, assessor=False)


@router.post("/api/applications/{application_id}/submit", summary="Submit to the assessors")
def submit(application_id: str, db: DbSession, user: CurrentUser) -> ApplicationOut:
    application = service.get_for_applicant(db, user, application_id)
    service.submit(db, application, actor=accounts.actor_for_user(user))
    return application_out(db, application, assessor=False)


@router.post("/api/applications/{application_id}/withdraw", summary="Withdraw the application")
def withdraw(application_id: str, db: DbSession, user: CurrentUser) -> ApplicationOut:
    application = service.get_for_applicant(db, user, application_id)
    service.withdraw(db, application, actor=accounts.actor_for_user(user))
    return application_out(db, application, assessor=False)


@router.get(
    "/api/evidence/{evidence_id}",
    summary="An evidence file (the applicant and the provider's assessors only)",
    response_class=Response,
)
def evidence_file(
    evidence_id: str, db: DbSession, principal: OptionalPrincipal, settings: AppSettings
) -> Response:
    access = service.evidence_file(
        db, evidence_id, principal=principal, store=evidence_store(settings)
    )
    return evidence_response(access)


# -- assessors --------------------------------------------------------------------------------


@router.get("/api/orgs/{slug}/assessments", summary="The assessment queue")
def assessment_queue(
    slug: str,
    db: DbSession,
    principal: PrincipalDep,
    status: str = "submitted",
) -> list[ApplicationOut]:
    organisation = service.assessor_organisation(db, principal, slug)
    statuses = [s for s in status.split(",") if s][:6]
    return [
        application_out(db, a, assessor=True)
        for a in service.queue(db, organisation, statuses=statuses)
    ]


@router.get("/api/orgs/{slug}/assessments/{application_id}", summary="One application")
def assessment(
    slug: str, application_id: str, db: DbSession, principal: PrincipalDep
) -> ApplicationOut:
    organisation = service.assessor_organisation(db, principal, slug)
    application = service.get_for_assessor(db, organisation, application_id)
    return application_out(db, application, assessor=True)


@router.post(
    "/api/orgs/{slug}/assessments/{application_id}/more-evidence",
    summary="Send back to the applicant, asking for more evidence",
)
def more_evidence(
    slug: str, application_id: str, body: MoreEvidenceIn, db: DbSession, principal: PrincipalDep
) -> ApplicationOut:
    organisation = service.assessor_organisation(db, principal, slug)
    application = service.get_for_assessor(db, organisation, application_id)
    service.request_evidence(
        db,
        application,
        feedback=body.feedback,
        scores=_scores(body.rubric),
        principal=principal,
    )
    return application_out(db, application, assessor=True)


@router.post(
    "/api/orgs/{slug}/assessments/{application_id}/decision",
    summary="Approve (issues the credential) or reject, with feedback and the rubric",
)
def decision(
    slug: str,
    application_id: str,
    body: DecisionIn,
    db: DbSession,
    principal: PrincipalDep,
    settings: AppSettings,
    master_key: MasterKey,
) -> ApplicationOut:
    organisation = service.assessor_organisation(db, principal, slug)
    application = service.get_for_assessor(db, organisation, application_id)
    service.decide(
        db,
        application,
        decision=body.decision,
        feedback=body.feedback,
        scores=_scores(body.rubric),
        principal=principal,
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return application_out(db, application, assessor=True)
