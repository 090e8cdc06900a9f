"""Importing a credential from any issuer into the wallet.

Accepted: an OB 3.0 / VC 2.0 credential as JSON, a VC-JWT, an OB 3.0 baked PNG or SVG, and
Open Badges 2.0 assertions (JSON, or baked in PNG/SVG). OB 3.0 input is verified on import
(:func:`~microcred.credentials.verify.verify_bytes` with the caller's fetcher) and kept
with its result, whatever it is: the learner sees "not verified" next to it. OB 2.0
badges carry no cryptographic proof and checking a hosted assertion means fetching an
arbitrary URL, so they are stored with the label "Open Badges 2.0: not verified"
(``format="ob2"``) and never count as verified.

Rejected, with nothing stored (:class:`ImportRejected`): empty or oversized input, input
that is not a credential, an image without a credential, a presentation, and a credential
that is already in the wallet (:class:`~microcred.errors.Conflict`).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import User
from microcred.credentials import baking
from microcred.credentials.documents import Fetcher
from microcred.credentials.errors import MalformedDocument
from microcred.credentials.parsing import MAX_INPUT_BYTES, parse_input, parse_json_object
from microcred.credentials.report import CheckStatus
from microcred.credentials.verify import verify_bytes
from microcred.errors import Conflict
from microcred.storage import utcnow
from microcred.wallet.errors import ImportRejected
from microcred.wallet.facts import facts_of, jwt_payload, live_status
from microcred.wallet.models import WalletItem

__all__ = ["MAX_IMPORT_BYTES", "OB2_SUMMARY", "Incoming", "classify", "import_credential"]

MAX_IMPORT_BYTES: Final = MAX_INPUT_BYTES
OB2_SUMMARY: Final = (
    "Open Badges 2.0 badge: not cryptographically verifiable and its hosted assertion was "
    "not checked, so it is stored unverified."
)
_OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_PNG = b"\x89PNG\r\n\x1a\n"

Format = Literal["ob3-json", "vc-jwt", "ob2"]
Container = Literal["plain", "png", "svg"]


@dataclass(frozen=True)
class Incoming:
    """What an upload turned out to be: the credential text and how it came."""

    format: Format
    container: Container
    text: str


def _is_ob2(doc: dict[str, Any]) -> bool:
    contexts = doc.get("@context")
    items = contexts if isinstance(contexts, list) else [contexts]
    if any(isinstance(c, str) and c.rstrip("/") == _OB2_CONTEXT for c in items):
        return True
    kinds = doc.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return "Assertion" in kinds and "VerifiableCredential" not in kinds


def _image(data: bytes) -> Incoming | None:
    found: baking.BakedCredential | None
    head = data[:2048].lstrip().lower()
    if data.startswith(_PNG):
        kind: Container = "png"
        try:
            found = baking.extract_png(data)
        except MalformedDocument as exc:
            raise ImportRejected(f"That PNG image is damaged: {exc.message}") from None
    elif head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536].lower():
        kind = "svg"
        try:
            found = baking.extract_svg(data)
        except MalformedDocument as exc:
            raise ImportRejected(f"That SVG image could not be read: {exc.message}") from None
    else:
        return None
    if found is None:
        raise ImportRejected(
            f"That {kind.upper()} image has no credential baked into it. Download the "
            "badge image from your issuer's credential page (a 'baked' badge), or import "
            "the credential's JSON file instead.",
            code="image_without_credential",
        )
    if found.version == 2:
        return Incoming("ob2", kind, found.text)
    return Incoming(
        "vc-jwt"
        if found.text.count(".") == 2 and not found.text.lstrip().startswith("{")
        else "ob3-json",
        kind,
        found.text,
    )


def classify(data: bytes) -> Incoming:
    """Recognise an upload (raises :class:`ImportRejected` for anything else)."""
    if not data.strip():
        raise ImportRejected("That is empty. Choose a credential file or paste one.")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejected(
            f"That is {len(data) / 1048576:.1f} MB; a credential is a few kilobytes (limit "
            f"{MAX_IMPORT_BYTES / 1048576:.0f} MB). Choose the credential file itself.",
            code="import_too_large",
        )
    image = _image(data)
    if image is not None:
        return image
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ImportRejected(
            "That is not a credential: not JSON, not a JWT and not a PNG or SVG badge image."
        ) from None
    if text.startswith("{"):
        try:
            doc = parse_json_object(text)
        except MalformedDocument as exc:
            raise ImportRejected(f"That is not a credential: {exc.message}") from None
        if _is_ob2(doc):
            return Incoming("ob2", "plain", text)
        return Incoming("ob3-json", "plain", text)
    try:
        parsed = parse_input(data)
    except MalformedDocument as exc:
        raise ImportRejected(f"That is not a credential: {exc.message}") from None
    if parsed.jwt is None:
        raise ImportRejected("That is not a credential we can read.")
    return Incoming("vc-jwt", "plain", parsed.jwt)


def _document(incoming: Incoming) -> dict[str, Any]:
    if incoming.format == "vc-jwt":
        return jwt_payload(incoming.text)
    try:
        value = json.loads(incoming.text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _ob2_title(doc: dict[str, Any], text: str) -> tuple[str, str]:
    badge = doc.get("badge")
    if isinstance(badge, dict):
        issuer = badge.get("issuer")
        issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
        name = badge.get("name")
        return (
            name[:300] if isinstance(name, str) else "Open Badges 2.0 badge",
            issuer_name[:300] if isinstance(issuer_name, str) else "",
        )
    if not doc and text.startswith("http"):
        return "Open Badges 2.0 badge (hosted)", ""
    return "Open Badges 2.0 badge", ""


def _duplicate(session: Session, user: User, credential_id: str) -> None:
    if not credential_id:
        return
    found = session.scalar(
        select(WalletItem.id).where(
            WalletItem.user_id == user.id, WalletItem.credential_id == credential_id
        )
    )
    if found is not None:
        raise Conflict("This credential is already in your wallet.", code="already_in_wallet")


def import_credential(
    session: Session,
    user: User,
    data: bytes,
    *,
    fetcher: Fetcher,
    now: datetime | None = None,
) -> WalletItem:
    """Recognise, verify and store an upload in the learner's wallet."""
    incoming = classify(data)
    doc = _document(incoming)
    if incoming.format == "ob2":
        title, issuer = _ob2_title(doc, incoming.text)
        credential_id = doc.get("id") if isinstance(doc.get("id"), str) else ""
        summary = OB2_SUMMARY
        result: dict[str, Any] = {"verified": False, "kind": "ob2", "summary": summary}
    else:
        try:
            report = verify_bytes(incoming.text.encode("utf-8"), fetcher=fetcher, now=now)
        except MalformedDocument as exc:
            raise ImportRejected(f"That is not a credential: {exc.message}") from None
        if report.kind == "presentation":
            raise ImportRejected(
                "That is a presentation (several credentials wrapped together); import "
                "each credential on its own.",
                code="import_presentation",
            )
        malformed = [
            c for c in report.checks if c.name == "well_formed" and c.status is CheckStatus.FAILED
        ]
        if malformed:
            raise ImportRejected(
                f"That is not a credential: {malformed[0].message}", code="not_a_credential"
            )
        if report.document:
            doc = dict(report.document)
        facts = facts_of(doc)
        title, issuer = facts.title, facts.issuer_name or facts.issuer_id
        credential_id = facts.credential_id
        status = live_status(report)
        summary = {
            "active": "Verified on import: signature, issuer, status and dates are valid.",
            "revoked": "Verified on import: the issuer has revoked it.",
            "suspended": "Verified on import: the issuer has suspended it.",
            "expired": "Verified on import: the signature is valid but it has expired.",
            "not-yet-valid": "Verified on import: it is not valid yet.",
        }.get(
            status,
            "Not verified on import: " + "; ".join(c.message for c in report.failures[:2])[:200],
        )
        result = report.to_json()
    _duplicate(session, user, str(credential_id)[:600])
    item = WalletItem(
        public_id=str(uuid.uuid4()),
        user_id=user.id,
        award_id=None,
        source="imported",
        format=incoming.format,
        container=incoming.container,
        credential_text=incoming.text,
        credential_id=str(credential_id)[:600] or None,
        title=title[:300],
        issuer_name=issuer[:300],
        import_result=json.dumps(result, default=str),
        import_summary=summary[:300],
        added_at=now or utcnow(),
    )
    session.add(item)
    session.flush()
    return item
