"""Server-rendered HTML pages (Jinja2), one module per domain, registered by
:func:`page_routers` (``web/app.py`` includes them after the API routers).

Adding a page (e.g. ``pages/wallet.py``)::

    from microcred.web.pages.rendering import page_router, render
    from microcred.web.pages.viewer import SignedIn          # or PageViewer
    from microcred.web.pages.csrf import CheckedForm         # POST forms

    router = page_router()

    @router.get("/wallet", name="wallet")
    def wallet(request: Request, user: SignedIn, db: DbSession) -> HTMLResponse:
        return render(request, "wallet/index.html", {"active_nav": "wallet", ...})

    @router.post("/wallet/share")
    def share(request: Request, form: CheckedForm, user: SignedIn, db: DbSession) -> Response:
        ...  # form is the parsed form, CSRF already checked

then add ``wallet.router`` to :func:`page_routers`. Templates extend ``base.html`` and fill
``{% block main %}`` (also ``title``, ``description``, ``head``, ``scripts``); every POST
form contains ``{{ csrf_field() }}``. JavaScript goes in ``web/static/*.js`` (the CSP
forbids inline scripts and inline ``style`` attributes). Errors raised by a page route
(any :class:`~microcred.errors.MicrocredError`) render ``errors/error.html`` with the
right status (see :mod:`microcred.web.problems`).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.staticfiles import StaticFiles

from microcred.web.pages import assessment as assessment_pages
from microcred.web.pages import (
    auth,
    catalogue,
    dashboard,
    dashboard_bulk,
    dashboard_definitions,
    dashboard_pathways,
    dashboard_settings,
    employers,
    home,
    verify,
)
from microcred.web.pages import pathways as pathway_pages
from microcred.web.pages import quality as quality_pages
from microcred.web.pages import share as share_pages
from microcred.web.pages import wallet as wallet_pages
from microcred.web.pages.csrf import CheckedForm, checked_form, form_token
from microcred.web.pages.rendering import (
    NAV,
    STATIC_DIR,
    TEMPLATES_DIR,
    error_page,
    get_templates,
    page_router,
    render,
    templates,
)
from microcred.web.pages.viewer import PageViewer, SignedIn, Viewer

__all__ = [
    "NAV",
    "STATIC_DIR",
    "STATIC_PATH",
    "TEMPLATES_DIR",
    "CheckedForm",
    "PageViewer",
    "SignedIn",
    "Viewer",
    "checked_form",
    "error_page",
    "form_token",
    "get_templates",
    "page_router",
    "page_routers",
    "render",
    "static_files",
    "templates",
]

#: Where the static files are served.
STATIC_PATH = "/static"


def page_routers() -> list[APIRouter]:
    """Every page router, in registration order (append yours here)."""
    return [
        home.router,
        catalogue.router,
        verify.router,
        auth.router,
        wallet_pages.router,
        pathway_pages.router,
        share_pages.router,
        dashboard.router,
        dashboard_definitions.router,
        dashboard_bulk.router,
        dashboard_settings.router,
        dashboard_pathways.router,
        employers.router,
        assessment_pages.router,
        quality_pages.router,
    ]


def static_files() -> StaticFiles:
    """The app's static files (CSS, JS, images), mounted at :data:`STATIC_PATH`."""
    return StaticFiles(directory=STATIC_DIR)
