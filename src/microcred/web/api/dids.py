"""Public identity documents of organisations: the did:web DID document and the OB 3.0
issuer Profile."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from microcred.accounts import keys as org_keys
from microcred.accounts import service
from microcred.accounts.models import Organisation
from microcred.web.deps import DbSession

__all__ = ["issuer_profile", "router"]

router = APIRouter(tags=["identity"])

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_CACHE = {"Cache-Control": "public, max-age=300"}


@router.get(
    "/orgs/{slug}/did.json",
    summary="The organisation's DID document (did:web), every key listed",
    response_class=JSONResponse,
)
def did_document(slug: str, db: DbSession) -> JSONResponse:
    """did:web section 3.2: ``did:web:<host>:orgs:<slug>`` resolves to this URL. Retired
    keys stay listed so that credentials they signed still verify."""
    org = service.get_organisation(db, slug)
    return JSONResponse(
        org_keys.did_document(db, org), media_type="application/did+json", headers=_CACHE
    )


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    """The OB 3.0 Profile (section B.1.16) of an issuer; its ``id`` is the DID."""
    profile: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": organisation.did,
        "type": ["Profile"],
        "name": organisation.name,
    }
    if organisation.url:
        profile["url"] = organisation.url
    if organisation.description:
        profile["description"] = organisation.description
    if organisation.email:
        profile["email"] = organisation.email
    if organisation.country:
        profile["address"] = {"type": ["Address"], "addressCountryCode": organisation.country}
    return profile


@router.get("/orgs/{slug}/profile", summary="The organisation's OB 3.0 issuer Profile")
def profile(slug: str, db: DbSession) -> JSONResponse:
    org = service.get_organisation(db, slug)
    return JSONResponse(issuer_profile(org), media_type="application/json", headers=_CACHE)
