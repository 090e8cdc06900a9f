"""Use cases of pathways and programmes: create, read, update, retire/delete, with the
permission check of :func:`microcred.accounts.service.authorize` (``definition.manage`` to
change, ``definition.read`` to read an organisation's list; the CLI and the demo loader act
as :data:`microcred.catalogue.access.OPERATOR`).

A pathway awards one of its organisation's published definitions (the stacked credential,
e.g. achievementType ``Certificate`` or ``ext:MicroCredentialStack``); its rule tree may
name any provider's definitions. :func:`validate_rules` checks the tree's shape and limits
(:mod:`microcred.pathways.rules`) and that every definition it names exists with a
published version and every skill is in the skills catalogue.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.service import authorize
from microcred.accounts.types import Principal
from microcred.audit.service import record
from microcred.catalogue.access import is_operator
from microcred.catalogue.models import Definition, Skill
from microcred.pathways import rules as rule_tree
from microcred.pathways.errors import (
    PathwayExists,
    PathwayInputInvalid,
    PathwayNotFound,
    ProgrammeExists,
    ProgrammeNotFound,
    RulesInvalid,
)
from microcred.pathways.models import Pathway, PathwayAward, Programme, ProgrammeItem
from microcred.storage import utcnow

__all__ = [
    "ProgrammeItemInput",
    "create_pathway",
    "create_programme",
    "delete_pathway",
    "delete_programme",
    "find_definition",
    "get_pathway",
    "get_programme",
    "list_pathways",
    "list_programmes",
    "pathway_award_count",
    "update_pathway",
    "update_programme",
    "validate_rules",
]

SLUG: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
MAX_PROGRAMME_ITEMS: Final = 200


@dataclass(frozen=True)
class ProgrammeItemInput:
    definition: str  # "<org>/<slug>"
    credits: float
    note: str = ""


def _can_manage(session: Session, principal: Principal, organisation: Organisation) -> None:
    if not is_operator(principal):
        authorize(session, principal, organisation, "definition.manage")


def _can_read(session: Session, principal: Principal, organisation: Organisation) -> None:
    if not is_operator(principal):
        authorize(session, principal, organisation, "definition.read")


def _slug(value: str, what: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise PathwayInputInvalid(
            f"The {what} slug is 1 to 64 lower-case letters, digits or hyphens "
            "(e.g. data-engineering).",
            code="invalid_slug",
        )
    return value


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (required and not text) or len(text) > limit or "\x00" in text:
        raise PathwayInputInvalid(
            f"{field}: {'1 to ' if required else 'at most '}{limit} characters.",
            code=f"invalid_{field}",
        )
    return text


def find_definition(session: Session, key: str) -> Definition | None:
    """The definition ``<org>/<slug>``, or None."""
    org_slug, _, slug = key.partition("/")
    return session.scalar(
        select(Definition)
        .join(Organisation, Organisation.id == Definition.organisation_id)
        .where(Organisation.slug == org_slug, Definition.slug == slug)
    )


def validate_rules(
    session: Session, data: Any, *, stack: Definition | None = None
) -> rule_tree.Rule:
    """Parse ``data`` and check that it names only existing, published definitions (not
    ``stack`` itself) and known skills; :class:`RulesInvalid` lists every problem."""
    rule = rule_tree.parse_rules(data)
    problems: list[str] = []
    for key in rule_tree.definitions_of(rule):
        definition = find_definition(session, key)
        if definition is None:
            problems.append(f"no definition {key!r}; list them with `microcred catalogue list`")
        elif definition.published_version_id is None:
            problems.append(f"{key!r} has no published version; publish it first")
        elif stack is not None and definition.id == stack.id:
            problems.append(f"{key!r} is the pathway's own credential and cannot be a component")
    skills = rule_tree.skills_of(rule)
    if skills:
        known = set(session.scalars(select(Skill.uri).where(Skill.uri.in_(skills))))
        problems.extend(
            f"unknown skill {uri!r}; search skills with `microcred skills search`"
            for uri in skills
            if uri not in known
        )
    if problems:
        raise RulesInvalid(problems)
    return rule


def _stack_definition(session: Session, organisation: Organisation, slug: str) -> Definition:
    definition = session.scalar(
        select(Definition).where(
            Definition.organisation_id == organisation.id, Definition.slug == slug
        )
    )
    if definition is None:
        raise PathwayInputInvalid(
            f"{organisation.slug!r} has no definition {slug!r}: create the stacked credential "
            "as a definition first (e.g. achievement type Certificate), then name it here.",
            code="pathway_definition_unknown",
        )
    if definition.published_version_id is None:
        raise PathwayInputInvalid(
            f"The definition {slug!r} is not published; publish it first "
            "(`microcred catalogue publish`).",
            code="pathway_definition_unpublished",
        )
    return definition


# -- pathways ------------------------------------------------------------------------------


_Slugged = TypeVar("_Slugged", Pathway, Programme)


def _find_by_slug(
    session: Session, model: type[_Slugged], organisation: Organisation, slug: str
) -> _Slugged | None:
    if "\x00" in slug:
        return None
    return session.scalar(
        select(model).where(model.organisation_id == organisation.id, model.slug == slug)
    )


def get_pathway(session: Session, organisation: Organisation, slug: str) -> Pathway:
    found = _find_by_slug(session, Pathway, organisation, slug)
    if found is None:
        raise PathwayNotFound(
            f"{organisation.slug!r} has no pathway {slug!r}; list them with "
            f"`microcred pathways list --org {organisation.slug}`."
        )
    return found


def list_pathways(
    session: Session, organisation: Organisation, principal: Principal
) -> list[Pathway]:
    _can_read(session, principal, organisation)
    return list(
        session.scalars(
            select(Pathway)
            .where(Pathway.organisation_id == organisation.id)
            .order_by(Pathway.status, Pathway.title)
        )
    )


def create_pathway(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    title: str,
    definition: str,
    rules: Any,
    principal: Principal,
    description: str = "",
) -> Pathway:
    """A new active pathway awarding ``definition`` (a slug of the organisation's own,
    published definitions) when ``rules`` are met."""
    _can_manage(session, principal, organisation)
    _slug(slug, "pathway")
    stack = _stack_definition(session, organisation, definition)
    rule = validate_rules(session, rules, stack=stack)
    if session.scalar(
        select(Pathway.id).where(Pathway.organisation_id == organisation.id, Pathway.slug == slug)
    ):
        raise PathwayExists(
            f"{organisation.slug!r} already has a pathway {slug!r}; choose another slug or "
            "update that one."
        )
    now = utcnow()
    pathway = Pathway(
        public_id=str(uuid.uuid4()),
        organisation_id=organisation.id,
        slug=slug,
        title=_text(title, "title", 200),
        description=_text(description, "description", 5000, required=False),
        definition_id=stack.id,
        rules=rule_tree.to_json(rule),
        status="active",
        created_at=now,
        updated_at=now,
        created_by=principal.actor.label[:320],
    )
    session.add(pathway)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="pathway.create",
        organisation_id=organisation.id,
        subject_type="pathway",
        subject_id=slug,
        details={"definition": definition},
    )
    return pathway


def update_pathway(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    principal: Principal,
    title: str | None = None,
    description: str | None = None,
    rules: Any = None,
    status: str | None = None,
) -> Pathway:
    """Change a pathway (``None`` leaves a field as it is). Awards already made stay."""
    _can_manage(session, principal, organisation)
    pathway = get_pathway(session, organisation, slug)
    if status is not None and status not in ("active", "retired"):
        raise PathwayInputInvalid("status: active or retired.", code="invalid_status")
    new_rules = (
        rule_tree.to_json(validate_rules(session, rules, stack=pathway.definition))
        if rules is not None
        else None
    )
    if title is not None:
        pathway.title = _text(title, "title", 200)
    if description is not None:
        pathway.description = _text(description, "description", 5000, required=False)
    if new_rules is not None:
        pathway.rules = new_rules
    if status is not None:
        pathway.status = status
    pathway.updated_at = utcnow()
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="pathway.update",
        organisation_id=organisation.id,
        subject_type="pathway",
        subject_id=slug,
        details={"status": pathway.status, "rules_changed": new_rules is not None},
    )
    return pathway


def pathway_award_count(session: Session, pathway: Pathway) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(PathwayAward)
            .where(PathwayAward.pathway_id == pathway.id)
        )
        or 0
    )


def delete_pathway(
    session: Session, *, organisation: Organisation, slug: str, principal: Principal
) -> str:
    """Delete a pathway nobody was awarded yet; one with awards is retired instead (its
    awards keep their record). Returns "deleted" or "retired"."""
    _can_manage(session, principal, organisation)
    pathway = get_pathway(session, organisation, slug)
    if pathway_award_count(session, pathway):
        pathway.status = "retired"
        pathway.updated_at = utcnow()
        outcome = "retired"
    else:
        session.delete(pathway)
        outcome = "deleted"
    session.flush()
    record(
        session,
        actor=principal.actor,
        action=f"pathway.{'retire' if outcome == 'retired' else 'delete'}",
        organisation_id=organisation.id,
        subject_type="pathway",
        subject_id=slug,
        details={},
    )
    return outcome


# -- programmes ----------------------------------------------------------------------------


def _credits(value: Any, field: str) -> float:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not 0 < value <= rule_tree.MAX_CREDITS
    ):
        raise PathwayInputInvalid(
            f"{field}: a number of credits above 0 and at most {rule_tree.MAX_CREDITS:g}.",
            code="invalid_credits",
        )
    return float(value)


def _items(session: Session, items: Sequence[ProgrammeItemInput]) -> list[tuple[int, float, str]]:
    if len(items) > MAX_PROGRAMME_ITEMS:
        raise PathwayInputInvalid(
            f"A programme recognises at most {MAX_PROGRAMME_ITEMS} definitions.",
            code="too_many_items",
        )
    out: dict[int, tuple[int, float, str]] = {}
    problems: list[str] = []
    for i, item in enumerate(items):
        if not rule_tree.DEFINITION_KEY.match(item.definition or ""):
            problems.append(f"items[{i}].definition: '<organisation>/<definition>'")
            continue
        definition = find_definition(session, item.definition)
        if definition is None:
            problems.append(f"items[{i}]: no definition {item.definition!r}")
            continue
        if definition.id in out:
            problems.append(f"items[{i}]: {item.definition!r} is listed twice")
            continue
        amount = _credits(item.credits, f"items[{i}].credits")
        out[definition.id] = (definition.id, amount, _text(item.note, "note", 300, required=False))
    if problems:
        raise PathwayInputInvalid(
            "The programme's items are not valid: " + "; ".join(problems[:10]) + ".",
            code="invalid_programme_items",
        )
    return list(out.values())


def get_programme(session: Session, organisation: Organisation, slug: str) -> Programme:
    found = _find_by_slug(session, Programme, organisation, slug)
    if found is None:
        raise ProgrammeNotFound(
            f"{organisation.slug!r} has no programme {slug!r}; list them with "
            f"`microcred pathways programmes --org {organisation.slug}`."
        )
    return found


def list_programmes(
    session: Session, organisation: Organisation, principal: Principal
) -> list[Programme]:
    _can_read(session, principal, organisation)
    return list(
        session.scalars(
            select(Programme)
            .where(Programme.organisation_id == organisation.id)
            .order_by(Programme.title)
        )
    )


def _set_items(session: Session, programme: Programme, rows: list[tuple[int, float, str]]) -> None:
    session.execute(delete(ProgrammeItem).where(ProgrammeItem.programme_id == programme.id))
    for definition_id, amount, note in rows:
        session.add(
            ProgrammeItem(
                programme_id=programme.id, definition_id=definition_id, credits=amount, note=note
            )
        )
    session.flush()


def create_programme(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    title: str,
    total_credits: float,
    items: Sequence[ProgrammeItemInput],
    principal: Principal,
    description: str = "",
) -> Programme:
    _can_manage(session, principal, organisation)
    _slug(slug, "programme")
    total = _credits(total_credits, "total_credits")
    rows = _items(session, items)
    if session.scalar(
        select(Programme.id).where(
            Programme.organisation_id == organisation.id, Programme.slug == slug
        )
    ):
        raise ProgrammeExists(
            f"{organisation.slug!r} already has a programme {slug!r}; choose another slug."
        )
    now = utcnow()
    programme = Programme(
        public_id=str(uuid.uuid4()),
        organisation_id=organisation.id,
        slug=slug,
        title=_text(title, "title", 200),
        description=_text(description, "description", 5000, required=False),
        total_credits=total,
        status="active",
        created_at=now,
        updated_at=now,
    )
    session.add(programme)
    session.flush()
    _set_items(session, programme, rows)
    record(
        session,
        actor=principal.actor,
        action="programme.create",
        organisation_id=organisation.id,
        subject_type="programme",
        subject_id=slug,
        details={"items": len(rows), "total_credits": total},
    )
    return programme


def update_programme(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    principal: Principal,
    title: str | None = None,
    description: str | None = None,
    total_credits: float | None = None,
    items: Sequence[ProgrammeItemInput] | None = None,
    status: str | None = None,
) -> Programme:
    _can_manage(session, principal, organisation)
    programme = get_programme(session, organisation, slug)
    if status is not None and status not in ("active", "retired"):
        raise PathwayInputInvalid("status: active or retired.", code="invalid_status")
    total = _credits(total_credits, "total_credits") if total_credits is not None else None
    rows = _items(session, items) if items is not None else None
    if title is not None:
        programme.title = _text(title, "title", 200)
    if description is not None:
        programme.description = _text(description, "description", 5000, required=False)
    if total is not None:
        programme.total_credits = total
    if status is not None:
        programme.status = status
    if rows is not None:
        _set_items(session, programme, rows)
    programme.updated_at = utcnow()
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="programme.update",
        organisation_id=organisation.id,
        subject_type="programme",
        subject_id=slug,
        details={},
    )
    return programme


def delete_programme(
    session: Session, *, organisation: Organisation, slug: str, principal: Principal
) -> None:
    _can_manage(session, principal, organisation)
    programme = get_programme(session, organisation, slug)
    session.delete(programme)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="programme.delete",
        organisation_id=organisation.id,
        subject_type="programme",
        subject_id=slug,
        details={},
    )


def item_inputs(data: Sequence[Mapping[str, Any]]) -> list[ProgrammeItemInput]:
    """Programme items from parsed JSON (CLI files)."""
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise PathwayInputInvalid(f"items[{i}]: an object", code="invalid_programme_items")
        out.append(
            ProgrammeItemInput(
                definition=str(item.get("definition", "")),
                credits=item.get("credits"),  # type: ignore[arg-type]
                note=str(item.get("note", "")),
            )
        )
    return out
