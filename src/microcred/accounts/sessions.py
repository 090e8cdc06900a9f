"""Browser sessions: an opaque random token in a cookie, stored as SHA-256 with an expiry,
and a CSRF synchronizer token tied to the session (OWASP CSRF cheat sheet, "Synchronizer
Token Pattern")."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import BrowserSession, User
from microcred.errors import PermissionDenied
from microcred.storage import utcnow

__all__ = [
    "SESSION_TTL",
    "authenticate_session",
    "check_csrf",
    "end_session",
    "start_session",
]

SESSION_TTL = timedelta(days=14)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, user: User, *, ttl: timedelta = SESSION_TTL
) -> tuple[BrowserSession, str]:
    """A new browser session for ``user``; returns the row and the cookie value."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = BrowserSession(
        token_hash=_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    # Expired sessions of this user are dropped on each sign-in.
    session.execute(
        delete(BrowserSession).where(
            BrowserSession.user_id == user.id, BrowserSession.expires_at <= now
        )
    )
    session.flush()
    return row, token


def authenticate_session(
    session: Session, cookie: str, *, now: datetime | None = None
) -> tuple[BrowserSession, User]:
    """The live session and its user for a cookie value, else NotAuthenticated."""
    if not cookie or len(cookie) > 200:
        raise _expired()
    row = session.scalar(select(BrowserSession).where(BrowserSession.token_hash == _hash(cookie)))
    if row is None or row.expires_at <= (now or utcnow()):
        raise _expired()
    user = session.get(User, row.user_id)
    if user is None:  # pragma: no cover - the foreign key cascades
        raise _expired()
    return row, user


def end_session(session: Session, row: BrowserSession) -> None:
    session.delete(row)
    session.flush()


def check_csrf(row: BrowserSession, presented: str | None) -> None:
    """PermissionDenied(``csrf_failed``) unless ``presented`` is the session's CSRF token."""
    if not presented or not hmac.compare_digest(
        row.csrf_token.encode("utf-8"), presented.encode("utf-8")
    ):
        raise PermissionDenied(
            "The CSRF token is missing or wrong; reload the page and try again "
            "(scripts send it in the X-CSRF-Token header, from GET /api/me).",
            code="csrf_failed",
        )


def _expired() -> NotAuthenticated:
    return NotAuthenticated(
        "Your session is missing or expired; sign in again (POST /api/session).",
        code="session_expired",
    )
