"""Pathways and programmes in the provider dashboard, and the public page of a pathway.

* ``/dashboard/{org}/pathways``: the organisation's pathways (stacked credential, the rules
  in plain words, how many learners were awarded), create, edit (a JSON rules editor with a
  plain-words preview) and retire / reactivate.
* ``/dashboard/{org}/programmes``: programmes (title, total ECTS and the table of
  recognised definitions of any provider, each with its credits), create, edit, retire /
  reactivate.
* ``/catalogue/{org}/pathways/{slug}``: the public, read-only page of an active pathway.

Permissions are the API's: reading needs ``definition.read`` (every member; viewers see the
pages without buttons), changing needs ``definition.manage`` (owners and issuers; a forged
POST gets 403); anyone outside the organisation gets the dashboard's 404. Every rule lives
in :mod:`microcred.pathways.service`; a refused save re-renders the form with status 422
and the problems (each rule problem with its path, e.g. ``rules.rules[1].n``), inside a
savepoint so nothing is saved.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.catalogue import service as catalogue
from microcred.catalogue.models import Definition, Skill
from microcred.errors import Conflict, InvalidInput, NotFound
from microcred.pathways import rules as rule_tree
from microcred.pathways import service as pathways
from microcred.pathways.articulation import programme_items
from microcred.pathways.errors import PathwayNotFound, RulesInvalid
from microcred.pathways.models import Pathway, Programme
from microcred.pathways.progress import CatalogueEntry, definition_catalogue
from microcred.web.deps import DbSession
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.dashboard import OrgPage, form_text, org_page, redirect
from microcred.web.pages.dashboard import _context as dashboard_context
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["PlainNode", "awarding_pathways", "plain_words", "router", "summary"]

router = page_router()

#: Longest rules text the editor accepts (the API's body limit is of the same order).
MAX_RULES_TEXT: Final = 100_000
#: Rows of the programme table the form can carry (the form field limit is 100).
MAX_ROWS: Final = 30
_BLANK_ROWS: Final = 3

_NOTICES: Final = {
    "pathway_created": "The pathway was created. Its rules in plain words are below.",
    "pathway_saved": "The pathway was saved. Its rules in plain words are below.",
    "pathway_retired": "The pathway was retired: learners no longer see it and nobody new "
    "is awarded it; awards already made stay.",
    "pathway_active": "The pathway is active again.",
    "programme_created": "The programme was created.",
    "programme_saved": "The programme was saved.",
    "programme_retired": "The programme was retired: learners no longer see their credit "
    "toward it.",
    "programme_active": "The programme is active again.",
}


# -- rules in plain words -----------------------------------------------------------------


@dataclass
class PlainNode:
    """One line of the plain-words rule tree; ``href`` links a component's catalogue page."""

    label: str
    note: str = ""
    href: str | None = None
    children: list[PlainNode] = field(default_factory=list)


def _number(value: float) -> str:
    return f"{value:g}"


def _lookups(db: Session, rule: rule_tree.Rule) -> tuple[dict[str, CatalogueEntry], dict[str, str]]:
    entries = definition_catalogue(db, rule_tree.definitions_of(rule))
    uris = rule_tree.skills_of(rule)
    labels: dict[str, str] = (
        dict(db.execute(select(Skill.uri, Skill.label).where(Skill.uri.in_(uris))).tuples())
        if uris
        else {}
    )
    return entries, labels


def _component(key: str, entries: dict[str, CatalogueEntry]) -> PlainNode:
    entry = entries.get(key)
    if entry is None:
        return PlainNode(key, "not in the catalogue")
    amounts = []
    if entry.ects:
        amounts.append(f"{_number(entry.ects)} ECTS")
    if entry.hours:
        amounts.append(f"{_number(entry.hours)} hours")
    note = f"from {entry.provider}" + (f", {', '.join(amounts)}" if amounts else "")
    if not entry.published:
        note += " (not published)"
    return PlainNode(entry.title, note, entry.url if entry.published else None)


def _plain(
    rule: rule_tree.Rule, entries: dict[str, CatalogueEntry], skills: dict[str, str]
) -> PlainNode:
    match rule:
        case rule_tree.Component(key):
            return _component(key, entries)
        case rule_tree.AllOf(rules):
            return PlainNode(
                f"All of these {len(rules)}" if len(rules) > 1 else "This one",
                children=[_plain(r, entries, skills) for r in rules],
            )
        case rule_tree.NOf(n, rules):
            return PlainNode(
                f"Any {n} of these {len(rules)}",
                children=[_plain(r, entries, skills) for r in rules],
            )
        case rule_tree.Credits(minimum, unit, sources):
            name = "ECTS credits" if unit == "ects" else "hours of workload"
            return PlainNode(
                f"At least {_number(minimum)} {name}, counted from these",
                children=[_component(s, entries) for s in sources],
            )
        case rule_tree.Skills(uris):
            return PlainNode(
                "Each of these skills, shown by any verified credential",
                children=[PlainNode(skills.get(u, u), "skill") for u in uris],
            )
    raise AssertionError(rule)  # pragma: no cover


def plain_words(db: Session, rule: rule_tree.Rule) -> PlainNode:
    """The rule tree as nested plain-words lines with the catalogue titles."""
    entries, skills = _lookups(db, rule)
    return _plain(rule, entries, skills)


def _sentence(node: PlainNode) -> str:
    if not node.children:
        return node.label
    inner = "; ".join(_sentence(c) for c in node.children)
    return f"{node.label[0].lower()}{node.label[1:]}: ({inner})"


def summary(db: Session, rules: dict[str, Any]) -> str:
    """One sentence for the pathway list, e.g. "Any 2 of these 3: (A; B; C)"."""
    try:
        node = plain_words(db, rule_tree.parse_rules(rules))
    except RulesInvalid:  # pragma: no cover - stored rules were validated
        return "Rules that can no longer be read; edit them."
    text = _sentence(node)
    return text[0].upper() + text[1:]


def _stack_entry(db: Session, pathway: Pathway) -> CatalogueEntry | None:
    key = f"{pathway.organisation.slug}/{pathway.definition.slug}"
    return definition_catalogue(db, [key]).get(key)


def awarding_pathways(db: Session, definition: Definition) -> list[Pathway]:
    """The active pathways whose stacked credential is ``definition`` (for its catalogue
    page)."""
    return list(
        db.scalars(
            select(Pathway)
            .where(Pathway.definition_id == definition.id, Pathway.status == "active")
            .order_by(Pathway.title)
        )
    )


def _context(page: OrgPage, request: Request, **values: object) -> dict[str, object]:
    context = dashboard_context(page, request, **values)
    context["notice"] = _NOTICES.get(request.query_params.get("done", "")) or context["notice"]
    return context


# -- pathways -----------------------------------------------------------------------------


def _published(db: Session, page: OrgPage) -> list[tuple[str, str]]:
    """(slug, title) of the organisation's published definitions, for the stack choice."""
    out = []
    for definition, latest in catalogue.list_definitions(db, page.organisation):
        if definition.published_version_id is None:
            continue
        title = latest.title
        if latest.id != definition.published_version_id:
            version = catalogue.published_version(db, page.organisation, definition.slug)
            title = version.title
        out.append((definition.slug, title))
    return out


def _template_rules(page: OrgPage, choices: list[tuple[str, str]]) -> str:
    org = page.organisation.slug
    slugs = [slug for slug, _ in choices][:2] or ["first-definition", "second-definition"]
    while len(slugs) < 2:
        slugs.append("another-definition")
    template = {
        "type": "all",
        "rules": [{"type": "component", "definition": f"{org}/{slug}"} for slug in slugs],
    }
    return json.dumps(template, indent=2)


def _pathway_form(
    request: Request,
    page: OrgPage,
    db: Session,
    *,
    pathway: Pathway | None,
    raw: dict[str, str],
    preview: PlainNode | None = None,
    error: str | None = None,
    problems: list[str] | None = None,
    error_field: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    stack = _stack_entry(db, pathway) if pathway is not None else None
    return render(
        request,
        "dashboard/pathways/pathway_edit.html",
        _context(
            page,
            request,
            dash_nav="pathways",
            pathway=pathway,
            is_new=pathway is None,
            stack=stack,
            choices=_published(db, page) if pathway is None else [],
            raw=raw,
            preview=preview,
            awards=pathways.pathway_award_count(db, pathway) if pathway is not None else 0,
            error=error,
            problems=problems or [],
            error_field=error_field,
        ),
        status_code=status_code,
    )


@router.get("/dashboard/{org}/pathways", name="dashboard_pathways")
def pathway_list(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    rows = [
        {
            "pathway": pathway,
            "stack": _stack_entry(db, pathway),
            "summary": summary(db, pathway.rules),
            "awards": pathways.pathway_award_count(db, pathway),
        }
        for pathway in pathways.list_pathways(db, page.organisation, page.principal)
    ]
    return render(
        request,
        "dashboard/pathways/pathways.html",
        _context(page, request, dash_nav="pathways", rows=rows),
    )


@router.get("/dashboard/{org}/pathways/new", name="dashboard_pathway_new")
def pathway_new(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    choices = _published(db, page)
    raw = {
        "slug": "",
        "title": "",
        "description": "",
        "definition": "",
        "rules": _template_rules(page, choices),
    }
    return _pathway_form(request, page, db, pathway=None, raw=raw)


def _pathway_raw(form: CheckedForm) -> dict[str, str]:
    rules = form.get("rules")
    return {
        "slug": form_text(form, "slug", 100),
        "title": form_text(form, "title", 400),
        "description": form_text(form, "description", 6000),
        "definition": form_text(form, "definition", 100),
        "rules": rules if isinstance(rules, str) else "",
    }


class _BadJson(InvalidInput):
    code = "pathway_rules_json"


def _rules_json(text: str) -> Any:
    if len(text) > MAX_RULES_TEXT:
        raise _BadJson(f"The rules are too long (at most {MAX_RULES_TEXT} characters).")
    if not text.strip():
        raise _BadJson("Write the rules as JSON, e.g. the template of a new pathway.")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadJson(
            f"The rules are not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except (ValueError, RecursionError):
        raise _BadJson("The rules are not valid JSON (or nest far too deeply).") from None


def _text_error_field(exc: InvalidInput | NotFound | Conflict) -> str | None:
    """The shared title/description/slug field an input error belongs to, if any."""
    code = exc.code or ""
    return (
        "title"
        if "title" in code
        else "description"
        if "description" in code
        else "slug"
        if "slug" in code or isinstance(exc, Conflict)
        else None
    )


def _submit_pathway(
    request: Request, page: OrgPage, db: Session, form: CheckedForm, pathway: Pathway | None
) -> Response:
    op = form_text(form, "op", 20)
    raw = _pathway_raw(form)
    if pathway is not None:
        raw["slug"] = pathway.slug
    saved_preview = (
        plain_words(db, rule_tree.parse_rules(pathway.rules)) if pathway is not None else None
    )
    try:
        data = _rules_json(raw["rules"])
        with db.begin_nested():
            if op == "preview":
                stack = None
                if pathway is not None:
                    stack = pathway.definition
                elif raw["definition"]:
                    stack = catalogue.get_definition(db, page.organisation, raw["definition"][:64])
                rule = pathways.validate_rules(db, data, stack=stack)
                return _pathway_form(
                    request, page, db, pathway=pathway, raw=raw, preview=plain_words(db, rule)
                )
            if pathway is None:
                saved = pathways.create_pathway(
                    db,
                    organisation=page.organisation,
                    slug=raw["slug"],
                    title=raw["title"],
                    description=raw["description"],
                    definition=raw["definition"],
                    rules=data,
                    principal=page.principal,
                )
            else:
                saved = pathways.update_pathway(
                    db,
                    organisation=page.organisation,
                    slug=pathway.slug,
                    principal=page.principal,
                    title=raw["title"],
                    description=raw["description"],
                    rules=data,
                )
    except RulesInvalid as exc:
        return _pathway_form(
            request,
            page,
            db,
            pathway=pathway,
            raw=raw,
            preview=saved_preview,
            error="Nothing was saved: the rules have these problems.",
            problems=exc.problems,
            error_field="rules",
            status_code=422,
        )
    except (InvalidInput, NotFound, Conflict) as exc:
        code = exc.code or ""
        error_field = (
            "rules"
            if isinstance(exc, _BadJson)
            else "definition"
            if "definition" in code or isinstance(exc, NotFound)
            else _text_error_field(exc)
        )
        return _pathway_form(
            request,
            page,
            db,
            pathway=pathway,
            raw=raw,
            preview=saved_preview,
            error=f"Nothing was saved: {exc.message}",
            error_field=error_field,
            status_code=422,
        )
    done = "pathway_created" if pathway is None else "pathway_saved"
    return redirect(f"{page.base}/pathways/{saved.slug}/edit", done=done)


@router.post("/dashboard/{org}/pathways/new")
def pathway_create(
    request: Request, org: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit_pathway(request, page, db, form, None)


def _get_pathway(db: Session, page: OrgPage, slug: str) -> Pathway:
    return pathways.get_pathway(db, page.organisation, slug[:64])


@router.get("/dashboard/{org}/pathways/{slug}/edit", name="dashboard_pathway_edit")
def pathway_edit(
    request: Request, org: str, slug: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.read")
    pathway = _get_pathway(db, page, slug)
    raw = {
        "slug": pathway.slug,
        "title": pathway.title,
        "description": pathway.description,
        "definition": pathway.definition.slug,
        "rules": json.dumps(pathway.rules, indent=2, ensure_ascii=False),
    }
    preview = plain_words(db, rule_tree.parse_rules(pathway.rules))
    return _pathway_form(request, page, db, pathway=pathway, raw=raw, preview=preview)


@router.post("/dashboard/{org}/pathways/{slug}/edit")
def pathway_update(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit_pathway(request, page, db, form, _get_pathway(db, page, slug))


@router.post("/dashboard/{org}/pathways/{slug}/retire")
def pathway_retire(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    pathway = _get_pathway(db, page, slug)
    status = "active" if form_text(form, "status", 10) == "active" else "retired"
    pathways.update_pathway(
        db,
        organisation=page.organisation,
        slug=pathway.slug,
        principal=page.principal,
        status=status,
    )
    return redirect(f"{page.base}/pathways", done=f"pathway_{status}")


# -- programmes ---------------------------------------------------------------------------


@dataclass
class _Row:
    definition: str = ""
    credits: str = ""
    note: str = ""
    error: bool = False
    title: str = ""

    @property
    def blank(self) -> bool:
        return not (self.definition or self.credits or self.note)


def _programme_rows(db: Session, programme: Programme) -> list[_Row]:
    rows = []
    for item in programme_items(db, programme):
        key = f"{item.definition.organisation.slug}/{item.definition.slug}"
        rows.append(_Row(key, _number(item.credits), item.note))
    return rows


def _with_titles(db: Session, rows: list[_Row]) -> list[_Row]:
    keys = [r.definition for r in rows if rule_tree.DEFINITION_KEY.match(r.definition)]
    entries = definition_catalogue(db, keys)
    for row in rows:
        entry = entries.get(row.definition)
        row.title = f"{entry.title} ({entry.provider})" if entry else ""
    return rows


def _programme_form(
    request: Request,
    page: OrgPage,
    db: Session,
    *,
    programme: Programme | None,
    raw: dict[str, str],
    rows: list[_Row],
    error: str | None = None,
    problems: list[str] | None = None,
    error_field: str | None = None,
    extra_rows: int = _BLANK_ROWS,
    status_code: int = 200,
) -> HTMLResponse:
    too_many = len(rows) > MAX_ROWS
    shown = [r for r in rows if not r.blank]
    if not too_many:
        shown += [_Row() for _ in range(min(extra_rows, MAX_ROWS - len(shown)))]
    return render(
        request,
        "dashboard/pathways/programme_edit.html",
        _context(
            page,
            request,
            dash_nav="programmes",
            programme=programme,
            is_new=programme is None,
            raw=raw,
            rows=_with_titles(db, shown),
            too_many=too_many,
            max_rows=MAX_ROWS,
            error=error,
            problems=problems or [],
            error_field=error_field,
        ),
        status_code=status_code,
    )


@router.get("/dashboard/{org}/programmes", name="dashboard_programmes")
def programme_list(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    rows = [
        {"programme": programme, "count": len(programme_items(db, programme))}
        for programme in pathways.list_programmes(db, page.organisation, page.principal)
    ]
    return render(
        request,
        "dashboard/pathways/programmes.html",
        _context(page, request, dash_nav="programmes", rows=rows),
    )


@router.get("/dashboard/{org}/programmes/new", name="dashboard_programme_new")
def programme_new(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    raw = {"slug": "", "title": "", "description": "", "total_credits": ""}
    return _programme_form(request, page, db, programme=None, raw=raw, rows=[])


def _credits(text: str) -> float | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 < value <= rule_tree.MAX_CREDITS else None


def _form_rows(form: CheckedForm) -> list[_Row]:
    def values(name: str) -> list[str]:
        return [v.strip()[:400] if isinstance(v, str) else "" for v in form.getlist(name)]

    definitions, amounts, notes = (
        values("item_definition"),
        values("item_credits"),
        values("item_note"),
    )
    size = max(len(definitions), len(amounts), len(notes))
    pad = [""] * size
    return [
        _Row(*row)
        for row in zip(
            (definitions + pad)[:size], (amounts + pad)[:size], (notes + pad)[:size], strict=True
        )
    ][:MAX_ROWS]


def _check_rows(
    db: Session, rows: list[_Row]
) -> tuple[list[pathways.ProgrammeItemInput], list[str]]:
    items: list[pathways.ProgrammeItemInput] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if row.blank:
            continue
        key = row.definition.lower()
        problem = None
        definition = None
        if not key:
            problem = "name the definition as organisation/definition, e.g. acme/python-data"
        elif not rule_tree.DEFINITION_KEY.match(key):
            problem = f"{row.definition!r} is not organisation/definition, e.g. acme/python-data"
        elif (definition := pathways.find_definition(db, key)) is None:
            problem = f"there is no definition {key!r} in the catalogue"
        elif definition.published_version_id is None:
            problem = f"{key!r} is not published"
        elif key in seen:
            problem = f"{key!r} is already in row {seen[key]}"
        amount = _credits(row.credits)
        if problem is None and amount is None:
            problem = (
                f"the credits are a number above 0 and at most {rule_tree.MAX_CREDITS:g}, "
                "e.g. 5 or 2.5"
            )
        if len(row.note) > 300:
            problem = problem or "the note is at most 300 characters"
        if problem is not None or amount is None:
            row.error = True
            problems.append(f"Row {number}: {problem}.")
            continue
        seen[key] = number
        row.definition = key
        items.append(pathways.ProgrammeItemInput(key, amount, row.note))
    return items, problems


def _submit_programme(
    request: Request, page: OrgPage, db: Session, form: CheckedForm, programme: Programme | None
) -> Response:
    op = form_text(form, "op", 20)
    raw = {
        "slug": programme.slug if programme is not None else form_text(form, "slug", 100),
        "title": form_text(form, "title", 400),
        "description": form_text(form, "description", 6000),
        "total_credits": form_text(form, "total_credits", 40),
    }
    keep_items = programme is not None and len(programme_items(db, programme)) > MAX_ROWS
    rows = _programme_rows(db, programme) if keep_items and programme else _form_rows(form)

    def again(**values: Any) -> HTMLResponse:
        return _programme_form(request, page, db, programme=programme, raw=raw, rows=rows, **values)

    if op == "rows":
        return again(extra_rows=5)
    items, problems = ([], []) if keep_items else _check_rows(db, rows)
    total = _credits(raw["total_credits"])
    if total is None:
        problems.insert(
            0,
            f"Total credits: a number above 0 and at most {rule_tree.MAX_CREDITS:g}, e.g. 180.",
        )
    if problems:
        return again(
            error="Nothing was saved: please correct these.",
            problems=problems,
            error_field="total_credits" if total is None else "items",
            status_code=422,
        )
    assert total is not None
    try:
        with db.begin_nested():
            if programme is None:
                saved = pathways.create_programme(
                    db,
                    organisation=page.organisation,
                    slug=raw["slug"],
                    title=raw["title"],
                    description=raw["description"],
                    total_credits=total,
                    items=items,
                    principal=page.principal,
                )
            else:
                saved = pathways.update_programme(
                    db,
                    organisation=page.organisation,
                    slug=programme.slug,
                    principal=page.principal,
                    title=raw["title"],
                    description=raw["description"],
                    total_credits=total,
                    items=None if keep_items else items,
                )
    except (InvalidInput, NotFound, Conflict) as exc:
        return again(
            error=f"Nothing was saved: {exc.message}",
            error_field=_text_error_field(exc),
            status_code=422,
        )
    done = "programme_created" if programme is None else "programme_saved"
    return redirect(f"{page.base}/programmes/{saved.slug}/edit", done=done)


@router.post("/dashboard/{org}/programmes/new")
def programme_create(
    request: Request, org: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit_programme(request, page, db, form, None)


def _get_programme(db: Session, page: OrgPage, slug: str) -> Programme:
    return pathways.get_programme(db, page.organisation, slug[:64])


@router.get("/dashboard/{org}/programmes/{slug}/edit", name="dashboard_programme_edit")
def programme_edit(
    request: Request, org: str, slug: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "definition.read")
    programme = _get_programme(db, page, slug)
    raw = {
        "slug": programme.slug,
        "title": programme.title,
        "description": programme.description,
        "total_credits": _number(programme.total_credits),
    }
    return _programme_form(
        request,
        page,
        db,
        programme=programme,
        raw=raw,
        rows=_programme_rows(db, programme),
        extra_rows=_BLANK_ROWS if page.can.get("definition.manage") else 0,
    )


@router.post("/dashboard/{org}/programmes/{slug}/edit")
def programme_update(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    return _submit_programme(request, page, db, form, _get_programme(db, page, slug))


@router.post("/dashboard/{org}/programmes/{slug}/retire")
def programme_retire(
    request: Request, org: str, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "definition.manage")
    programme = _get_programme(db, page, slug)
    status = "active" if form_text(form, "status", 10) == "active" else "retired"
    pathways.update_programme(
        db,
        organisation=page.organisation,
        slug=programme.slug,
        principal=page.principal,
        status=status,
    )
    return redirect(f"{page.base}/programmes", done=f"programme_{status}")


# -- public -------------------------------------------------------------------------------


@router.get("/catalogue/{org}/pathways/{slug}", name="catalogue_pathway")
def public_pathway(request: Request, org: str, slug: str, db: DbSession) -> HTMLResponse:
    organisation = accounts.get_organisation(db, org[:64])
    pathway = pathways.get_pathway(db, organisation, slug[:64])
    if pathway.status != "active":
        raise PathwayNotFound(
            f"{organisation.slug!r} has no active pathway {pathway.slug!r}; browse the "
            "catalogue for its current offer."
        )
    return render(
        request,
        "catalogue/pathway.html",
        {
            "active_nav": "catalogue",
            "organisation": organisation,
            "pathway": pathway,
            "stack": _stack_entry(db, pathway),
            "tree": plain_words(db, rule_tree.parse_rules(pathway.rules)),
        },
    )
