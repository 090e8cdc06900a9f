"""CSRF protection for HTML forms (OWASP CSRF cheat sheet).

* Signed-in browsers: the session's synchronizer token (``BrowserSession.csrf_token``, the
  same token the JSON API takes in ``X-CSRF-Token``).
* Anonymous browsers (sign-in, sign-up, verify forms): "signed double submit": a random
  value in the ``microcred_csrf`` cookie (HttpOnly, SameSite=Lax) and, in the form, an
  HMAC-SHA256 of it under ``MICROCRED_SECRET_KEY``. A cross-site page can neither read the
  cookie nor forge the HMAC. The cookie is set by :func:`microcred.web.pages.rendering.render`
  the first time a form is rendered.

Templates put ``{{ csrf_field() }}`` inside every ``<form method="post">``; routes read the
form through the ``CheckedForm`` dependency (:func:`checked_form`), which refuses a missing
or wrong token with ``PermissionDenied(code="csrf_failed")`` (an HTML 403 page).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated, Final

from fastapi import Depends, Request
from starlette.datastructures import FormData

from microcred.config import Settings
from microcred.errors import PermissionDenied
from microcred.web.deps import CSRF_FIELD
from microcred.web.pages.viewer import PageViewer

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "MAX_FORM_FIELDS",
    "MAX_UPLOAD_BYTES",
    "CheckedForm",
    "checked_form",
    "form_token",
]

CSRF_COOKIE: Final = "microcred_csrf"
#: Fields a page form may have (multipart and urlencoded).
MAX_FORM_FIELDS: Final = 100
#: Largest non-file part of a multipart form (a pasted text area).
MAX_UPLOAD_BYTES: Final = 4 * 1024 * 1024


def _sign(settings: Settings, seed: str) -> str:
    key = settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, b"microcred-form:" + seed.encode("utf-8"), hashlib.sha256).hexdigest()


def _seed(request: Request) -> str | None:
    value = request.cookies.get(CSRF_COOKIE)
    if value and 20 <= len(value) <= 100:
        return value
    return None


def form_token(request: Request) -> str:
    """The CSRF token to put in a form rendered for this request."""
    viewer = getattr(request.state, "viewer", None)
    token = getattr(viewer, "csrf_token", None)
    if isinstance(token, str) and token:
        return token
    seed = _seed(request) or getattr(request.state, "new_csrf_seed", None)
    if seed is None:
        seed = secrets.token_urlsafe(32)
        request.state.new_csrf_seed = seed
    settings: Settings = request.app.state.settings
    return _sign(settings, seed)


def _failed() -> PermissionDenied:
    return PermissionDenied(
        "This form has expired or was sent from another site. Go back, reload the page and "
        "submit the form again.",
        code="csrf_failed",
    )


def check_token(request: Request, presented: object) -> None:
    """PermissionDenied(``csrf_failed``) unless ``presented`` is this browser's token."""
    if not isinstance(presented, str) or not presented or len(presented) > 200:
        raise _failed()
    viewer = getattr(request.state, "viewer", None)
    expected = getattr(viewer, "csrf_token", None)
    if not (isinstance(expected, str) and expected):
        seed = _seed(request)
        if seed is None:
            raise _failed()
        expected = _sign(request.app.state.settings, seed)
    if not hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8")):
        raise _failed()


async def checked_form(request: Request, viewer: PageViewer) -> FormData:
    """The request's form (urlencoded or multipart, with limits), after the CSRF check.

    A signed-in browser is checked against its session token, others against the
    signed double-submit cookie.
    """
    del viewer  # loaded first: form_token/check_token read it from request.state
    form = await request.form(
        max_files=5, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_UPLOAD_BYTES
    )
    check_token(request, form.get(CSRF_FIELD))
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
