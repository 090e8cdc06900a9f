"""Issuing API: awards, revocation, bulk batches, claims.

Every organisation route checks :func:`microcred.accounts.service.authorize` (a token of
one organisation can never act for another). Background work is enqueued after the
transaction commits (``db.commit()`` then ``runner.enqueue``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.accounts.types import Principal as PrincipalType
from microcred.catalogue import service as catalogue
from microcred.config import Settings
from microcred.issuing import bulk, claims, service
from microcred.issuing.documents import LocalDocumentCache, LocalDocuments
from microcred.issuing.models import Award, BulkBatch
from microcred.issuing.types import AWARD_STATUSES, EvidenceInput
from microcred.jobs import JobRunner, build_runner
from microcred.storage import utcnow
from microcred.verification.fetching import HttpsFetcher
from microcred.web.api import pathways as pathways_api
from microcred.web.deps import (
    AppSettings,
    CurrentUser,
    DbSession,
    MasterKey,
    Principal,
    document_cache_of,
)
from microcred.web.problems import problem_response
from microcred.web.schemas.issuing import (
    AwardIn,
    AwardOut,
    AwardPageOut,
    BatchOut,
    ChallengeOut,
    ClaimIn,
    ClaimOut,
    RowErrorOut,
    StatusChangeIn,
)

__all__ = ["award_out", "job_runner", "local_fetcher", "router"]

router = APIRouter(prefix="/api", tags=["issuing"])

#: Errors returned inline with an invalid upload (all of them: GET .../errors.csv).
_INLINE_ERRORS = 100


def job_runner(request: Request) -> JobRunner:
    """The app's job runner, built on first use (tests set ``app.state.job_runner``)."""
    runner: JobRunner | None = getattr(request.app.state, "job_runner", None)
    if runner is None:
        runner = build_runner(request.app.state.settings, request.app.state.session_factory)
        request.app.state.job_runner = runner
    return runner


def local_fetcher(
    db: Session,
    settings: Settings,
    master_key: bytes,
    *,
    cache: LocalDocumentCache | None = None,
) -> LocalDocuments:
    """This app's own documents from the database, through the app's ``document_cache``
    (``cache``, else the one a request's ``DbSession`` carries); others over HTTPS (if
    allowed)."""
    fallback = HttpsFetcher() if settings.allow_network else None
    return LocalDocuments(
        db,
        base_url=settings.public_base_url,
        master_key=master_key,
        fallback=fallback,
        cache=cache or document_cache_of(db),
    )


def _z(value: Any) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def award_out(db: Session, award: Award, *, credential: bool = False) -> AwardOut:
    organisation = db.get(Organisation, award.organisation_id)
    assert organisation is not None
    slug = version = None
    if award.definition_version_id is not None:
        found = catalogue.get_version(db, award.definition_version_id)
        slug, version = found.definition.slug, found.version
    superseded_by = None
    if award.superseded_by_id is not None:
        newer = db.get(Award, award.superseded_by_id)
        superseded_by = newer.credential_id if newer else None
    return AwardOut(
        id=award.public_id,
        credential_id=award.credential_id,
        organisation=organisation.slug,
        definition=slug,
        definition_version=version,
        external_id=award.external_id,
        recipient_email=award.recipient_email,
        recipient_did=award.recipient_did,
        status=award.status,
        status_reason=award.status_reason,
        status_changed_at=_z(award.status_changed_at),
        valid_from=_z(award.valid_from) or "",
        valid_until=_z(award.valid_until),
        issued_at=_z(award.issued_at) or "",
        source=award.source,
        claimed=award.user_id is not None,
        superseded_by=superseded_by,
        credential=json.loads(award.credential_json) if credential else None,
    )


def _org(db: Session, principal: PrincipalType, slug: str, action: str) -> Organisation:
    organisation = accounts.get_organisation(db, slug)
    accounts.authorize(db, principal, organisation, action)  # type: ignore[arg-type]
    return organisation


# -- awards -----------------------------------------------------------------------------


@router.post(
    "/orgs/{slug}/awards",
    status_code=status.HTTP_201_CREATED,
    summary="Award a credential to one learner (idempotent by external_id)",
    responses={200: {"description": "An award with this external_id already exists"}},
)
def create_award(
    slug: str,
    body: AwardIn,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
    request: Request,
    response: Response,
) -> AwardOut:
    organisation = _org(db, principal, slug, "award.issue")
    version = catalogue.published_version(db, organisation, body.definition, body.version)
    result = service.issue(
        db,
        organisation=organisation,
        version=version,
        actor=principal.actor,
        base_url=settings.public_base_url,
        master_key=master_key,
        recipient_email=body.recipient.email,
        recipient_did=body.recipient.did,
        recipient_name=body.recipient.name,
        evidence=[
            EvidenceInput(url=e.url, narrative=e.narrative, name=e.name) for e in body.evidence
        ],
        result=body.result,
        valid_until=body.valid_until,
        external_id=body.external_id,
    )
    notify = result.created and body.notify and result.award.recipient_email is not None
    if notify:
        claims.notify_learner(
            db,
            result.award,
            organisation=organisation,
            title=version.title,
            base_url=settings.public_base_url,
        )
    out = award_out(db, result.award, credential=True)
    if not result.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = result.award.credential_id
    db.commit()
    if notify:
        job_runner(request).enqueue("deliver_mail")
    return out


@router.get("/orgs/{slug}/awards", summary="List awards (filters, pagination)")
def list_awards(
    slug: str,
    db: DbSession,
    principal: Principal,
    status_: Annotated[
        str | None, Query(alias="status", pattern="^(active|suspended|revoked|superseded)$")
    ] = None,
    definition: Annotated[str | None, Query(max_length=64)] = None,
    recipient: Annotated[str | None, Query(max_length=500)] = None,
    external_id: Annotated[str | None, Query(max_length=200)] = None,
    batch: Annotated[str | None, Query(max_length=36)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AwardPageOut:
    organisation = _org(db, principal, slug, "award.read")
    definition_id = None
    if definition is not None:
        definition_id = catalogue.get_definition(db, organisation, definition).id
    batch_id = bulk.get_batch(db, organisation, batch).id if batch is not None else None
    assert status_ is None or status_ in AWARD_STATUSES
    page = service.list_awards(
        db,
        organisation,
        status=status_,
        definition_id=definition_id,
        recipient=recipient,
        external_id=external_id,
        batch_id=batch_id,
        offset=offset,
        limit=limit,
    )
    return AwardPageOut(
        items=[award_out(db, a) for a in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/orgs/{slug}/awards/{award_id}", summary="One award, with its signed credential")
def get_award(slug: str, award_id: str, db: DbSession, principal: Principal) -> AwardOut:
    organisation = _org(db, principal, slug, "award.read")
    return award_out(db, service.get_award(db, organisation, award_id), credential=True)


def _change(
    action: str,
    slug: str,
    award_id: str,
    body: StatusChangeIn | None,
    db: Session,
    principal: PrincipalType,
    settings: Settings,
    master_key: bytes,
) -> AwardOut:
    organisation = _org(db, principal, slug, "award.revoke")
    award = service.get_award(db, organisation, award_id)
    service.set_status(
        db,
        award.id,
        action,
        reason=body.reason if body else None,
        actor=principal.actor,
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return award_out(db, award)


@router.post("/orgs/{slug}/awards/{award_id}/revoke", summary="Revoke (final)")
def revoke(
    slug: str,
    award_id: str,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
    body: StatusChangeIn | None = None,
) -> AwardOut:
    return _change("revoke", slug, award_id, body, db, principal, settings, master_key)


@router.post("/orgs/{slug}/awards/{award_id}/suspend", summary="Suspend")
def suspend(
    slug: str,
    award_id: str,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
    body: StatusChangeIn | None = None,
) -> AwardOut:
    return _change("suspend", slug, award_id, body, db, principal, settings, master_key)


@router.post("/orgs/{slug}/awards/{award_id}/unsuspend", summary="Lift a suspension")
def unsuspend(
    slug: str,
    award_id: str,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
    body: StatusChangeIn | None = None,
) -> AwardOut:
    return _change("unsuspend", slug, award_id, body, db, principal, settings, master_key)


# -- bulk -------------------------------------------------------------------------------


def batch_out(
    db: Session, batch: BulkBatch, settings: Settings, *, errors: bool = False
) -> BatchOut:
    organisation = db.get(Organisation, batch.organisation_id)
    assert organisation is not None
    version = catalogue.get_version(db, batch.definition_version_id)
    counts = bulk.batch_counts(db, batch)
    base = f"{settings.public_base_url}/api/orgs/{organisation.slug}/bulk/{batch.public_id}"
    return BatchOut(
        id=batch.public_id,
        organisation=organisation.slug,
        definition=version.definition.slug,
        definition_version=version.version,
        filename=batch.filename,
        sha256=batch.sha256,
        status=batch.status,
        total=counts.total,
        pending=counts.pending,
        issued=counts.issued,
        failed=counts.failed,
        skipped=counts.skipped,
        error_count=batch.error_count,
        errors=[
            RowErrorOut(line=e.line, column=e.column, code=e.code, message=e.message)
            for e in bulk.batch_errors(db, batch, limit=_INLINE_ERRORS)
        ]
        if errors
        else [],
        errors_url=f"{base}/errors.csv" if batch.error_count or counts.failed else None,
        created_at=_z(batch.created_at) or "",
        started_at=_z(batch.started_at),
        finished_at=_z(batch.finished_at),
    )


@router.post(
    "/orgs/{slug}/bulk",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Upload a CSV of awards: validated first, then issued in the background",
    responses={422: {"description": "The file has errors; nothing will be issued"}},
)
def upload_bulk(
    slug: str,
    file: Annotated[UploadFile, File(description="UTF-8 CSV (see README: Bulk)")],
    definition: Annotated[str, Form(max_length=64)],
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    request: Request,
    version: Annotated[int | None, Form(ge=1)] = None,
) -> Any:
    organisation = _org(db, principal, slug, "award.issue")
    found = catalogue.published_version(db, organisation, definition, version)
    batch = bulk.create_batch(
        db,
        organisation=organisation,
        version=found,
        stream=file.file,
        filename=file.filename or "",
        max_rows=settings.bulk_max_rows,
        actor=principal.actor,
    )
    out = batch_out(db, batch, settings, errors=True)
    db.commit()
    if batch.status == "invalid":
        return problem_response(
            422,
            "bulk_invalid",
            f"The file has {batch.error_count} error(s); nothing was issued. Fix them and "
            "upload the file again.",
            instance=request.url.path,
            extra={"batch": out.model_dump()},
        )
    job_runner(request).enqueue("issue_batch", batch_id=batch.id)
    return JSONResponse(
        out.model_dump(),
        status_code=202,
        headers={"Location": f"{request.url.path}/{batch.public_id}"},
    )


@router.get("/orgs/{slug}/bulk/{batch_id}", summary="A bulk batch with its progress")
def get_bulk(
    slug: str, batch_id: str, db: DbSession, principal: Principal, settings: AppSettings
) -> BatchOut:
    organisation = _org(db, principal, slug, "award.read")
    return batch_out(db, bulk.get_batch(db, organisation, batch_id), settings)


@router.get(
    "/orgs/{slug}/bulk/{batch_id}/errors.csv",
    summary="The batch's errors as CSV (cells neutralised against formula injection)",
    response_class=PlainTextResponse,
)
def bulk_errors(slug: str, batch_id: str, db: DbSession, principal: Principal) -> Response:
    organisation = _org(db, principal, slug, "award.read")
    batch = bulk.get_batch(db, organisation, batch_id)
    text = bulk.errors_csv([*bulk.batch_errors(db, batch), *bulk.failed_rows(db, batch)])
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="errors-{batch.public_id}.csv"'},
    )


# -- claims -----------------------------------------------------------------------------


@router.post("/claims/challenge", summary="A challenge for a DID-auth presentation")
def claim_challenge(db: DbSession, user: CurrentUser, settings: AppSettings) -> ChallengeOut:
    row = claims.new_challenge(db, user)
    return ChallengeOut(
        challenge=row.challenge,
        domain=settings.public_base_url,
        expires_at=_z(row.expires_at) or "",
    )


@router.post("/claims/{token}", summary="Claim an award (optionally re-issued to your DID)")
def claim(
    token: str,
    db: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    master_key: MasterKey,
    body: ClaimIn | None = None,
) -> ClaimOut:
    result = claims.claim(
        db,
        token[:200],
        user=user,
        base_url=settings.public_base_url,
        master_key=master_key,
        presentation=body.presentation if body else None,
        domain=settings.public_base_url,
        fetcher=local_fetcher(db, settings, master_key),
        now=utcnow(),
    )
    pathways_api.award_stacks(db, user, settings, master_key)  # stacked credentials now due
    return ClaimOut(
        award=award_out(db, result.award, credential=True),
        superseded=result.superseded.credential_id if result.superseded else None,
    )
