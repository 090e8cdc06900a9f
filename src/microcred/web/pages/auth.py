"""Sign up, sign in and sign out in the browser (HTML forms with CSRF tokens).

Sessions are :mod:`microcred.accounts.sessions` browser sessions, in the same cookie the
JSON API uses (``microcred_session``: HttpOnly, SameSite=Lax, Secure except on plain-http
loopback). ``?next=/path`` sends the browser back after signing in (local paths only).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from microcred.accounts import service as accounts
from microcred.accounts import sessions as browser_sessions
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import User
from microcred.config import Settings
from microcred.errors import Conflict, InvalidInput
from microcred.storage import utcnow
from microcred.web.api.accounts import cookie_secure
from microcred.web.deps import SESSION_COOKIE, AppSettings, DbSession
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import PageViewer
from microcred.web.ratelimit import rate_limited

__all__ = ["router", "safe_next"]

router = page_router()
_limited = [Depends(rate_limited("auth"))]
_MAX_NEXT: Final = 500


def safe_next(value: object, default: str = "/") -> str:
    """``value`` if it is a path on this site (``/x``, not ``//host`` or ``/\\host``)."""
    if not isinstance(value, str) or not value or len(value) > _MAX_NEXT:
        return default
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\\\r\n\t\x00"):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def _text(form: CheckedForm, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _signed_in(db: DbSession, user: User, settings: Settings, next_path: str) -> Response:
    row, cookie = browser_sessions.start_session(db, user)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int((row.expires_at - utcnow()).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings),
        path="/",
    )
    return response


@router.get("/signin", name="signin")
def signin_form(request: Request, viewer: PageViewer) -> HTMLResponse:
    next_path = safe_next(request.query_params.get("next"))
    return render(
        request,
        "auth/signin.html",
        {"active_nav": "signin", "next": next_path, "email": "", "error": None},
    )


@router.post("/signin", dependencies=_limited)
def signin(request: Request, form: CheckedForm, db: DbSession, settings: AppSettings) -> Response:
    email = _text(form, "email", 320).strip()
    password = _text(form, "password", 1024)
    next_path = safe_next(form.get("next"))
    try:
        user = accounts.authenticate_user(db, email=email, password=password)
    except NotAuthenticated:
        return render(
            request,
            "auth/signin.html",
            {
                "active_nav": "signin",
                "next": next_path,
                "email": email,
                "error": "The e-mail address or the password is wrong. Check both and try "
                "again, or create an account.",
            },
            status_code=401,
        )
    return _signed_in(db, user, settings, next_path)


@router.get("/signup", name="signup")
def signup_form(request: Request, viewer: PageViewer) -> HTMLResponse:
    return render(
        request,
        "auth/signup.html",
        {
            "next": safe_next(request.query_params.get("next")),
            "email": "",
            "display_name": "",
            "error": None,
        },
    )


@router.post("/signup", dependencies=_limited)
def signup(request: Request, form: CheckedForm, db: DbSession, settings: AppSettings) -> Response:
    email = _text(form, "email", 320).strip()
    display_name = _text(form, "display_name", 200).strip()
    password = _text(form, "password", 1024)
    confirm = _text(form, "password_confirm", 1024)
    next_path = safe_next(form.get("next"))
    error: str | None = None
    user: User | None = None
    if password != confirm:
        error = "The two passwords are different; type the same password twice."
    else:
        try:
            user = accounts.create_user(
                db, email=email, password=password, display_name=display_name
            )
        except (InvalidInput, Conflict) as exc:
            error = exc.message
    if user is None:
        return render(
            request,
            "auth/signup.html",
            {"next": next_path, "email": email, "display_name": display_name, "error": error},
            status_code=400,
        )
    return _signed_in(db, user, settings, next_path)


@router.get("/signout", name="signout")
def signout_form(request: Request, viewer: PageViewer) -> HTMLResponse:
    return render(request, "auth/signout.html", {})


@router.post("/signout")
def signout(
    request: Request, form: CheckedForm, db: DbSession, viewer: PageViewer, settings: AppSettings
) -> Response:
    if viewer.session is not None:
        browser_sessions.end_session(db, viewer.session)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(settings)
    )
    return response
