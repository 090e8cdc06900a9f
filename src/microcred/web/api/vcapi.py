"""W3C VC API (v0.3): issue, verify credentials and presentations, update status.

* ``POST /credentials/issue`` — bearer token with scope ``issue``; the issuer is the
  token's organisation; every credential gets revocation and suspension entries; signed
  ``eddsa-rdfc-2022`` in safe mode (undefined terms are refused).
* ``POST /credentials/verify``, ``POST /presentations/verify`` — public, rate limited;
  this app's own DID documents and status lists are read from the database, anything
  else over HTTPS (:class:`~microcred.verification.fetching.HttpsFetcher`) when
  ``MICROCRED_ALLOW_NETWORK`` is on. 200 when verified, 400 with the report when not.
* ``POST /credentials/status`` — bearer token with scope ``revoke``; ``updateStatus``.

The two verify endpoints are plain ``def`` routes (FastAPI runs them in its thread pool):
measured under 32 clients, this serves about twice the requests of ``async def`` routes
verifying inline, because the database reads block (psycopg is synchronous) and in the
pool another request's CPU work overlaps them. Everything else a request needs is taken
without further thread hops: the rate limit is an async dependency (in memory), and the
session and settings come from ``app.state`` (the same objects the ``DbSession`` and
``AppSettings`` dependencies use, with the same commit/rollback). Status lists that
already passed verification are remembered in the app's ``status_list_cache`` (by the
hash of their exact bytes; credentials never).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy.orm import Session, sessionmaker

from microcred.accounts.types import Principal as PrincipalType
from microcred.config import Settings
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.status import StatusListCache
from microcred.credentials.verify import verify
from microcred.errors import InvalidInput
from microcred.issuing import service
from microcred.issuing.errors import AwardNotFound
from microcred.web.api.issuing import local_fetcher
from microcred.web.api.quality import trust_checks
from microcred.web.deps import (
    AppSettings,
    DbSession,
    MasterKey,
    master_key_bytes,
    require_scopes,
)
from microcred.web.ratelimit import rate_limited
from microcred.web.schemas.vcapi import (
    IssueRequest,
    IssueResponse,
    UpdateStatusRequest,
    VerifyPresentationRequest,
    VerifyRequest,
    VerifyResponse,
)

__all__ = ["router"]

router = APIRouter(tags=["vc-api"])
_check_verify_limit = rate_limited("verify")


async def _verify_limit_check(request: Request) -> None:
    """The ``verify`` rate limit, run on the event loop (an in-memory check)."""
    _check_verify_limit(request)


_verify_limit = [Depends(_verify_limit_check)]

Issuer = Annotated[PrincipalType, Depends(require_scopes("issue"))]
Revoker = Annotated[PrincipalType, Depends(require_scopes("revoke"))]


@router.post(
    "/credentials/issue",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a credential as the token's organisation",
)
def issue_credential(
    body: IssueRequest,
    db: DbSession,
    principal: Issuer,
    settings: AppSettings,
    master_key: MasterKey,
) -> IssueResponse:
    organisation = principal.organisation
    assert organisation is not None
    award = service.issue_document(
        db,
        organisation=organisation,
        credential=body.credential,
        actor=principal.actor,
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return IssueResponse(verifiableCredential=json.loads(award.credential_json))


def _response(report: VerificationReport) -> Response:
    failures = report.failures
    for nested in report.credentials:
        failures = [*failures, *nested.failures]
    checks = sorted({c.name for c in report.checks if c.status is CheckStatus.PASSED})
    warnings = [
        c.message for c in report.checks if c.status in (CheckStatus.SKIPPED, CheckStatus.WARNING)
    ]
    body = VerifyResponse(
        verified=report.verified,
        checks=checks,
        warnings=warnings,
        errors=[f"{c.name}: {c.message}" for c in failures],
        report=report.to_json(),
    )
    return Response(
        body.model_dump_json(),
        media_type="application/json",
        status_code=200 if report.verified else 400,
    )


def _verify(
    document: dict[str, Any] | str,
    *,
    request: Request,
    challenge: str | None,
    domain: str | None,
) -> Response:
    """Verify with a request-scoped session (committed at the end, rolled back on error,
    like ``DbSession``), then add the trust checks."""
    state = request.app.state
    settings: Settings = state.settings
    cache: StatusListCache | None = getattr(state, "status_list_cache", None)
    factory: sessionmaker[Session] = state.session_factory
    with factory() as db, db.begin():
        fetcher = local_fetcher(db, settings, master_key_bytes(settings))
        report = verify(
            document, fetcher=fetcher, challenge=challenge, domain=domain, status_cache=cache
        )
        trust_checks(report, db, settings, fetcher)
        return _response(report)


@router.post(
    "/credentials/verify",
    summary="Verify a credential (public, rate limited)",
    dependencies=_verify_limit,
    responses={400: {"description": "Not verified; the report says why"}},
)
def verify_credential(body: VerifyRequest, request: Request) -> Response:
    return _verify(body.verifiableCredential, request=request, challenge=None, domain=None)


@router.post(
    "/presentations/verify",
    summary="Verify a presentation (public, rate limited)",
    dependencies=_verify_limit,
    responses={400: {"description": "Not verified; the report says why"}},
)
def verify_presentation(body: VerifyPresentationRequest, request: Request) -> Response:
    return _verify(
        body.verifiablePresentation,
        request=request,
        challenge=body.options.challenge,
        domain=body.options.domain,
    )


def _action(item: Any) -> str:
    """The status change one ``credentialStatus`` item asks for."""
    value = item.status
    purpose = item.statusPurpose
    if isinstance(value, str) and value.lower() in ("revoked", "revoke"):
        return "revoke"
    if isinstance(value, str) and value.lower() in ("suspended", "suspend"):
        return "suspend"
    if isinstance(value, str) and value.lower() in ("unsuspended", "unsuspend", "active", "valid"):
        return "unsuspend"
    on = value in (True, 1, "1", "0x1", "true")
    off = value in (False, 0, "0", "0x0", "false")
    if purpose == "revocation" and on:
        return "revoke"
    if purpose == "suspension" and (on or off):
        return "suspend" if on else "unsuspend"
    raise InvalidInput(
        "Each credentialStatus item needs status 'revoked', 'suspended' or 'unsuspended' "
        "(or statusPurpose revocation|suspension with status true/false); a revocation "
        "cannot be undone.",
        code="invalid_status_update",
    )


@router.post(
    "/credentials/status",
    summary="Update a credential's status (revoke, suspend, unsuspend)",
)
def update_status(
    body: UpdateStatusRequest,
    db: DbSession,
    principal: Revoker,
    settings: AppSettings,
    master_key: MasterKey,
) -> dict[str, Any]:
    organisation = principal.organisation
    assert organisation is not None
    actions = [_action(item) for item in body.credentialStatus]
    award = service.get_award_by_credential_id(db, body.credentialId)
    if award.organisation_id != organisation.id:
        raise AwardNotFound(
            f"No credential {body.credentialId[:200]!r} was issued by {organisation.slug!r}."
        )
    for action in actions:
        service.set_status(
            db,
            award.id,
            action,
            reason=body.reason,
            actor=principal.actor,
            base_url=settings.public_base_url,
            master_key=master_key,
        )
    db.refresh(award)
    return {"credentialId": award.credential_id, "status": award.status}
