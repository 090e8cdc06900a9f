"""Share links: a learner picks credentials and gets ``/share/<token>``.

A share has an optional expiry, can be revoked at any time, and counts its views. Its
page re-verifies every credential when it is opened, and it offers a presentation: an
**unsigned** W3C ``VerifiablePresentation`` whose ``verifiableCredential`` holds each
original signed credential unchanged (VC-JWTs as ``EnvelopedVerifiableCredential``
``data:application/vc+jwt,...``). Trust model: each credential proves itself (its
issuer's signature and status list); the platform does not sign the presentation and does
not claim to be the holder, so the presentation proves nothing about who presents it.
Learners who need holder binding sign a presentation with their own DID wallet.

The token is the capability (32 random bytes, URL-safe); it is stored so the learner can
copy the link again later. Open Badges 2.0 items are shown on the page but left out of the
presentation (they are not verifiable credentials).
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from microcred.accounts.models import User
from microcred.errors import InvalidInput
from microcred.storage import utcnow
from microcred.wallet import service
from microcred.wallet.errors import ShareGone, ShareNotFound
from microcred.wallet.models import Share, ShareItem, WalletItem

__all__ = [
    "MAX_SHARE_DAYS",
    "MAX_SHARE_ITEMS",
    "create_share",
    "get_share",
    "list_shares",
    "open_share",
    "presentation",
    "revoke_share",
    "share_items",
    "share_state",
]

MAX_SHARE_ITEMS: Final = 50
MAX_SHARE_DAYS: Final = 3650
_VC2: Final = "https://www.w3.org/ns/credentials/v2"


def create_share(
    session: Session,
    user: User,
    item_ids: list[str],
    *,
    title: str = "",
    expires_in_days: int | None = 30,
    now: datetime | None = None,
) -> Share:
    """A new share link for the learner's items ``item_ids`` (public ids)."""
    when = now or utcnow()
    wanted = list(dict.fromkeys(i for i in item_ids if i))
    if not wanted:
        raise InvalidInput("Pick at least one credential to share.", code="share_empty")
    if len(wanted) > MAX_SHARE_ITEMS:
        raise InvalidInput(
            f"A share holds at most {MAX_SHARE_ITEMS} credentials.", code="share_too_large"
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_SHARE_DAYS:
        raise InvalidInput(
            f"A share lasts 1 to {MAX_SHARE_DAYS} days (or never expires).",
            code="share_expiry",
        )
    if len(title) > 200 or "\x00" in title:
        raise InvalidInput("The share's title is at most 200 characters.", code="share_title")
    items = [service.get_item(session, user, public_id) for public_id in wanted]
    share = Share(
        public_id=str(uuid.uuid4()),
        user_id=user.id,
        token=secrets.token_urlsafe(32),
        title=title.strip(),
        created_at=when,
        expires_at=when + timedelta(days=expires_in_days) if expires_in_days else None,
        revoked_at=None,
        view_count=0,
    )
    session.add(share)
    session.flush()
    for position, item in enumerate(items):
        session.add(ShareItem(share_id=share.id, item_id=item.id, position=position))
    session.flush()
    return share


def list_shares(session: Session, user: User) -> list[Share]:
    return list(
        session.scalars(
            select(Share)
            .where(Share.user_id == user.id)
            .order_by(Share.created_at.desc(), Share.id.desc())
        ).all()
    )


def get_share(session: Session, user: User, public_id: str) -> Share:
    """The learner's share; another learner's share is not found, like a missing one."""
    share = None
    if len(public_id) <= 36:
        share = session.scalar(
            select(Share).where(Share.public_id == public_id, Share.user_id == user.id)
        )
    if share is None:
        raise ShareNotFound("There is no such share link in your wallet.")
    return share


def revoke_share(
    session: Session, user: User, public_id: str, *, now: datetime | None = None
) -> Share:
    """Stop a share link from working (idempotent)."""
    share = get_share(session, user, public_id)
    if share.revoked_at is None:
        share.revoked_at = now or utcnow()
        session.flush()
    return share


def share_state(share: Share, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    if share.revoked_at is not None:
        return "revoked"
    if share.expires_at is not None and share.expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def share_items(session: Session, share: Share) -> list[WalletItem]:
    return list(
        session.scalars(
            select(WalletItem)
            .join(ShareItem, ShareItem.item_id == WalletItem.id)
            .where(ShareItem.share_id == share.id)
            .order_by(ShareItem.position)
        ).all()
    )


def open_share(
    session: Session, token: str, *, count_view: bool = True, now: datetime | None = None
) -> Share:
    """The share behind a link (:class:`ShareGone` when expired or revoked); counts a view."""
    share = None
    if 20 <= len(token) <= 64:
        share = session.scalar(select(Share).where(Share.token == token))
    if share is None:
        raise ShareNotFound(
            "This share link does not exist; ask the person who sent it for a new one."
        )
    state = share_state(share, now)
    if state != "active":
        raise ShareGone(
            f"This share link has {'been revoked' if state == 'revoked' else 'expired'}; ask "
            "the person who sent it for a new one.",
            code=f"share_{state}",
        )
    if count_view:
        session.execute(
            update(Share)
            .where(Share.id == share.id)
            .values(view_count=Share.view_count + 1, last_viewed_at=now or utcnow())
            .execution_options(synchronize_session=False)
        )
        session.refresh(share)
    return share


def presentation(session: Session, items: list[WalletItem]) -> dict[str, Any]:
    """An unsigned VerifiablePresentation of the original signed credentials."""
    credentials: list[Any] = []
    for item in items:
        if item.format == "ob2":
            continue
        text = service.credential_text(session, item)
        if item.format == "vc-jwt":
            credentials.append(
                {
                    "@context": [_VC2],
                    "type": "EnvelopedVerifiableCredential",
                    "id": f"data:application/vc+jwt,{text}",
                }
            )
        else:
            credentials.append(json.loads(text))
    return {
        "@context": [_VC2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": credentials,
    }
