"""API tokens: ``mc_<prefix>_<secret>``, shown once, stored as SHA-256, scoped, revocable.

The 12-hex-digit prefix is stored in clear to find the row; the 43-character secret
(256 random bits, base64url) is stored only as its SHA-256, compared in constant time.
A fast hash is right here: the secret has full entropy, unlike a password.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import ApiToken, Organisation
from microcred.accounts.types import SCOPES, Actor
from microcred.audit.service import record
from microcred.errors import InvalidInput, NotFound
from microcred.storage import utcnow

__all__ = [
    "ParsedToken",
    "authenticate_token",
    "create_token",
    "format_token",
    "list_tokens",
    "parse_scopes",
    "parse_token",
    "revoke_token",
]

_TOKEN = re.compile(r"^mc_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
#: Write last_used_at at most this often per token, so reads do not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ParsedToken:
    prefix: str
    secret: str


def format_token(prefix: str, secret: str) -> str:
    return f"mc_{prefix}_{secret}"


def parse_token(plain: str) -> ParsedToken:
    """Split a token into prefix and secret; NotAuthenticated(``invalid_token``) if malformed."""
    match = _TOKEN.fullmatch(plain.strip()) if isinstance(plain, str) else None
    if match is None:
        raise NotAuthenticated(
            "The API token is malformed; tokens look like mc_<12 hex>_<43 characters>. "
            "Create one with `microcred token create --org SLUG --scopes ...`.",
            code="invalid_token",
        )
    return ParsedToken(prefix=match.group(1), secret=match.group(2))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def parse_scopes(scopes: str | Iterable[str]) -> frozenset[str]:
    """Scopes from ``"issue,revoke"`` or an iterable; unknown or no scopes are refused."""
    items = scopes.split(",") if isinstance(scopes, str) else list(scopes)
    result = frozenset(s.strip() for s in items if s.strip())
    unknown = sorted(result - set(SCOPES))
    if unknown:
        raise InvalidInput(
            f"Unknown token scope(s) {', '.join(unknown)}; choose from {', '.join(SCOPES)}.",
            code="invalid_scope",
        )
    if not result:
        raise InvalidInput(
            f"A token needs at least one scope: {', '.join(SCOPES)}.", code="invalid_scope"
        )
    return result


def create_token(
    session: Session,
    *,
    organisation: Organisation,
    scopes: Iterable[str],
    name: str,
    actor: Actor,
    expires_at: datetime | None = None,
    created_by_user_id: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token; returns the row and the plain token (shown once, never stored)."""
    scope_set = parse_scopes(scopes)
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("A token's expiry must be in the future.", code="invalid_expiry")
    if len(name) > 200:
        raise InvalidInput("A token name has at most 200 characters.", code="invalid_name")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation.id,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=",".join(sorted(scope_set)),
        created_by_user_id=created_by_user_id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor=actor,
        action="token.create",
        organisation_id=organisation.id,
        subject_type="api_token",
        subject_id=str(token.id),
        details={
            "name": name,
            "prefix": prefix,
            "scopes": sorted(scope_set),
            "expires_at": _iso(expires_at),
        },
    )
    return token, format_token(prefix, secret)


def authenticate_token(session: Session, plain: str, *, now: datetime | None = None) -> ApiToken:
    """The live token for ``plain``, or NotAuthenticated (``invalid_token``,
    ``token_revoked``, ``token_expired``). Updates ``last_used_at``."""
    parsed = parse_token(plain)
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == parsed.prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parsed.secret)):
        raise NotAuthenticated(
            "The API token is not valid; check it was copied whole or create a new one.",
            code="invalid_token",
        )
    now = now or utcnow()
    if token.revoked_at is not None:
        raise NotAuthenticated(
            f"The API token {token.prefix} was revoked; ask an owner for a new token.",
            code="token_revoked",
        )
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(
            f"The API token {token.prefix} expired at {_iso(token.expires_at)}; create a new one.",
            code="token_expired",
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        session.flush()
    return token


def list_tokens(session: Session, organisation: Organisation) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.organisation_id == organisation.id).order_by(ApiToken.id)
    ).all()


def revoke_token(
    session: Session, *, organisation: Organisation, token_id: int, actor: Actor
) -> ApiToken:
    """Revoke a token of ``organisation`` (idempotent). Tokens of other organisations are
    not found."""
    token = session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.organisation_id == organisation.id)
    )
    if token is None:
        raise NotFound(
            f"No token {token_id} in organisation {organisation.slug!r}; list them with "
            f"GET /api/orgs/{organisation.slug}/tokens.",
            code="token_not_found",
        )
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        record(
            session,
            actor=actor,
            action="token.revoke",
            organisation_id=organisation.id,
            subject_type="api_token",
            subject_id=str(token.id),
            details={"prefix": token.prefix, "name": token.name},
        )
    return token


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
