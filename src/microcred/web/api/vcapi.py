"""W3C VC API (v0.3): issue, verify credentials and presentations, update status.

* ``POST /credentials/issue`` — bearer token with scope ``issue``; the issuer is the
  token's organisation; every credential gets revocation and suspension entries; signed
  ``eddsa-rdfc-2022`` in safe mode (undefined terms are refused).
* ``POST /credentials/verify``, ``POST /presentations/verify`` — public, rate limited;
  this app's own DID documents and status lists are read from the database, anything
  else over HTTPS (:class:`~microcred.verification.fetching.HttpsFetcher`) when
  ``MICROCRED_ALLOW_NETWORK`` is on. 200 when verified, 400 with the report when not.
* ``POST /credentials/status`` — bearer token with scope ``revoke``; ``updateStatus``.

How the two verify endpoints use the process. Verification is CPU work in Python: threads
running it at once only contend for the GIL, and requests queued behind them would be
served in no particular order. So each request is verified in a worker thread taken from
the app's ``verify_limiter`` (one per process: requests wait their turn in arrival order
on the event loop, which meanwhile reads and answers other connections). This app's own
documents come from the database, through the app's ``document_cache`` and
``trust_cache`` (``MICROCRED_VERIFY_CACHE_SECONDS``): when they hold the answers, a
request touches no database connection. Status lists that already passed verification are
remembered in ``status_list_cache`` (by the hash of their exact bytes; credentials never).

A credential that needs a document from elsewhere (another issuer's DID document or
status list, over HTTPS when ``MICROCRED_ALLOW_NETWORK`` is on) must not hold that single
thread while it waits on a remote server: the first pass refuses the network, and when
it turned out to need it, the request is verified again in a thread of the
``network_limiter`` (16 at once), where waiting does not hold up anyone else.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy.orm import Session, sessionmaker

from microcred.accounts.types import Principal as PrincipalType
from microcred.config import Settings
from microcred.credentials.errors import FetchError
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.status import StatusListCache
from microcred.credentials.verify import verify
from microcred.errors import InvalidInput
from microcred.issuing import service
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.errors import AwardNotFound
from microcred.verification.fetching import HttpsFetcher
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

__all__ = ["NETWORK_THREADS", "VERIFY_THREADS", "limiters", "router"]

#: Verifications run at once per process from local documents (CPU work; see above).
VERIFY_THREADS = 1
#: Verifications run at once per process that wait on other servers.
NETWORK_THREADS = 16

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


class _NetworkDeferred:
    """The first pass's stand-in for the network: refuses, and remembers it was asked."""

    def __init__(self) -> None:
        self.asked = False

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        self.asked = True
        raise FetchError(f"{url} is on another server.", code="fetch_deferred")


def _verify(
    document: dict[str, Any] | str,
    *,
    request: Request,
    challenge: str | None,
    domain: str | None,
    network: bool,
) -> Response | None:
    """Verify with a request-scoped session (committed at the end, rolled back on error,
    like ``DbSession``), then add the trust checks. Without ``network``, None when the
    credential needs a document from another server (and the network is allowed)."""
    state = request.app.state
    settings: Settings = state.settings
    cache: StatusListCache | None = getattr(state, "status_list_cache", None)
    factory: sessionmaker[Session] = state.session_factory
    deferred = _NetworkDeferred()
    fallback: Any = None
    if settings.allow_network:
        fallback = HttpsFetcher() if network else deferred
    with factory() as db, db.begin():
        fetcher = LocalDocuments(
            db,
            base_url=settings.public_base_url,
            master_key=master_key_bytes(settings),
            fallback=fallback,
            cache=state.document_cache,
        )
        try:
            report = verify(
                document, fetcher=fetcher, challenge=challenge, domain=domain, status_cache=cache
            )
            trust_checks(report, db, settings, fetcher, cache=state.trust_cache)
        except FetchError:
            if deferred.asked:
                return None
            raise
        if deferred.asked:
            return None
        return _response(report)


async def _verified(
    document: dict[str, Any] | str,
    request: Request,
    challenge: str | None = None,
    domain: str | None = None,
) -> Response:
    state = request.app.state
    check = partial(_verify, document, request=request, challenge=challenge, domain=domain)
    answer = await to_thread.run_sync(partial(check, network=False), limiter=state.verify_limiter)
    if answer is None:
        answer = await to_thread.run_sync(
            partial(check, network=True), limiter=state.network_limiter
        )
        assert answer is not None
    return answer


def limiters() -> tuple[CapacityLimiter, CapacityLimiter]:
    """The app's ``verify_limiter`` and ``network_limiter`` (see the module docstring)."""
    return CapacityLimiter(VERIFY_THREADS), CapacityLimiter(NETWORK_THREADS)


@router.post(
    "/credentials/verify",
    summary="Verify a credential (public, rate limited)",
    dependencies=_verify_limit,
    responses={400: {"description": "Not verified; the report says why"}},
)
async def verify_credential(body: VerifyRequest, request: Request) -> Response:
    return await _verified(body.verifiableCredential, request)


@router.post(
    "/presentations/verify",
    summary="Verify a presentation (public, rate limited)",
    dependencies=_verify_limit,
    responses={400: {"description": "Not verified; the report says why"}},
)
async def verify_presentation(body: VerifyPresentationRequest, request: Request) -> Response:
    return await _verified(
        body.verifiablePresentation, request, body.options.challenge, body.options.domain
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
