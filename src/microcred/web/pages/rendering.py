"""Rendering pages: the Jinja2 environment, ``render()``, ``page_router()`` and error pages.

Templates live in ``web/templates/<domain>/*.html`` and extend ``base.html``. Autoescaping
is on for every template (``.html``, ``.xml``, ``.svg`` and strings): never mark user text
``|safe``. Globals available in every template:

``csrf_field()``    the hidden CSRF input for a ``<form method="post">``
``csrf_token()``    the token itself (e.g. for ``data-csrf`` attributes read by static JS)
``current_user()``  the :class:`~microcred.web.pages.viewer.Viewer` (``.signed_in``,
                    ``.name``, ``.email``)
``nav``             the header navigation (:data:`NAV`); a page sets ``active_nav``
``url_for(name, **params)``  a route's URL (static files: ``url_for('static', path='x.css')``)
``site``            ``{"base_url": ..., "esco_url": ..., "esco_attribution": ...}``

Filters: ``date`` (``2025-01-31``), ``datetime`` (``2025-01-31 14:05 UTC``), ``price``
(cents to ``199.00``), ``json_pretty`` (indent a value as JSON text, still escaped),
``http_url`` (the value if it is an http(s) URL, else "": use it for every ``href``/``src``
built from stored or user data, so a ``javascript:`` URL never becomes a link).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from starlette.templating import Jinja2Templates

from microcred.accounts import sessions as browser_sessions
from microcred.accounts.errors import NotAuthenticated
from microcred.config import Settings
from microcred.web.api.accounts import cookie_secure
from microcred.web.deps import CSRF_FIELD, SESSION_COOKIE
from microcred.web.pages.csrf import CSRF_COOKIE, form_token
from microcred.web.pages.viewer import ANONYMOUS, Viewer, load_viewer, viewer_for
from microcred.web.problems import PAGE_TAG

__all__ = [
    "ESCO_ATTRIBUTION_TEXT",
    "ESCO_URL",
    "NAV",
    "PAGE_TAG",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "NavItem",
    "error_page",
    "get_templates",
    "page_router",
    "render",
    "templates",
]

WEB_DIR: Final = Path(__file__).resolve().parent.parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
STATIC_DIR: Final = WEB_DIR / "static"
ESCO_URL: Final = "https://esco.ec.europa.eu/"
ESCO_ATTRIBUTION_TEXT: Final = (
    "This service uses the ESCO classification of the European Commission."
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    href: str


#: The header navigation, in order. Pages set ``active_nav`` to one of the keys.
NAV: Final = (
    NavItem("catalogue", "Catalogue", "/catalogue"),
    NavItem("verify", "Verify", "/verify"),
    NavItem("wallet", "Wallet", "/wallet"),
    NavItem("dashboard", "Provider dashboard", "/dashboard"),
    NavItem("employers", "For employers", "/employers"),
)


def page_router(**kwargs: Any) -> APIRouter:
    """An APIRouter for pages: HTML responses, hidden from OpenAPI, viewer loaded first."""
    dependencies = [Depends(load_viewer), *kwargs.pop("dependencies", [])]
    return APIRouter(
        tags=[PAGE_TAG, *kwargs.pop("tags", [])],
        include_in_schema=False,
        default_response_class=HTMLResponse,
        dependencies=dependencies,
        **kwargs,
    )


def _request(context: Mapping[str, Any]) -> Request:
    request = context["request"]
    assert isinstance(request, Request)
    return request


@pass_context
def _csrf_token(context: Any) -> str:
    return form_token(_request(context))


@pass_context
def _csrf_field(context: Any) -> Markup:
    token = form_token(_request(context))
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)


@pass_context
def _current_user(context: Any) -> Viewer:
    viewer = getattr(_request(context).state, "viewer", None)
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS


def _date(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d")


def _datetime(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def _price(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def _http_url(value: object, *, images: bool = False) -> str:
    """``value`` if it is an http(s) URL (or, with ``images``, a ``data:image/`` URI for an
    ``<img src>``), else "": never a ``javascript:`` link."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if urlsplit(text).scheme.lower() in ("http", "https"):
        return text
    if images and text.lower().startswith("data:image/"):
        return text
    return ""


def _json_pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def templates(settings: Settings) -> Jinja2Templates:
    """The page templates for ``settings`` (autoescape on, microcred globals and filters)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "svg"),
            default_for_string=True,
            default=True,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        csrf_token=_csrf_token,
        csrf_field=_csrf_field,
        current_user=_current_user,
        nav=NAV,
        site={
            "base_url": settings.public_base_url,
            "esco_url": ESCO_URL,
            "esco_attribution": ESCO_ATTRIBUTION_TEXT,
        },
    )
    env.filters.update(
        date=_date,
        datetime=_datetime,
        price=_price,
        json_pretty=_json_pretty,
        http_url=_http_url,
    )
    return Jinja2Templates(env=env)


def get_templates(request: Request) -> Jinja2Templates:
    """The app's templates, built once per app."""
    state = request.app.state
    found = getattr(state, "page_templates", None)
    if not isinstance(found, Jinja2Templates):
        found = templates(state.settings)
        state.page_templates = found
    return found


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template ``name`` as an HTML response (sets the anonymous CSRF cookie when a
    form token was made for this response)."""
    values: dict[str, Any] = {"request": request}
    values.update(context or {})
    all_headers = {"Cache-Control": "private, no-cache"}
    all_headers.update(headers or {})
    response = get_templates(request).TemplateResponse(
        request, name, values, status_code=status_code, headers=all_headers
    )
    seed = getattr(request.state, "new_csrf_seed", None)
    if isinstance(seed, str):
        response.set_cookie(
            CSRF_COOKIE,
            seed,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(request.app.state.settings),
            path="/",
        )
    return response


_HEADINGS: Final = {
    400: "Something in the request is not right",
    401: "Please sign in",
    403: "You cannot do that",
    404: "We could not find that page",
    405: "That does not work here",
    409: "That clashes with the current state",
    413: "That is too large",
    415: "That kind of file is not supported",
    422: "Something in the request is not right",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "The service is not available right now",
}


def _viewer_for_error(request: Request) -> None:
    """Best effort: know who is signed in, for the header of an error page."""
    if isinstance(getattr(request.state, "viewer", None), Viewer):
        return
    request.state.viewer = ANONYMOUS
    cookie = request.cookies.get(SESSION_COOKIE)
    factory = getattr(request.app.state, "session_factory", None)
    if not cookie or factory is None:
        return
    try:
        with factory() as db:
            row, user = browser_sessions.authenticate_session(db, cookie)
            request.state.viewer = viewer_for(user, row)
    except (NotAuthenticated, SQLAlchemyError):
        return


def error_page(
    request: Request,
    status: int,
    code: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The HTML page for an error (same status code as the problem+json answer)."""
    _viewer_for_error(request)
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    next_path = request.url.path if request.method == "GET" else "/"
    return render(
        request,
        "errors/error.html",
        {
            "status": status,
            "title": title,
            "heading": _HEADINGS.get(status, title),
            "detail": detail,
            "code": code,
            "next_path": next_path,
        },
        status_code=status,
        headers={**dict(headers or {}), "Cache-Control": "no-store"},
    )
