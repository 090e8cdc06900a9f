"""W3C VC API (v0.3): issue, verify credentials and presentations, update status.

* ``POST /credentials/issue`` — bearer token with scope ``issue``; the issuer is the
  token's organisation; every credential gets revocation and suspension entries; signed
  ``eddsa-rdfc-2022`` in safe mode (undefined terms are refused).
* ``POST /credentials/verify``, ``POST /presentations/verify`` — public, rate limited;
  this app's own DID documents and status lists are read from the database, anything
  else over HTTPS (:class:`~microcred.verification.fetching.HttpsFetcher`) when
  ``MICROCRED_ALLOW_NETWORK`` is on. 200 when verified, 400 with the report when not.
* ``POST /credentials/status`` — bearer token with scope ``revoke``; ``updateStatus``.

How the two verify endpoints use the process. Verification is CPU work in Python, and
what it reads from this server (its status lists and DID documents, the issuer's trust
entries and endorsements) is kept by the app's ``document_cache`` and ``trust_cache``
(``MICROCRED_VERIFY_CACHE_SECONDS``; status lists that already passed verification are
also remembered in ``status_list_cache``, by the hash of their exact bytes; credentials
never). A request is verified in up to three passes, each allowed to wait on more:

1. on the event loop, from those caches alone: nothing touches the database or the
   network, so nothing blocks the loop, and requests are served in arrival order without
   a thread hop (threads running Python at once only contend for the GIL). Almost every
   request ends here;
2. when a cache lacked something (at most once per document and process every few
   seconds), again in a worker thread taken from ``verify_limiter`` (one per process),
   reading the database and refilling the caches;
3. when the credential needs a document from another server (another issuer's DID
   document or status list, over HTTPS when ``MICROCRED_ALLOW_NETWORK`` is on), again in a
   thread of ``network_limiter`` (16 at once), where waiting on a remote server holds up
   no one else.

Every pass verifies the whole credential; an earlier pass's partial work is dropped. A
credential that needs another server goes from the first pass straight to the third.
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
from microcred.quality.trust import add_platform_checks
from microcred.storage import NotCached
from microcred.verification.fetching import HttpsFetcher
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


#: The passes of a verification (see the module docstring).
_CACHED, _DATABASE, _NETWORK = "cached", "database", "network"


def _verify(
    document: dict[str, Any] | str,
    *,
    request: Request,
    challenge: str | None,
    domain: str | None,
    mode: str,
) -> Response | str:
    """One pass: the answer, or the pass the credential needs instead (``database`` or
    ``network``) when it needs what this pass may not wait for."""
    state = request.app.state
    settings: Settings = state.settings
    cache: StatusListCache | None = getattr(state, "status_list_cache", None)
    factory: sessionmaker[Session] = state.session_factory
    deferred = _NetworkDeferred()
    fallback: Any = None
    if settings.allow_network:
        fallback = HttpsFetcher() if mode == _NETWORK else deferred
    cached_only = mode == _CACHED
    # In the cached pass the session is never used (no connection is taken).
    with factory() as db, db.begin():
        fetcher = LocalDocuments(
            db,
            base_url=settings.public_base_url,
            master_key=master_key_bytes(settings),
            fallback=fallback,
            cache=state.document_cache,
            cached_only=cached_only,
        )
        try:
            report = verify(
                document, fetcher=fetcher, challenge=challenge, domain=domain, status_cache=cache
            )
            if fetcher.missed:
                return _DATABASE
            add_platform_checks(
                report,
                db,
                base_url=settings.public_base_url,
                fetcher=fetcher,
                cache=state.trust_cache,
                cached_only=cached_only,
            )
        except NotCached:
            return _DATABASE
        except FetchError:
            if fetcher.missed:
                return _DATABASE
            if deferred.asked:
                return _NETWORK
            raise
        if fetcher.missed:
            return _DATABASE
        if deferred.asked:
            return _NETWORK
        return _response(report)


async def _verified(
    document: dict[str, Any] | str,
    request: Request,
    challenge: str | None = None,
    domain: str | None = None,
) -> Response:
    state = request.app.state
    check = partial(_verify, document, request=request, challenge=challenge, domain=domain)
    answer = check(mode=_CACHED)
    if answer == _DATABASE:
        answer = await to_thread.run_sync(
            partial(check, mode=_DATABASE), limiter=state.verify_limiter
        )
    if answer == _NETWORK:
        answer = await to_thread.run_sync(
            partial(check, mode=_NETWORK), limiter=state.network_limiter
        )
    assert isinstance(answer, Response)
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
