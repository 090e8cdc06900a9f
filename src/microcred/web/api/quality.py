"""Quality API: accreditation, the trust registry, consumed registries, endorsements.

Public: ``GET /trust/registry.json`` (microcred's trust registry format),
``GET /trust/registry.vc.json`` (the same, as a ``TrustRegistryCredential`` signed by the
publishing quality body), ``GET /api/quality/bodies``, ``GET /api/accreditations``,
``GET /api/trust/issuers?did=``, ``GET /api/trust/registries``, ``GET /api/endorsements``,
``GET /endorsements/{id}`` (the signed EndorsementCredential as stored).
Quality bodies (owners, ``manage`` tokens): ``POST /api/orgs/{org}/accreditations``,
``POST /api/orgs/{org}/accreditations/{id}/withdraw``. Any organisation (owners,
``manage`` tokens): ``POST /api/orgs/{org}/endorsements``. Platform admins:
``POST /api/quality/bodies``, ``POST /api/trust/registries``,
``POST /api/trust/registries/{id}/refresh``.

:func:`trust_checks` adds the ``issuer_trust`` and ``endorsements`` checks to a report;
the VC API, the verify page and the employers' link check call it after ``verify()``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.service import get_organisation
from microcred.config import Settings
from microcred.credentials.documents import Fetcher
from microcred.credentials.report import VerificationReport
from microcred.errors import InvalidInput, NotFound
from microcred.quality import accreditation, endorsements, registry, service
from microcred.quality.errors import AccreditationNotFound, EndorsementNotFound
from microcred.quality.models import Accreditation, Endorsement, TrustRegistry
from microcred.quality.trust import (
    DatabaseTrust,
    TrustCache,
    add_platform_checks,
    add_trust_check,
)
from microcred.quality.types import z
from microcred.verification.fetching import HttpsFetcher
from microcred.web.api.issuing import local_fetcher
from microcred.web.deps import (
    AppSettings,
    DbSession,
    MasterKey,
    OptionalPrincipal,
    Principal,
    trust_cache_of,
)
from microcred.web.schemas.quality import (
    AccreditationIn,
    AccreditationOut,
    EndorsementIn,
    EndorsementOut,
    QualityBodyIn,
    RegistryIn,
    RegistryOut,
    TrustOut,
    WithdrawIn,
)

__all__ = ["accreditation_out", "endorsement_out", "router", "trust_checks"]

router = APIRouter(tags=["quality"])


def trust_checks(
    report: VerificationReport,
    db: Session,
    settings: Settings,
    fetcher: Fetcher,
    *,
    cache: TrustCache | None = None,
) -> VerificationReport:
    """Add ``issuer_trust`` and ``endorsements`` to ``report`` (after ``verify()``),
    through the app's ``trust_cache`` (``cache``, else the one a request's ``DbSession``
    carries)."""
    return add_platform_checks(
        report,
        db,
        base_url=settings.public_base_url,
        fetcher=fetcher,
        cache=cache or trust_cache_of(db),
    )


def accreditation_out(db: Session, row: Accreditation) -> AccreditationOut:
    body = db.get(Organisation, row.body_id)
    provider = db.get(Organisation, row.provider_id)
    assert body is not None
    assert provider is not None
    return AccreditationOut(
        id=row.public_id,
        body=body.slug,
        body_name=body.name,
        body_did=body.did,
        provider=provider.slug,
        provider_name=provider.name,
        provider_did=provider.did,
        scope=row.scope,
        definitions=list(row.scope_definitions or []),
        field_of_study=row.field_of_study,
        statement=row.statement,
        valid_from=z(row.valid_from) or "",
        valid_until=z(row.valid_until),
        status=row.status,
        withdrawn_at=z(row.withdrawn_at),
        withdrawn_reason=row.withdrawn_reason,
    )


def endorsement_out(db: Session, row: Endorsement, *, credential: bool = False) -> EndorsementOut:
    endorser = db.get(Organisation, row.endorser_id)
    assert endorser is not None
    return EndorsementOut(
        id=row.public_id,
        credential_id=row.credential_id,
        endorser=endorser.slug,
        endorser_name=endorser.name,
        endorser_did=endorser.did,
        target=row.target_type,
        target_key=row.target_key,
        subject_id=row.subject_id,
        comment=row.comment,
        issued=z(row.created_at) or "",
        credential=endorsements.endorsement_document(row) if credential else None,
    )


def _registry_out(row: TrustRegistry) -> RegistryOut:
    return RegistryOut(
        id=row.id,
        name=row.name,
        location=row.location,
        kind=row.kind,
        format=row.format,
        publisher=row.publisher,
        expected_publisher=row.expected_publisher,
        entry_count=row.entry_count,
        refreshed_at=z(row.refreshed_at),
        last_error=row.last_error,
    )


# -- the published registry -----------------------------------------------------------------
@router.get("/trust/registry.json", summary="This platform's trust registry (public)")
def registry_json(db: DbSession, settings: AppSettings) -> JSONResponse:
    doc = registry.registry_json(
        db, base_url=settings.public_base_url, publisher=service.registry_publisher(db)
    )
    return JSONResponse(doc, headers={"Cache-Control": "public, max-age=300"})


@router.get(
    "/trust/registry.vc.json",
    summary="This platform's trust registry as a signed credential (public)",
)
def registry_vc(db: DbSession, settings: AppSettings, master_key: MasterKey) -> Response:
    publisher = service.registry_publisher(db)
    if publisher is None:
        raise NotFound(
            "No quality body is registered yet, so there is no signed registry; an admin "
            "registers one with `microcred trust add-body ORG`.",
            code="no_registry_publisher",
        )
    signed = registry.registry_credential(
        db,
        base_url=settings.public_base_url,
        publisher=publisher,
        key=org_keys.signing_key(db, publisher, master_key),
    )
    return JSONResponse(
        signed, media_type="application/vc+ld+json", headers={"Cache-Control": "no-store"}
    )


# -- quality bodies and accreditations -------------------------------------------------------
@router.get("/api/quality/bodies", summary="Quality bodies (public)")
def list_bodies(db: DbSession) -> list[dict[str, str]]:
    return [
        {"organisation": o.slug, "name": o.name, "did": o.did}
        for o in service.list_quality_bodies(db)
    ]


@router.post("/api/quality/bodies", status_code=201, summary="Register a quality body (admin)")
def add_body(body: QualityBodyIn, db: DbSession, principal: Principal) -> dict[str, str]:
    service.require_admin(principal)
    organisation = get_organisation(db, body.organisation)
    service.add_quality_body(db, organisation, actor=principal.actor)
    return {"organisation": organisation.slug, "name": organisation.name, "did": organisation.did}


@router.get("/api/accreditations", summary="Accreditations (public)")
def list_accreditations(
    db: DbSession,
    provider: Annotated[str | None, Query(max_length=64)] = None,
    body: Annotated[str | None, Query(max_length=64)] = None,
) -> list[AccreditationOut]:
    rows = accreditation.list_accreditations(
        db,
        provider=get_organisation(db, provider) if provider else None,
        body=get_organisation(db, body) if body else None,
    )
    return [accreditation_out(db, row) for row in rows]


@router.get("/api/accreditations/{accreditation_id}", summary="One accreditation (public)")
def get_accreditation(accreditation_id: str, db: DbSession) -> AccreditationOut:
    return accreditation_out(db, accreditation.get_accreditation(db, accreditation_id))


@router.post(
    "/api/orgs/{org}/accreditations",
    status_code=201,
    summary="Accredit a provider (owners of a quality body, manage tokens)",
)
def accredit(
    org: str, body: AccreditationIn, db: DbSession, principal: Principal
) -> AccreditationOut:
    quality_body = get_organisation(db, org[:64])
    row = accreditation.accredit(
        db,
        principal=principal,
        body=quality_body,
        provider=get_organisation(db, body.provider),
        scope=body.scope,
        definitions=body.definitions,
        field_of_study=body.field_of_study,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        statement=body.statement,
    )
    return accreditation_out(db, row)


@router.post(
    "/api/orgs/{org}/accreditations/{accreditation_id}/withdraw",
    summary="Withdraw an accreditation (the accrediting body)",
)
def withdraw(
    org: str, accreditation_id: str, body: WithdrawIn, db: DbSession, principal: Principal
) -> AccreditationOut:
    row = accreditation.get_accreditation(db, accreditation_id)
    if get_organisation(db, org[:64]).id != row.body_id:
        raise AccreditationNotFound(f"{org[:64]!r} has no accreditation {accreditation_id[:36]!r}.")
    row = accreditation.withdraw(
        db, principal=principal, public_id=accreditation_id, reason=body.reason
    )
    return accreditation_out(db, row)


# -- trust lookups and consumed registries ---------------------------------------------------
@router.get("/api/trust/issuers", summary="Who vouches for an issuer DID (public)")
def trust_of(
    db: DbSession, settings: AppSettings, did: Annotated[str, Query(min_length=4, max_length=500)]
) -> TrustOut:
    if "\x00" in did:
        raise InvalidInput("That is not a DID.", code="invalid_did")
    report = VerificationReport(kind="credential", document={"issuer": did})
    add_trust_check(report, DatabaseTrust(db, base_url=settings.public_base_url))
    check = report.checks[0]
    status = {"accredited": "accredited", "listed": "listed"}.get(check.code, "unknown")
    entries = (check.detail or {}).get("entries", []) if status != "unknown" else []
    return TrustOut(issuer=did, status=status, message=check.message, entries=entries)  # type: ignore[arg-type]


@router.get("/api/trust/registries", summary="Trust registries this platform consumes (public)")
def list_registries(db: DbSession) -> list[RegistryOut]:
    return [_registry_out(row) for row in registry.list_registries(db)]


def _network(settings: Settings) -> HttpsFetcher | None:
    return HttpsFetcher() if settings.allow_network else None


@router.post("/api/trust/registries", status_code=201, summary="Consume a trust registry (admin)")
def add_registry(
    body: RegistryIn,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
) -> RegistryOut:
    service.require_admin(principal)
    if not body.url.startswith("https://"):
        raise InvalidInput(
            "Registries are added over the API by https URL only; files are added with "
            "`microcred trust add-registry FILE`.",
            code="invalid_location",
        )
    row = registry.add_registry(
        db,
        body.url,
        actor=principal.actor,
        name=body.name,
        expected_publisher=body.expected_publisher,
    )
    registry.refresh_registry(db, row, fetcher=local_fetcher(db, settings, master_key))
    return _registry_out(row)


@router.post("/api/trust/registries/{registry_id}/refresh", summary="Read a registry again (admin)")
def refresh_registry(
    registry_id: int,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
) -> RegistryOut:
    service.require_admin(principal)
    row = registry.get_registry(db, registry_id)
    registry.refresh_registry(db, row, fetcher=local_fetcher(db, settings, master_key))
    return _registry_out(row)


# -- endorsements -------------------------------------------------------------------------------
@router.post(
    "/api/orgs/{org}/endorsements",
    status_code=201,
    summary="Endorse a definition or a provider (owners, manage tokens)",
)
def endorse(
    org: str,
    body: EndorsementIn,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
) -> EndorsementOut:
    row = endorsements.endorse(
        db,
        principal=principal,
        endorser=get_organisation(db, org[:64]),
        target_type=body.target,
        organisation=body.organisation,
        definition=body.definition,
        comment=body.comment,
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return endorsement_out(db, row, credential=True)


@router.get("/api/endorsements", summary="Endorsements of a provider or definition (public)")
def list_endorsements(
    db: DbSession,
    organisation: Annotated[str, Query(max_length=64)],
    definition: Annotated[str | None, Query(max_length=64)] = None,
) -> list[EndorsementOut]:
    target = get_organisation(db, organisation)
    rows = (
        endorsements.endorsements_of_definition(db, target, definition)
        if definition
        else endorsements.endorsements_of_organisation(db, target)
    )
    return [endorsement_out(db, row) for row, _ in rows]


@router.get("/endorsements/{endorsement_id}", summary="A signed endorsement, as stored")
def endorsement_document(endorsement_id: str, db: DbSession) -> Response:
    row = endorsements.get_endorsement(db, endorsement_id)
    return Response(row.credential_json, media_type="application/vc+ld+json")


@router.delete(
    "/api/orgs/{org}/endorsements/{endorsement_id}",
    summary="Withdraw an endorsement (the endorser)",
)
def withdraw_endorsement(
    org: str, endorsement_id: str, db: DbSession, principal: OptionalPrincipal
) -> dict[str, Any]:
    row = endorsements.get_endorsement(db, endorsement_id)
    if get_organisation(db, org[:64]).id != row.endorser_id:
        raise EndorsementNotFound(f"{org[:64]!r} made no endorsement {endorsement_id[:36]!r}.")
    endorsements.withdraw_endorsement(db, principal=principal, public_id=endorsement_id)
    return {"id": row.public_id, "withdrawn": True}
