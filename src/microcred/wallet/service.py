"""Use cases of the wallet: the learner's items (claimed awards and imports), their live
status, and the learner's privacy profile.

A claimed award (``awards.user_id`` = the learner; however it was claimed: the claim page,
``POST /api/claims/<token>``) gets its wallet item on the next :func:`list_items`
(:func:`sync_claimed`); superseded awards (re-issued to a DID) drop out of the list.
Another learner's item is :class:`ItemNotFound`, exactly like a missing one.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import User
from microcred.credentials.documents import Fetcher
from microcred.credentials.errors import MalformedDocument
from microcred.credentials.report import VerificationReport
from microcred.credentials.verify import verify_bytes
from microcred.errors import Conflict, InvalidInput
from microcred.issuing.models import Award
from microcred.storage import utcnow
from microcred.wallet.errors import ItemNotFound
from microcred.wallet.facts import CredentialFacts, facts_of, jwt_payload, live_status
from microcred.wallet.models import Profile, WalletItem

__all__ = [
    "HANDLE_PATTERN",
    "Held",
    "check_item",
    "credential_text",
    "delete_item",
    "document_of",
    "get_item",
    "get_profile",
    "held_items",
    "list_items",
    "profile_for_handle",
    "public_name",
    "sync_claimed",
    "update_profile",
]

HANDLE_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
_SLUG = re.compile(r"[^a-z0-9]+")


# -- profiles ----------------------------------------------------------------------------


def _new_handle(session: Session, user: User) -> str:
    base = _SLUG.sub("-", user.email.split("@", 1)[0].lower()).strip("-")[:24] or "learner"
    base = base if len(base) >= 2 else f"{base}-learner"
    for _ in range(20):
        handle = f"{base}-{secrets.token_hex(3)}"
        if session.scalar(select(Profile.user_id).where(Profile.handle == handle)) is None:
            return handle
    return f"learner-{secrets.token_hex(8)}"


def get_profile(session: Session, user: User) -> Profile:
    """The learner's profile, created private (not public, not discoverable) on first use."""
    profile = session.get(Profile, user.id)
    if profile is None:
        profile = Profile(
            user_id=user.id,
            handle=_new_handle(session, user),
            public=False,
            discoverable=False,
            headline="",
            updated_at=utcnow(),
        )
        session.add(profile)
        session.flush()
    return profile


def update_profile(
    session: Session,
    user: User,
    *,
    handle: str | None = None,
    public: bool | None = None,
    discoverable: bool | None = None,
    headline: str | None = None,
) -> Profile:
    """Change the learner's privacy settings (each ``None`` leaves a value as it is)."""
    if handle is not None:
        handle = handle.strip().lower()
        if not HANDLE_PATTERN.match(handle):
            raise InvalidInput(
                "A profile address is 3 to 40 lower-case letters, digits or hyphens, not "
                "starting or ending with a hyphen (e.g. ann-learner).",
                code="invalid_handle",
            )
        taken = session.scalar(
            select(Profile.user_id).where(Profile.handle == handle, Profile.user_id != user.id)
        )
        if taken is not None:
            raise Conflict(
                f"The profile address {handle!r} is taken; choose another.", code="handle_taken"
            )
    if headline is not None and (len(headline) > 200 or "\x00" in headline):
        raise InvalidInput("The headline is at most 200 characters.", code="invalid_headline")
    # Everything is valid: change the profile.
    profile = get_profile(session, user)
    if handle is not None:
        profile.handle = handle
    if public is not None:
        profile.public = public
    if discoverable is not None:
        profile.discoverable = discoverable
    if headline is not None:
        profile.headline = headline.strip()
    profile.updated_at = utcnow()
    session.flush()
    return profile


def profile_for_handle(session: Session, handle: str) -> tuple[Profile, User] | None:
    """The public profile with ``handle`` and its user, or None (private looks missing)."""
    if len(handle) > 40:
        return None
    row = session.execute(
        select(Profile, User)
        .join(User, User.id == Profile.user_id)
        .where(Profile.handle == handle.lower(), Profile.public.is_(True))
    ).first()
    return None if row is None else (row[0], row[1])


def public_name(session: Session, user_id: int | None) -> tuple[str, str | None]:
    """(name, handle) to show for the holder of a credential: the user's name and profile
    address only if they made their profile public; else ("a learner", None)."""
    if user_id is None:
        return "a learner", None
    profile = session.get(Profile, user_id)
    user = session.get(User, user_id)
    if profile is None or not profile.public or user is None:
        return "a learner", None
    return (user.display_name or "a learner"), profile.handle


# -- items ----------------------------------------------------------------------------------


def sync_claimed(session: Session, user: User) -> None:
    """Give every award the learner claimed a wallet item (idempotent)."""
    missing = session.scalars(
        select(Award).where(
            Award.user_id == user.id,
            Award.status != "superseded",
            ~select(WalletItem.id)
            .where(WalletItem.user_id == user.id, WalletItem.award_id == Award.id)
            .exists(),
        )
    ).all()
    for award in missing:
        doc = json.loads(award.credential_json)
        facts = facts_of(doc)
        session.add(
            WalletItem(
                public_id=str(uuid.uuid4()),
                user_id=user.id,
                award_id=award.id,
                source="claimed",
                format="ob3-json",
                container="plain",
                credential_text=None,
                credential_id=award.credential_id,
                title=facts.title,
                issuer_name=facts.issuer_name or facts.issuer_id,
                import_summary="",
                added_at=award.claimed_at or utcnow(),
            )
        )
    if missing:
        session.flush()


def list_items(session: Session, user: User) -> list[WalletItem]:
    """Every credential the learner holds, newest first (superseded awards left out)."""
    sync_claimed(session, user)
    rows = session.scalars(
        select(WalletItem)
        .outerjoin(Award, Award.id == WalletItem.award_id)
        .where(WalletItem.user_id == user.id)
        .where((Award.id.is_(None)) | (Award.status != "superseded"))
        .order_by(WalletItem.added_at.desc(), WalletItem.id.desc())
    ).all()
    return list(rows)


def get_item(session: Session, user: User, public_id: str) -> WalletItem:
    """The learner's item ``public_id``; another learner's item is not found, like a
    missing one."""
    item = None
    if len(public_id) <= 36:
        item = session.scalar(
            select(WalletItem).where(
                WalletItem.public_id == public_id, WalletItem.user_id == user.id
            )
        )
    if item is None:
        raise ItemNotFound(
            "There is no such credential in your wallet; open your wallet to see them all."
        )
    return item


def delete_item(session: Session, user: User, public_id: str) -> None:
    """Remove an imported credential (claimed awards stay: the issuer keeps them)."""
    item = get_item(session, user, public_id)
    if item.source != "imported":
        raise Conflict(
            "A credential you claimed cannot be removed from the wallet; it stays with the "
            "issuer's record. Leave it out of your shares instead.",
            code="claimed_item",
        )
    session.delete(item)
    session.flush()


def credential_text(session: Session, item: WalletItem) -> str:
    """The credential exactly as stored: the award's signed JSON, or the imported text."""
    if item.award_id is not None:
        award = session.get(Award, item.award_id)
        assert award is not None
        return award.credential_json
    return item.credential_text or ""


def document_of(item: WalletItem, text: str) -> dict[str, Any]:
    """The credential's JSON object (a JWT's payload, unverified), or {}."""
    if item.format == "vc-jwt":
        return jwt_payload(text)
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass
class Held:
    """A wallet item with its credential, facts and live verification."""

    item: WalletItem
    text: str
    document: dict[str, Any]
    facts: CredentialFacts
    status: str
    report: VerificationReport | None = None
    award: Award | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return self.status == "active"


def check_item(
    session: Session, item: WalletItem, *, fetcher: Fetcher, now: datetime | None = None
) -> Held:
    """The item verified now (signature, issuer, status, dates)."""
    text = credential_text(session, item)
    document = document_of(item, text)
    award = session.get(Award, item.award_id) if item.award_id is not None else None
    if item.format == "ob2":
        return Held(item, text, document, facts_of(document), "ob2-unverified", None, award)
    try:
        report = verify_bytes(text.encode("utf-8"), fetcher=fetcher, now=now)
    except MalformedDocument:
        return Held(item, text, document, facts_of(document), "unverified", None, award)
    if report.document:
        document = dict(report.document)
    return Held(item, text, document, facts_of(document), live_status(report), report, award)


def held_items(
    session: Session, user: User, *, fetcher: Fetcher, now: datetime | None = None
) -> list[Held]:
    """Every item of the learner, verified now."""
    return [
        check_item(session, item, fetcher=fetcher, now=now) for item in list_items(session, user)
    ]
