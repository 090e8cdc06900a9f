"""Wallet API for the signed-in learner (browser session; cookie requests that change
something carry the CSRF token): credentials, import, skills, share links, privacy.

Another learner's ids answer 404, like missing ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from microcred.config import Settings
from microcred.wallet import imports, portfolio, service, sharing
from microcred.wallet.models import Share
from microcred.wallet.service import Held
from microcred.web.api import pathways as pathways_api
from microcred.web.api.issuing import local_fetcher
from microcred.web.deps import AppSettings, CurrentUser, DbSession, MasterKey
from microcred.web.schemas.wallet import (
    ItemOut,
    ProfileIn,
    ProfileOut,
    ShareIn,
    ShareOut,
    SkillBackingOut,
    SkillGroupOut,
    SkillOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/wallet", tags=["wallet"])


def _z(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _item_out(held: Held, *, full: bool = False) -> ItemOut:
    item = held.item
    credential: Any = None
    if full:
        credential = held.text if item.format == "vc-jwt" else held.document or held.text
    return ItemOut(
        id=item.public_id,
        title=held.facts.title,
        issuer=held.facts.issuer_name or item.issuer_name or held.facts.issuer_id,
        source=item.source,
        format=item.format,
        container=item.container,
        credential_id=item.credential_id,
        status=held.status,
        issued=_z(held.facts.issued),
        expires=_z(held.facts.expires),
        import_summary=item.import_summary,
        credential=credential,
        report=held.report.to_json() if full and held.report is not None else None,
    )


def _share_out(db: Session, share: Share, settings: Settings) -> ShareOut:
    return ShareOut(
        id=share.public_id,
        url=f"{settings.public_base_url.rstrip('/')}/share/{share.token}",
        title=share.title,
        state=sharing.share_state(share),
        created_at=_z(share.created_at) or "",
        expires_at=_z(share.expires_at),
        revoked_at=_z(share.revoked_at),
        view_count=share.view_count,
        items=[i.public_id for i in sharing.share_items(db, share)],
    )


@router.get("/credentials", summary="Every credential in your wallet, verified now")
def list_credentials(
    db: DbSession, user: CurrentUser, settings: AppSettings, master_key: MasterKey
) -> list[ItemOut]:
    fetcher = local_fetcher(db, settings, master_key)
    return [_item_out(h) for h in service.held_items(db, user, fetcher=fetcher)]


@router.get("/credentials/{item_id}", summary="One credential with its verification report")
def get_credential(
    item_id: str, db: DbSession, user: CurrentUser, settings: AppSettings, master_key: MasterKey
) -> ItemOut:
    item = service.get_item(db, user, item_id)
    held = service.check_item(db, item, fetcher=local_fetcher(db, settings, master_key))
    return _item_out(held, full=True)


@router.post(
    "/credentials",
    status_code=201,
    summary="Import a credential (raw body: JSON, VC-JWT, baked PNG/SVG, OB 2.0)",
)
async def import_credential(
    request: Request,
    db: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    master_key: MasterKey,
) -> ItemOut:
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > imports.MAX_IMPORT_BYTES:
            break
    fetcher = local_fetcher(db, settings, master_key)
    item = imports.import_credential(db, user, data, fetcher=fetcher)
    pathways_api.award_stacks(db, user, settings, master_key)  # stacked credentials now due
    return _item_out(service.check_item(db, item, fetcher=fetcher), full=True)


@router.delete("/credentials/{item_id}", status_code=204, summary="Remove an imported credential")
def delete_credential(item_id: str, db: DbSession, user: CurrentUser) -> Response:
    service.delete_item(db, user, item_id)
    return Response(status_code=204)


@router.get("/skills", summary="Your skills portfolio, grouped by framework")
def skills(
    db: DbSession, user: CurrentUser, settings: AppSettings, master_key: MasterKey
) -> list[SkillGroupOut]:
    held = service.held_items(db, user, fetcher=local_fetcher(db, settings, master_key))
    return [
        SkillGroupOut(
            framework=group.framework,
            skills=[
                SkillOut(
                    name=skill.name,
                    url=skill.url,
                    verified=skill.verified,
                    backing=[
                        SkillBackingOut(
                            item=b.held.item.public_id,
                            title=b.held.facts.title,
                            status=b.held.status,
                            evidence=[e.url or e.name for e in b.evidence],
                        )
                        for b in skill.backing
                    ],
                )
                for skill in group.skills
            ],
        )
        for group in portfolio.portfolio(held)
    ]


@router.get("/shares", summary="Your share links")
def list_shares(db: DbSession, user: CurrentUser, settings: AppSettings) -> list[ShareOut]:
    return [_share_out(db, s, settings) for s in sharing.list_shares(db, user)]


@router.post("/shares", status_code=201, summary="Create a share link")
def create_share(
    body: ShareIn, db: DbSession, user: CurrentUser, settings: AppSettings
) -> ShareOut:
    share = sharing.create_share(
        db, user, body.items, title=body.title, expires_in_days=body.expires_in_days
    )
    return _share_out(db, share, settings)


@router.get("/shares/{share_id}", summary="One share link")
def get_share(share_id: str, db: DbSession, user: CurrentUser, settings: AppSettings) -> ShareOut:
    return _share_out(db, sharing.get_share(db, user, share_id), settings)


@router.delete("/shares/{share_id}", summary="Revoke a share link")
def revoke_share(
    share_id: str, db: DbSession, user: CurrentUser, settings: AppSettings
) -> ShareOut:
    return _share_out(db, sharing.revoke_share(db, user, share_id), settings)


def _profile_out(profile: Any, settings: Settings) -> ProfileOut:
    return ProfileOut(
        handle=profile.handle,
        public=profile.public,
        discoverable=profile.discoverable,
        headline=profile.headline,
        url=f"{settings.public_base_url.rstrip('/')}/people/{profile.handle}"
        if profile.public
        else None,
    )


@router.get("/profile", summary="Your privacy settings")
def get_profile(db: DbSession, user: CurrentUser, settings: AppSettings) -> ProfileOut:
    return _profile_out(service.get_profile(db, user), settings)


@router.put("/profile", summary="Change your privacy settings")
def put_profile(
    body: ProfileIn, db: DbSession, user: CurrentUser, settings: AppSettings
) -> ProfileOut:
    profile = service.update_profile(
        db,
        user,
        handle=body.handle,
        public=body.public,
        discoverable=body.discoverable,
        headline=body.headline,
    )
    return _profile_out(profile, settings)
