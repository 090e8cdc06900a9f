"""FastAPI dependencies, used through short aliases so routes stay small::

    @router.post("/api/orgs/{slug}/keys/rotate")
    def rotate(slug: str, db: DbSession, principal: Principal, master_key: MasterKey): ...

* ``DbSession``: a Session per request, committed when the route returns, rolled back
  when it raises. It carries the app's caches of what verification reads
  (:func:`document_cache_of`, :func:`trust_cache_of`; ``MICROCRED_VERIFY_CACHE_SECONDS``),
  so that every verification a page or route makes reads through them.
* ``AppSettings``: the app's :class:`~microcred.config.Settings`.
* ``MasterKey``: the master key bytes (organisation signing keys are encrypted with a key
  derived from it, see :mod:`microcred.accounts.keys`).
* ``Principal``: the authenticated caller (API token ``Authorization: Bearer mc_...`` or
  browser session cookie), else 401. ``OptionalPrincipal``: the same or None.
  Cookie-authenticated unsafe requests (POST, PUT, PATCH, DELETE) must carry the
  session's CSRF token (``X-CSRF-Token`` header or ``csrf_token`` form field), else 403.
* ``CurrentUser``: a signed-in user (tokens are refused).
* ``require_scopes("issue")``: a token principal with all these scopes (for the VC API,
  where the organisation is the token's).

Authorisation inside an organisation always goes through
:func:`microcred.accounts.service.authorize`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from microcred.accounts import service as accounts_service
from microcred.accounts import sessions as browser_sessions
from microcred.accounts import tokens as api_tokens
from microcred.accounts import types as account_types
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import BrowserSession, User
from microcred.config import Settings
from microcred.errors import PermissionDenied
from microcred.issuing.documents import LocalDocumentCache
from microcred.quality.trust import TrustCache

__all__ = [
    "SESSION_COOKIE",
    "AppSettings",
    "BrowserSessionRow",
    "CurrentUser",
    "DbSession",
    "MasterKey",
    "OptionalPrincipal",
    "Principal",
    "document_cache_of",
    "master_key_bytes",
    "require_scopes",
    "trust_cache_of",
]

SESSION_COOKIE = "microcred_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(_settings)]


def master_key_bytes(settings: Settings) -> bytes:
    return settings.master_key.get_secret_value().encode("utf-8")


def _master_key(settings: AppSettings) -> bytes:
    return master_key_bytes(settings)


MasterKey = Annotated[bytes, Depends(_master_key)]


#: ``Session.info`` keys of the app's caches a request's ``DbSession`` carries.
DOCUMENT_CACHE, TRUST_CACHE = "microcred_document_cache", "microcred_trust_cache"


def document_cache_of(session: Session) -> LocalDocumentCache | None:
    """The app's :class:`LocalDocumentCache` carried by a request's ``DbSession``."""
    cache = session.info.get(DOCUMENT_CACHE)
    return cache if isinstance(cache, LocalDocumentCache) else None


def trust_cache_of(session: Session) -> TrustCache | None:
    """The app's :class:`TrustCache` carried by a request's ``DbSession``."""
    cache = session.info.get(TRUST_CACHE)
    return cache if isinstance(cache, TrustCache) else None


def _db(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session, session.begin():
        # Every verification made with this session reads through the app's caches.
        session.info[DOCUMENT_CACHE] = getattr(request.app.state, "document_cache", None)
        session.info[TRUST_CACHE] = getattr(request.app.state, "trust_cache", None)
        yield session


DbSession = Annotated[Session, Depends(_db, scope="function")]


async def _csrf_presented(request: Request) -> str | None:
    """The CSRF token a request carries: header first, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if request.method not in _SAFE_METHODS and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def _resolve(
    request: Request, db: Session, csrf: str | None, *, required: bool
) -> account_types.Principal | None:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticated(
                "Send the API token as 'Authorization: Bearer mc_...'.",
                code="invalid_authorization",
            )
        token = api_tokens.authenticate_token(db, value.strip())
        return accounts_service.principal_for_token(db, token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            row, user = browser_sessions.authenticate_session(db, cookie)
        except NotAuthenticated:
            if required:
                raise
            return None
        if request.method not in _SAFE_METHODS:
            browser_sessions.check_csrf(row, csrf)
        request.state.browser_session = row
        return accounts_service.principal_for_user(user)
    if required:
        raise NotAuthenticated(
            "Sign in (POST /api/session) or send an API token (Authorization: Bearer mc_...).",
            code="not_authenticated",
        )
    return None


def _optional_principal(
    request: Request, db: DbSession, csrf: Annotated[str | None, Depends(_csrf_presented)]
) -> account_types.Principal | None:
    return _resolve(request, db, csrf, required=False)


def _principal(
    request: Request, db: DbSession, csrf: Annotated[str | None, Depends(_csrf_presented)]
) -> account_types.Principal:
    principal = _resolve(request, db, csrf, required=True)
    assert principal is not None
    return principal


Principal = Annotated[account_types.Principal, Depends(_principal)]
OptionalPrincipal = Annotated[account_types.Principal | None, Depends(_optional_principal)]


def _current_user(principal: Principal) -> User:
    if principal.user is None:
        raise PermissionDenied(
            "This needs a signed-in user, not an API token; sign in with POST /api/session.",
            code="user_required",
        )
    return principal.user


CurrentUser = Annotated[User, Depends(_current_user)]


def _browser_session(request: Request, principal: Principal) -> BrowserSession:
    row = getattr(request.state, "browser_session", None)
    if principal.user is None or not isinstance(row, BrowserSession):
        raise NotAuthenticated("You are not signed in with a browser session.", code="no_session")
    return row


BrowserSessionRow = Annotated[BrowserSession, Depends(_browser_session)]


def require_scopes(*scopes: str) -> Callable[..., account_types.Principal]:
    """A dependency: an API token principal holding every one of ``scopes``."""
    needed = frozenset(api_tokens.parse_scopes(scopes))

    def check(principal: Principal) -> account_types.Principal:
        if principal.token is None:
            raise PermissionDenied(
                "This endpoint takes an API token (Authorization: Bearer mc_...); create one "
                "with `microcred token create --org SLUG --scopes "
                + ",".join(sorted(needed))
                + "`.",
                code="token_required",
            )
        missing = needed - principal.scopes
        if missing:
            raise PermissionDenied(
                f"This token lacks the scope(s) {', '.join(sorted(missing))}.",
                code="missing_scope",
            )
        return principal

    return check
