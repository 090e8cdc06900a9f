"""The definition editor of the provider dashboard: list, create, edit (save draft),
publish and retire credential definitions, with a skill picker and the completeness meter
against the EU standard elements (:mod:`microcred.catalogue.completeness`).

All rules live in :mod:`microcred.catalogue.service` (``create_definition``,
``update_definition``: editing a published definition starts a new draft version,
``publish``, ``retire``) and :func:`microcred.catalogue.types.parse_fields` (every field's
check); this module only turns the HTML form into the same JSON-like values the API takes.

Skill picker: without JavaScript the "Search skills" button posts the form back (nothing is
saved) and the page lists matching skills as checkboxes next to the chosen ones;
``static/dashboard.js`` searches ``/api/skills?q=`` as you type instead.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.catalogue import service as catalogue
from microcred.catalogue.completeness import ELEMENTS, Completeness, completeness
from microcred.catalogue.errors import DefinitionIncomplete, DefinitionInvalid
from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.catalogue.skills import search_skills
from microcred.catalogue.types import (
    ACHIEVEMENT_TYPES,
    DELIVERY_MODES,
    PACES,
    PARTICIPATION_FORMS,
    STACKABILITY,
    SUPERVISION,
    format_price,
)
from microcred.errors import Conflict, InvalidInput, NotFound
from microcred.web.deps import DbSession
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.dashboard import OrgPage, form_text, org_page, redirect
from microcred.web.pages.dashboard import _context as dashboard_context
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["form_values", "router"]

router = page_router()

_TEXT: Final = (
    "title",
    "description",
    "criteria_narrative",
    "criteria_url",
    "duration",
    "price",
    "currency",
    "language",
    "assessment_type",
    "quality_assurance",
    "prerequisites",
    "image_url",
    "field_of_study",
)
_CHOICES: Final = (
    "delivery_mode",
    "pace",
    "participation_form",
    "supervision",
    "stackability",
    "achievement_type",
)
_NUMBERS: Final = ("workload_hours", "ects")
_MAX_SKILLS: Final = 100
_CHOICE_LISTS: Final = {
    "delivery_mode": DELIVERY_MODES,
    "pace": PACES,
    "participation_form": PARTICIPATION_FORMS,
    "supervision": SUPERVISION,
    "stackability": STACKABILITY,
    "achievement_type": tuple(sorted(ACHIEVEMENT_TYPES)),
    "eqf_level": tuple(str(n) for n in range(1, 9)),
}


def _number(text: str) -> Any:
    """A number for parse_fields, or the text itself (which it then refuses with the field's
    own message)."""
    if not text:
        return None
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text


def form_values(form: CheckedForm) -> tuple[dict[str, Any], dict[str, str]]:
    """``(data, raw)``: the definition members for :func:`parse_fields` from the form, and
    the raw form text to show again in the editor."""
    raw: dict[str, str] = {}
    data: dict[str, Any] = {}
    for name in (*_TEXT, *_CHOICES):
        raw[name] = form_text(form, name, 20_000)
        data[name] = raw[name] or None
    for name in _NUMBERS:
        raw[name] = form_text(form, name, 40)
        data[name] = _number(raw[name])
    raw["eqf_level"] = form_text(form, "eqf_level", 10)
    data["eqf_level"] = _number(raw["eqf_level"])
    raw["identity_verification"] = form_text(form, "identity_verification", 5)
    data["identity_verification"] = {"yes": True, "no": False}.get(
        raw["identity_verification"], None if not raw["identity_verification"] else "?"
    )
    raw["learning_outcomes"] = form_text(form, "learning_outcomes", 60_000)
    data["learning_outcomes"] = [
        line.strip() for line in raw["learning_outcomes"].splitlines() if line.strip()
    ]
    raw["tags"] = form_text(form, "tags", 3000)
    data["tags"] = [tag.strip() for tag in raw["tags"].split(",") if tag.strip()]
    skills = [value.strip() for value in form.getlist("skills") if isinstance(value, str)]
    data["skills"] = [s[:500] for s in skills if s][: _MAX_SKILLS + 1]
    return data, raw


def _raw_from_version(version: DefinitionVersion) -> dict[str, str]:
    raw: dict[str, str] = {}
    for name in (*_TEXT, *_CHOICES):
        value = getattr(version, name, None)
        raw[name] = "" if value is None else str(value)
    raw["price"] = format_price(version.price_cents) or ""
    for name in _NUMBERS:
        value = getattr(version, name)
        raw[name] = "" if value is None else f"{value:g}"
    raw["eqf_level"] = "" if version.eqf_level is None else str(version.eqf_level)
    verified = version.identity_verification
    raw["identity_verification"] = "" if verified is None else ("yes" if verified else "no")
    raw["learning_outcomes"] = "\n".join(version.learning_outcomes)
    raw["tags"] = ", ".join(version.tags)
    return raw


def _chosen_skills(db: Session, refs: list[str]) -> list[Skill]:
    """The skills named in the form (unknown ones are dropped here; saving reports them)."""
    found: list[Skill] = []
    for ref in refs[:_MAX_SKILLS]:
        skill = db.scalar(select(Skill).where(Skill.uri == ref))
        if skill is not None and skill not in found:
            found.append(skill)
    return found


def _editor(
    request: Request,
    page: OrgPage,
    db: Session,
    *,
    slug: str,
    raw: dict[str, str],
    skills: list[Skill],
    version: DefinitionVersion | None,
    error: str | None = None,
    error_field: str | None = None,
    skill_query: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    results: list[Skill] = []
    if skill_query:
        results = [
            s
            for s in search_skills(db, skill_query, organisation=page.organisation, limit=20)
            if s not in skills
        ]
    report: Completeness | None = completeness(version) if version is not None else None
    return render(
        request,
        "dashboard/definition_edit.html",
        dashboard_context(
            page,
            request,
            dash_nav="definitions",
            slug=slug,
            is_new=version is None,
            version=version,
            raw=raw,
            skills=skills,
            skill_query=skill_query,
            skill_results=results,
            searched=bool(skill_query),
            report=report,
            elements=ELEMENTS,
            choices=_CHOICE_LISTS,
            error=error,
            error_field=error_field,
        ),
        status_code=status_code,
    )


# -- pages ------------------------------------------------------------------------------


@router.get("/dashboard/{org}/definitions", name="dashboard_definitions")
def definitions_list(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.read")
    rows = [
        (definition, version, completeness(version).score)
        for definition, version in catalogue.list_definitions(db, page.organisation)
    ]
    return render(
        request,
        "dashboard/definitions.html",
        dashboard_context(page, request, rows=rows),
    )


@router.get("/dashboard/{org}/definitions/new", name="dashboard_definition_new")
def definition_new(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    raw = dict.fromkeys((*_TEXT, *_CHOICES, *_NUMBERS), "")
    raw.update(eqf_level="", identity_verification="", learning_outcomes="", tags="")
    raw["achievement_type"] = "MicroCredential"
    return _editor(request, page, db, slug="", raw=raw, skills=[], version=None)


def _save(
    db: Session, page: OrgPage, slug: str, data: dict[str, Any], *, new: bool
) -> DefinitionVersion:
    if new:
        return catalogue.create_definition(
            db, organisation=page.organisation, slug=slug, data=data, principal=page.principal
        )
    return catalogue.update_definition(
        db, organisation=page.organisation, slug=slug, data=data, principal=page.principal
    )


def _submit(
    request: Request, page: OrgPage, db: Session, form: CheckedForm, slug: str, *, new: bool
) -> Response:
    """Search skills, save the draft, or save and publish."""
    op = form_text(form, "op", 20)
    data, raw = form_values(form)
    if new:
        slug = form_text(form, "slug", 100)
    existing = None
    if not new:
        existing = catalogue.latest_version(
            db, catalogue.get_definition(db, page.organisation, slug)
        )
    skill_query = form_text(form, "skill_q", 200)
    if op == "search":
        return _editor(
            request,
            page,
            db,
            slug=slug,
            raw=raw,
            skills=_chosen_skills(db, data["skills"]),
            version=existing,
            skill_query=skill_query,
            error=None if skill_query else "Type a word to search for skills, e.g. python.",
            status_code=200 if skill_query else 422,
        )
    try:
        with db.begin_nested():
            version = _save(db, page, slug, data, new=new)
            if op == "publish":
                catalogue.publish(
                    db, organisation=page.organisation, slug=slug, principal=page.principal
                )
    except (InvalidInput, NotFound, Conflict) as exc:
        field = exc.field if isinstance(exc, DefinitionInvalid) else None
        message = exc.message
        if isinstance(exc, DefinitionIncomplete):
            labels = {e.key: e.label for e in ELEMENTS}
            message = (
                "Saved nothing: publishing needs "
                + "; ".join(labels.get(k, k) for k in exc.missing)
                + ". Save the draft first if you want to keep your changes."
            )
        return _editor(
            request,
            page,
            db,
            slug=slug,
            raw=raw,
            skills=_chosen_skills(db, data["skills"]),
            version=existing,
            error=message,
            error_field=field,
            status_code=422,
        )
    done = "published" if op == "publish" else "saved"
    return redirect(f"{page.base}/definitions/{version.definition.slug}/edit", done=done)


@router.post("/dashboard/{org}/definitions/new")
def definition_create(
    request: Request, org: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit(request, page, db, form, "", new=True)


@router.get("/dashboard/{org}/definitions/{slug}/edit", name="dashboard_definition_edit")
def definition_edit(
    request: Request, org: str, slug: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.read")
    definition = catalogue.get_definition(db, page.organisation, slug[:64])
    version = catalogue.latest_version(db, definition)
    skill_query = request.query_params.get("skill_q", "")[:200]
    return _editor(
        request,
        page,
        db,
        slug=definition.slug,
        raw=_raw_from_version(version),
        skills=version.skills,
        version=version,
        skill_query=skill_query,
    )


@router.post("/dashboard/{org}/definitions/{slug}/edit")
def definition_update(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit(request, page, db, form, slug[:64], new=False)


@router.post("/dashboard/{org}/definitions/{slug}/retire")
def definition_retire(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    catalogue.retire(db, organisation=page.organisation, slug=slug[:64], principal=page.principal)
    return redirect(f"{page.base}/definitions", done="retired")
