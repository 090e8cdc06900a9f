"""Employer API: check a candidate's shared link, find learners by verified skill.

``POST /api/talent/verify-link`` (public, rate limited like every verification endpoint):
every credential of the link verified on its own, with one summary.
``GET /api/talent/search`` (a signed-in user): learners who opted in to be found, with the
credentials that back each requested skill.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.config import Settings
from microcred.credentials.errors import FetchError
from microcred.errors import InvalidInput, Unavailable
from microcred.talent.checking import check_items, credentials_of
from microcred.talent.service import search_talent, share_token, shared_items
from microcred.talent.types import LinkCheck, SharedItem, TalentPage, TalentQuery
from microcred.web.api.issuing import local_fetcher
from microcred.web.api.quality import trust_checks
from microcred.web.deps import AppSettings, CurrentUser, DbSession, MasterKey
from microcred.web.ratelimit import rate_limited
from microcred.web.schemas.talent import (
    BackingOut,
    CheckedCredentialOut,
    LinkCheckIn,
    LinkCheckOut,
    MatchOut,
    MatchSkillOut,
    TalentPageOut,
)

__all__ = ["check_link", "link_check_out", "router", "talent_page_out"]

router = APIRouter(tags=["talent"])

#: The largest document fetched from a link elsewhere.
MAX_LINK_BYTES: Final = 2 * 1024 * 1024
_ACCEPT: Final = "application/ld+json, application/json;q=0.9"


def _z(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _registered(db: Session) -> Any:
    cache: dict[str, bool] = {}

    def registered(did: str) -> bool:
        if did not in cache:
            cache[did] = (
                len(did) <= 500
                and db.scalar(select(Organisation.id).where(Organisation.did == did)) is not None
            )
        return cache[did]

    return registered


def _fetched_items(
    link: str, db: Session, settings: Settings, master_key: bytes
) -> list[SharedItem]:
    if not link.startswith(("https://", "http://")):
        raise InvalidInput(
            "Paste the candidate's shared link (it starts with https://) or its code.",
            code="invalid_link",
        )
    try:
        data = local_fetcher(db, settings, master_key).fetch(link, accept=_ACCEPT)
    except FetchError as exc:
        raise Unavailable(
            f"We could not open that link: {exc.message}", code="link_unavailable"
        ) from None
    if len(data) > MAX_LINK_BYTES:
        raise InvalidInput(
            "That link gives a document too large to be a credential.", code="invalid_link"
        )
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise InvalidInput(
            "That link does not give a credential or a presentation of credentials.",
            code="invalid_link",
        )
    return credentials_of(document)


def check_link(link: str, db: Session, settings: Settings, master_key: bytes) -> LinkCheck:
    """Verify every credential behind ``link`` (a share of this platform, its token, or a
    presentation or credential elsewhere)."""
    text = link.strip()
    token = share_token(text, base_url=settings.public_base_url)
    if token is not None:
        items = shared_items(db, token)
    else:
        items = _fetched_items(text, db, settings, master_key)
    if not items:
        raise InvalidInput(
            "That link holds no credential; ask the candidate to add some to the share.",
            code="empty_link",
        )
    fetcher = local_fetcher(db, settings, master_key)
    checked = check_items(items, fetcher=fetcher, registered=_registered(db))
    for credential in checked.credentials:
        trust_checks(credential.report, db, settings, fetcher)
    return checked


def link_check_out(check: LinkCheck) -> LinkCheckOut:
    return LinkCheckOut(
        total=check.total,
        verified=check.verified,
        failed=check.failed,
        all_verified=check.all_verified,
        reasons=check.reasons,
        credentials=[
            CheckedCredentialOut(
                position=c.position,
                name=c.name,
                issuer=c.issuer,
                issuer_registered=c.issuer_registered,
                outcome=c.outcome,
                reason=c.reason,
                message=c.message,
                report=c.report.to_json(),
            )
            for c in check.credentials
        ],
    )


def talent_page_out(page: TalentPage) -> TalentPageOut:
    return TalentPageOut(
        total=page.total,
        skills=[{"uri": uri, "label": label} for uri, label in page.skills],
        items=[
            MatchOut(
                name=match.name,
                headline=match.headline,
                profile_url=match.profile_url,
                skills=[
                    MatchSkillOut(
                        uri=uri,
                        label=label,
                        backed_by=[
                            BackingOut(
                                title=b.title,
                                issuer_name=b.issuer_name,
                                issuer_registered=b.issuer_registered,
                                eqf_level=b.eqf_level,
                                issued_at=_z(b.issued_at) or "",
                                valid_until=_z(b.valid_until),
                                source=b.source,
                                credential_url=b.credential_url,
                            )
                            for b in backing
                        ],
                    )
                    for uri, label, backing in match.skills
                ],
            )
            for match in page.items
        ],
    )


@router.post(
    "/api/talent/verify-link",
    summary="Verify every credential of a candidate's shared link",
    dependencies=[Depends(rate_limited("verify"))],
)
def verify_link(
    body: LinkCheckIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> LinkCheckOut:
    return link_check_out(check_link(body.link, db, settings, master_key))


@router.get("/api/talent/search", summary="Find learners who opted in, by verified skills")
def search(
    db: DbSession,
    user: CurrentUser,
    skill: Annotated[list[str], Query(max_length=10, description="Skill URIs (all required).")],
    eqf_level: Annotated[int | None, Query(ge=1, le=8, description="At least this level.")] = None,
    months: Annotated[
        int | None, Query(ge=1, le=600, description="Issued within this many months.")
    ] = None,
    standing: Annotated[
        str, Query(pattern="^(any|registered)$", description="Issuer standing.")
    ] = "any",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> TalentPageOut:
    query = TalentQuery(
        skills=tuple(s[:500].replace("\x00", "") for s in skill),
        min_eqf_level=eqf_level,
        issued_within_months=months,
        standing="registered" if standing == "registered" else "any",
        limit=limit,
        offset=offset,
    )
    return talent_page_out(search_talent(db, query))
