"""Errors as ``application/problem+json`` (RFC 9457), mapped once for the whole app.

Every response body has ``type`` (a URI naming the error code), ``title``, ``status``,
``detail`` (the actionable message), ``code`` (stable, safe to match on) and ``instance``
(the request path). Status codes::

    InvalidInput 400 (request validation 422)   NotAuthenticated 401   PermissionDenied 403
    NotFound 404   Conflict 409   RequestTooLarge 413   RateLimited 429   Unavailable 503

An error class may set ``http_status`` to choose another code (e.g. 422 for a
well-formed request that breaks a rule).

Pages get HTML instead, with the same status (:func:`wants_html`): routes tagged
:data:`PAGE_TAG` always, and other paths when the client accepts ``text/html``, except the
JSON surfaces (``/api``, the VC API and hosted documents under ``/credentials``,
``/presentations``, ``/status``, ``/orgs``, ``/definitions``), which stay problem+json.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.types import Scope

from microcred.accounts.errors import NotAuthenticated
from microcred.errors import (
    Conflict,
    InvalidInput,
    MicrocredError,
    NotFound,
    PermissionDenied,
    Unavailable,
)

__all__ = [
    "PAGE_TAG",
    "PROBLEM_BASE",
    "PROBLEM_MEDIA_TYPE",
    "RateLimited",
    "RequestTooLarge",
    "error_response",
    "install_problem_handlers",
    "problem_response",
    "status_for",
    "wants_html",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
#: ``type`` URIs are ``PROBLEM_BASE + code``.
PROBLEM_BASE = "https://w3id.org/microcred/problems/"

_log = logging.getLogger("microcred.web")

#: Routes with this tag are HTML pages (``microcred.web.pages.rendering.page_router``).
PAGE_TAG = "pages"
#: Paths that always answer problem+json, whatever the client accepts.
_JSON_PREFIXES = (
    "/api/",
    "/credentials/",
    "/presentations/",
    "/status/",
    "/orgs/",
    "/definitions/",
    "/docs",
    "/openapi.json",
    "/healthz",
)


def wants_html(scope: Scope) -> bool:
    """Whether an error for this request is an HTML page rather than problem+json."""
    route = scope.get("route")
    if route is not None and PAGE_TAG in (getattr(route, "tags", None) or ()):
        return True
    path = str(scope.get("path", ""))
    if path == "/api" or path.startswith(_JSON_PREFIXES):
        return False
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            return b"text/html" in value.lower()
    return False


def _answer(
    request: StarletteRequest,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    if wants_html(request.scope):
        from microcred.web.pages.rendering import error_page  # noqa: PLC0415 (import cycle)

        return error_page(request, status, code, detail, headers=headers)
    return problem_response(
        status, code, detail, instance=request.url.path, headers=headers, extra=extra
    )


def error_response(
    scope: Scope, status: int, code: str, detail: str, *, headers: Mapping[str, str] | None = None
) -> Response:
    """An error answer for a raw ASGI request (middleware): HTML page or problem+json."""
    return _answer(StarletteRequest(scope), status, code, detail, headers=headers)


class RequestTooLarge(InvalidInput):
    """The request body is larger than ``MICROCRED_MAX_REQUEST_BYTES``."""

    code = "request_too_large"
    http_status = 413


class RateLimited(InvalidInput):
    """Too many requests from one client; retry after ``retry_after`` seconds."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# Most specific first.
_STATUS: Sequence[tuple[type[MicrocredError], int]] = (
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Unavailable, 503),
    (InvalidInput, 400),
)


def status_for(error: MicrocredError) -> int:
    explicit = getattr(error, "http_status", None)
    if isinstance(explicit, int):
        return explicit
    for cls, status in _STATUS:
        if isinstance(error, cls):
            return status
    return 400


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else code,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance is not None:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {})
    )


def _microcred_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MicrocredError)
    status = status_for(exc)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="microcred"'
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return _answer(request, status, exc.code, exc.message, headers=headers)


def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    summary = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
    return _answer(
        request,
        422,
        "validation_failed",
        f"The request is not valid: {summary}. Fix these fields and retry (see /docs).",
        extra={"errors": errors},
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
}


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Nothing at {request.url.path}; see /docs for the API."
        if wants_html(request.scope):
            detail = (
                "There is no page at this address. Check the link, or start from the home page."
            )
    return _answer(request, exc.status_code, code, detail, headers=exc.headers)


def _unexpected(request: Request, exc: Exception) -> Response:
    _log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(
        request,
        500,
        "internal_error",
        "An unexpected error occurred; it has been logged. Try again later.",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(MicrocredError, _microcred_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
