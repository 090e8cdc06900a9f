"""Hosted documents: signed credentials (byte for byte as stored) and status lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response

from microcred.accounts import keys as org_keys
from microcred.accounts import service as accounts
from microcred.errors import NotFound
from microcred.issuing import service
from microcred.issuing import status as status_lists
from microcred.issuing.errors import AwardNotFound
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.credential import credential_page, prefers_html

__all__ = ["STATUS_MAX_AGE", "router"]

router = APIRouter(tags=["hosted"])

#: How long caches may keep a status list (seconds): a revocation shows within this time.
STATUS_MAX_AGE = 300
_VC = "application/vc+ld+json"
_LD = "application/ld+json"


def _media_type(accept: str | None) -> str:
    if accept and _LD in accept and _VC not in accept:
        return _LD
    return _VC


@router.get(
    "/credentials/{credential_id}",
    summary="The signed credential, exactly as issued",
    responses={200: {"content": {_VC: {}, _LD: {}}}},
)
def get_credential(
    request: Request,
    credential_id: Annotated[str, Path(max_length=64)],
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    award = service.find_award(db, credential_id)
    if award is None:
        raise AwardNotFound(
            f"No credential {credential_id!r} is hosted here; check the link you were given."
        )
    if prefers_html(accept):  # a browser: the public credential page (pages/credential.py)
        return credential_page(request, db, award, settings, master_key)
    return Response(
        content=award.credential_bytes,
        media_type=_media_type(accept),
        headers={"Cache-Control": "no-cache", "Vary": "Accept"},
    )


@router.get(
    "/status/{slug}/{purpose}/{sequence}",
    summary="A signed BitstringStatusListCredential",
    responses={200: {"content": {_VC: {}}}, 304: {"description": "Not modified (ETag)"}},
)
def get_status_list(
    slug: Annotated[str, Path(max_length=64)],
    purpose: Annotated[str, Path(pattern="^(revocation|suspension)$")],
    sequence: Annotated[int, Path(ge=1, le=1_000_000)],
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    organisation = accounts.get_organisation(db, slug)
    text = status_lists.served_list(
        db,
        organisation_id=organisation.id,
        org_slug=organisation.slug,
        issuer=organisation.did,
        purpose=purpose,
        sequence=sequence,
        base_url=settings.public_base_url,
        key=lambda: org_keys.signing_key(db, organisation, master_key),
    )
    if text is None:
        raise NotFound(f"{slug!r} has no {purpose} list {sequence}.", code="status_list_not_found")
    etag = status_lists.etag_for(text)
    headers = {"Cache-Control": f"public, max-age={STATUS_MAX_AGE}", "ETag": etag}
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(content=text.encode("utf-8"), media_type=_VC, headers=headers)
