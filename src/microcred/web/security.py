"""Security headers on every response (a pure ASGI middleware).

* ``Content-Security-Policy``: scripts, styles, fonts and frames only from this origin; no
  inline scripts or styles, no plugins; images from this origin and ``data:`` URLs
  (baked badge previews); ``frame-ancestors 'none'`` (no clickjacking);
  ``form-action 'self'``. Pages keep all JavaScript in ``/static/*.js``.
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: DENY`` (for old browsers without ``frame-ancestors``),
  ``Permissions-Policy`` (camera only for this origin: the QR scanner on /verify).

The interactive API docs at ``/docs`` load Swagger UI from a CDN with an inline script, so
that one path gets no CSP (every other header still applies). A response that already sets
a header keeps its own value.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "SecurityHeaders"]

CONTENT_SECURITY_POLICY: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Paths served without a CSP (third-party API docs UI with inline script).
_NO_CSP_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect"})


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` and the CSP to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with_csp = scope.get("path") not in _NO_CSP_PATHS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if with_csp and "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)
