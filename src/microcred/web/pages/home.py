"""The home page: what microcred is, a catalogue search box, featured published
definitions, and where learners, providers and employers start."""

from __future__ import annotations

from typing import Final

from fastapi import Request
from fastapi.responses import HTMLResponse

from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.web.deps import DbSession
from microcred.web.pages.rendering import page_router, render

__all__ = ["FEATURED", "router"]

router = page_router()

#: How many published definitions the home page features (the newest).
FEATURED: Final = 6


@router.get("/", name="home")
def home(request: Request, db: DbSession) -> HTMLResponse:
    featured = search_catalogue(db, CatalogueQuery(sort="newest", limit=FEATURED))
    return render(request, "home/index.html", {"featured": featured.items, "total": featured.total})
