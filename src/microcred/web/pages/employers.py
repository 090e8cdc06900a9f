"""Employer pages: ``GET /employers`` (what employers can do here),
``GET /employers/verify?link=...`` (every credential of a candidate's shared link checked at
once, one summary, details per credential) and ``GET /employers/search`` (find learners who
opted in to be found, by verified skills, EQF level, recency and issuer standing; signed-in
users only).

The skill picker works without JavaScript (type words, press "Find skills", tick the skills
to search for); ``static/employers.js`` adds suggestions from ``/api/skills?q=`` as you type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from microcred.catalogue.models import Skill
from microcred.catalogue.skills import search_skills
from microcred.errors import MicrocredError
from microcred.talent.checking import REASONS
from microcred.talent.service import MAX_MONTHS, search_talent
from microcred.talent.types import MAX_SKILLS, TalentPage, TalentQuery
from microcred.web.api.talent import check_link
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn
from microcred.web.problems import status_for
from microcred.web.ratelimit import rate_limited

__all__ = ["PAGE_SIZE", "SearchForm", "parse_search", "router"]

router = page_router()

PAGE_SIZE: Final = 10
_MAX_LINK: Final = 2000
_MAX_PAGE: Final = 1000
RECENCY_CHOICES: Final = (6, 12, 24, 36, 60)


@router.get("/employers", name="employers")
def employers_home(request: Request) -> HTMLResponse:
    return render(request, "employers/index.html", {"active_nav": "employers"})


@router.get("/employers/verify", name="employers_verify")
def verify_link_page(
    request: Request, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    link = request.query_params.get("link", "").strip()
    context: dict[str, Any] = {
        "active_nav": "employers",
        "link": link[:_MAX_LINK],
        "check": None,
        "error": None,
        "reasons": REASONS,
    }
    if not link:
        return render(request, "employers/verify.html", context)
    if len(link) > _MAX_LINK:
        context["error"] = f"That link is too long (over {_MAX_LINK} characters)."
        return render(request, "employers/verify.html", context, status_code=400)
    rate_limited("verify")(request)
    try:
        context["check"] = check_link(link, db, settings, master_key)
    except MicrocredError as exc:
        context["error"] = exc.message
        return render(request, "employers/verify.html", context, status_code=status_for(exc))
    return render(request, "employers/verify.html", context)


@dataclass
class SearchForm:
    """The search form as typed (strings) and the parsed query."""

    skills: list[str] = field(default_factory=list)
    skill_q: str = ""
    eqf: str = ""
    months: str = ""
    standing: str = "any"
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def query(self) -> TalentQuery:
        return TalentQuery(
            skills=tuple(self.skills),
            min_eqf_level=int(self.eqf) if self.eqf else None,
            issued_within_months=int(self.months) if self.months else None,
            standing="registered" if self.standing == "registered" else "any",
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    def link(self, page: int) -> str:
        params: list[tuple[str, str]] = [("skill", uri) for uri in self.skills]
        for name in ("eqf", "months"):
            if getattr(self, name):
                params.append((name, getattr(self, name)))
        if self.standing != "any":
            params.append(("standing", self.standing))
        if page > 1:
            params.append(("page", str(page)))
        return "/employers/search?" + urlencode(params)


def _int(raw: str, low: int, high: int) -> int | None:
    if not raw.isdigit() or len(raw) > 6:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_search(params: Any) -> SearchForm:
    """The search form for the query-string ``params`` (a starlette QueryParams)."""
    form = SearchForm()
    seen: list[str] = []
    for raw in params.getlist("skill"):
        uri = str(raw).strip()[:500].replace("\x00", "")
        if uri and uri not in seen:
            seen.append(uri)
    if len(seen) > MAX_SKILLS:
        form.errors.append(f"Skills: choose at most {MAX_SKILLS}.")
        seen = seen[:MAX_SKILLS]
    form.skills = seen
    form.skill_q = str(params.get("skill_q", "") or "").strip()[:200].replace("\x00", "")
    eqf = str(params.get("eqf", "") or "").strip()[:10]
    if eqf and _int(eqf, 1, 8) is None:
        form.errors.append("EQF level: choose a level from 1 to 8.")
        eqf = ""
    form.eqf = eqf
    months = str(params.get("months", "") or "").strip()[:10]
    if months and _int(months, 1, MAX_MONTHS) is None:
        form.errors.append(f"Issued within: enter a number of months from 1 to {MAX_MONTHS}.")
        months = ""
    form.months = months
    standing = str(params.get("standing", "") or "any").strip()
    if standing not in ("any", "registered"):
        form.errors.append("Issuer: choose any issuer or issuers registered here.")
        standing = "any"
    form.standing = standing
    page = str(params.get("page", "") or "").strip()[:10]
    form.page = _int(page, 1, _MAX_PAGE) or 1 if page else 1
    return form


@router.get("/employers/search", name="employers_search")
def search_page(request: Request, user: SignedIn, db: DbSession) -> HTMLResponse:
    form = parse_search(request.query_params)
    chosen = {
        skill.uri: skill for skill in db.scalars(select(Skill).where(Skill.uri.in_(form.skills)))
    }
    unknown = [uri for uri in form.skills if uri not in chosen]
    if unknown:
        form.errors.append("Skills: we do not know " + ", ".join(unknown[:3]) + ".")
        form.skills = [uri for uri in form.skills if uri in chosen]
    suggestions: list[Skill] = []
    finding = form.skill_q and request.query_params.get("action") == "find"
    if finding:
        suggestions = [s for s in search_skills(db, form.skill_q, limit=15) if s.uri not in chosen]
    results: TalentPage | None = None
    status = 400 if form.errors else 200
    if form.skills and not finding:
        form.skill_q = ""
        results = search_talent(db, form.query())
    pages = math.ceil(results.total / PAGE_SIZE) if results is not None else 0
    return render(
        request,
        "employers/search.html",
        {
            "active_nav": "employers",
            "form": form,
            "chosen": [chosen[uri] for uri in form.skills],
            "suggestions": suggestions,
            "results": results,
            "pages": pages,
            "recency_choices": RECENCY_CHOICES,
            "max_skills": MAX_SKILLS,
        },
        status_code=status,
    )
