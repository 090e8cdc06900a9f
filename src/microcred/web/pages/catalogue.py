"""Catalogue pages: ``GET /catalogue`` (search with filters, a plain GET form, paginated)
and ``GET /catalogue/{org}/{slug}`` (one definition with every standard element).

Filters are read leniently from the query string: a value that does not parse is reported
on the page (400) with the form kept, never a crash or a JSON error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from microcred.accounts import service as accounts
from microcred.catalogue import filters as catalogue_filters
from microcred.catalogue import service as catalogue
from microcred.catalogue.achievement import achievement_id
from microcred.catalogue.completeness import completeness
from microcred.catalogue.errors import SkillNotFound
from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.catalogue.skills import ESCO_FRAMEWORK_SLUG
from microcred.catalogue.types import DELIVERY_MODES, PACES
from microcred.errors import InvalidInput
from microcred.quality.endorsements import endorsements_of_definition
from microcred.web.deps import AppSettings, DbSession
from microcred.web.pages.dashboard_pathways import awarding_pathways
from microcred.web.pages.rendering import page_router, render

__all__ = ["PAGE_SIZE", "CatalogueForm", "parse_form", "router"]

router = page_router()

PAGE_SIZE: Final = 10
_MAX_PAGE: Final = 10_000
_TEXT_FIELDS: Final = ("q", "skill", "provider", "language", "mode", "pace", "sort")
_NUMBER_FIELDS: Final = (
    "eqf",
    "min_hours",
    "max_hours",
    "max_ects",
    "max_price",
    "max_days",
    "min_completeness",
)


@dataclass
class CatalogueForm:
    """The filter form as the user typed it (strings), plus the parsed query."""

    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    query: CatalogueQuery = field(default_factory=CatalogueQuery)
    page: int = 1

    def link(self, page: int) -> str:
        """The URL of another page of the same search."""
        params = {k: v for k, v in self.values.items() if v}
        if page > 1:
            params["page"] = str(page)
        return "/catalogue" + ("?" + urlencode(params) if params else "")


def _number(raw: str, label: str, errors: list[str], *, integer: bool = False) -> Any:
    if not raw:
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        errors.append(f"{label}: enter a number (you entered “{raw[:40]}”).")
        return None
    if not math.isfinite(value) or value < 0:
        errors.append(f"{label}: enter a number of 0 or more.")
        return None
    return value


def parse_form(params: Any) -> CatalogueForm:
    """The catalogue query for the query-string ``params`` (a Mapping of str to str)."""
    values = {name: str(params.get(name, "") or "").strip()[:200] for name in _TEXT_FIELDS}
    values.update({name: str(params.get(name, "") or "").strip()[:40] for name in _NUMBER_FIELDS})
    errors: list[str] = []
    eqf = _number(values["eqf"], "EQF level", errors, integer=True)
    if eqf is not None and not 1 <= eqf <= 8:
        errors.append("EQF level: choose a level from 1 to 8.")
        eqf = None
    min_completeness = _number(
        values["min_completeness"], "Minimum completeness", errors, integer=True
    )
    if min_completeness is not None and min_completeness > 100:
        errors.append("Minimum completeness: choose a percentage from 0 to 100.")
        min_completeness = None
    mode = values["mode"] or None
    if mode is not None and mode not in DELIVERY_MODES:
        errors.append(f"Mode: choose one of {', '.join(DELIVERY_MODES)}.")
        mode = None
    pace = values["pace"] or None
    if pace is not None and pace not in PACES:
        errors.append(f"Pace: choose one of {', '.join(PACES)}.")
        pace = None
    sort = values["sort"] or "title"
    if sort not in ("title", "newest"):
        errors.append("Sort: choose by title or newest first.")
        sort = "title"
    page = 1
    raw_page = str(params.get("page", "") or "").strip()
    if raw_page:
        page_number = _number(raw_page[:12], "Page", errors, integer=True)
        page = min(max(1, page_number or 1), _MAX_PAGE)
    query = CatalogueQuery(
        q=values["q"] or None,
        skill=values["skill"] or None,
        provider=values["provider"] or None,
        eqf_level=eqf,
        min_hours=_number(values["min_hours"], "Minimum workload", errors),
        max_hours=_number(values["max_hours"], "Maximum workload", errors),
        max_ects=_number(values["max_ects"], "Maximum ECTS credits", errors),
        max_price=_number(values["max_price"], "Maximum cost", errors),
        max_duration_days=_number(values["max_days"], "Maximum duration", errors, integer=True),
        delivery_mode=mode,
        pace=pace,
        language=values["language"] or None,
        min_completeness=min_completeness,
        sort=sort,  # type: ignore[arg-type]
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return CatalogueForm(values=values, errors=errors, query=query, page=page)


@router.get("/catalogue", name="catalogue")
def catalogue_page(request: Request, db: DbSession) -> HTMLResponse:
    form = parse_form(request.query_params)
    results = None
    status = 200
    if not form.errors:
        try:
            results = search_catalogue(db, form.query)
        except SkillNotFound:
            form.errors.append("Skill: no skill matches that value; pick one from the list.")
        except InvalidInput as exc:  # a filter value out of range
            form.errors.append(exc.message)
    if form.errors:
        status = 400
    pages = 0
    if results is not None:
        pages = max(1, math.ceil(results.total / PAGE_SIZE))
    return render(
        request,
        "catalogue/search.html",
        {
            "active_nav": "catalogue",
            "form": form,
            "results": results,
            "pages": pages,
            "skills": catalogue_filters.published_skills(db),
            "providers": catalogue_filters.providers_with_published(db),
            "languages": catalogue_filters.published_languages(db),
            "modes": DELIVERY_MODES,
            "paces": PACES,
        },
        status_code=status,
    )


@router.get("/catalogue/{org}/{slug}", name="catalogue_definition")
def definition_page(
    request: Request, org: str, slug: str, db: DbSession, settings: AppSettings
) -> HTMLResponse:
    organisation = accounts.get_organisation(db, org[:64])
    version = catalogue.published_version(db, organisation, slug[:64])
    skills = version.skills
    base = settings.public_base_url
    return render(
        request,
        "catalogue/definition.html",
        {
            "active_nav": "catalogue",
            "version": version,
            "organisation": organisation,
            "skills": skills,
            "esco": any(skill.framework.slug == ESCO_FRAMEWORK_SLUG for skill in skills),
            "completeness": completeness(version),
            "achievement_url": achievement_id(base, organisation.slug, slug, version.version),
            "did_document_url": (
                f"/orgs/{organisation.slug}/did.json" if organisation.did_method == "web" else None
            ),
            "profile_url": f"/orgs/{organisation.slug}/profile",
            "endorsements": endorsements_of_definition(db, organisation, slug[:64]),
            "stack_pathways": awarding_pathways(db, version.definition),
        },
    )
