"""Use cases of the catalogue: credential definitions, their versions and life cycle.

Life cycle: ``create_definition`` makes version 1 as a draft; ``update_definition``
edits the latest draft, or, when the latest version is published or retired, copies it
into a new draft (version + 1) with the changes; ``publish`` makes the latest draft the
public version (published versions never change again: credentials point at them);
``retire`` takes the definition out of the catalogue (its versions stay readable so that
issued credentials keep dereferencing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.types import Principal
from microcred.audit.service import record
from microcred.catalogue.access import authorize_manage
from microcred.catalogue.completeness import completeness
from microcred.catalogue.errors import (
    DefinitionImmutable,
    DefinitionIncomplete,
    DefinitionNotFound,
    DefinitionStateError,
)
from microcred.catalogue.models import Definition, DefinitionSkill, DefinitionVersion
from microcred.catalogue.search import normalise, sort_key
from microcred.catalogue.skills import resolve_skills
from microcred.catalogue.types import DEFINITION_FIELDS, duration_days, parse_fields, parse_slug
from microcred.errors import Conflict
from microcred.storage import utcnow

__all__ = [
    "create_definition",
    "edit_version",
    "get_definition",
    "get_version",
    "latest_version",
    "list_definitions",
    "list_versions",
    "publish",
    "published_version",
    "retire",
    "update_definition",
    "version_by_number",
]

_COPIED = tuple(name for name in DEFINITION_FIELDS if name not in ("skills", "price"))


def _hint_list(organisation: Organisation) -> str:
    return f"list them with `microcred catalogue list --org {organisation.slug}`"


def get_definition(session: Session, organisation: Organisation, slug: str) -> Definition:
    definition = (
        None
        if "\x00" in slug
        else session.scalar(
            select(Definition).where(
                Definition.organisation_id == organisation.id, Definition.slug == slug
            )
        )
    )
    if definition is None:
        raise DefinitionNotFound(
            f"No definition {slug!r} in {organisation.slug!r}; {_hint_list(organisation)}."
        )
    return definition


def get_version(session: Session, version_id: int) -> DefinitionVersion:
    version = session.get(DefinitionVersion, version_id)
    if version is None:
        raise DefinitionNotFound(f"No definition version with id {version_id}.")
    return version


def list_versions(session: Session, definition: Definition) -> list[DefinitionVersion]:
    return list(
        session.scalars(
            select(DefinitionVersion)
            .where(DefinitionVersion.definition_id == definition.id)
            .order_by(DefinitionVersion.version)
        )
    )


def latest_version(session: Session, definition: Definition) -> DefinitionVersion:
    version = session.scalar(
        select(DefinitionVersion)
        .where(DefinitionVersion.definition_id == definition.id)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    )
    assert version is not None, "a definition always has version 1"
    return version


def version_by_number(
    session: Session, organisation: Organisation, slug: str, number: int
) -> DefinitionVersion:
    """Version ``number`` of a definition, whatever its status."""
    definition = get_definition(session, organisation, slug)
    version = session.scalar(
        select(DefinitionVersion).where(
            DefinitionVersion.definition_id == definition.id, DefinitionVersion.version == number
        )
    )
    if version is None:
        raise DefinitionNotFound(
            f"Definition {organisation.slug}/{slug} has no version {number}; "
            f"see `microcred catalogue show {organisation.slug}/{slug}`."
        )
    return version


def published_version(
    session: Session, organisation: Organisation, slug: str, version: int | None = None
) -> DefinitionVersion:
    """The published version to award: the current one, or version ``version``.

    NotFound when there is no such definition or version; Conflict (``definition_state``)
    when it exists but is a draft or retired.
    """
    definition = get_definition(session, organisation, slug)
    if version is None:
        if definition.published_version_id is None:
            raise DefinitionStateError(
                f"Definition {organisation.slug}/{slug} has no published version; publish it "
                f"with `microcred catalogue publish {organisation.slug}/{slug}`."
            )
        return get_version(session, definition.published_version_id)
    found = version_by_number(session, organisation, slug, version)
    if found.status != "published":
        raise DefinitionStateError(
            f"Version {version} of {organisation.slug}/{slug} is {found.status}, not "
            "published; only published versions can be awarded."
        )
    return found


def list_definitions(
    session: Session, organisation: Organisation | None = None
) -> list[tuple[Definition, DefinitionVersion]]:
    """Definitions (of one organisation, or all) with their latest version, by slug."""
    latest = (
        select(DefinitionVersion.definition_id, func.max(DefinitionVersion.version).label("v"))
        .group_by(DefinitionVersion.definition_id)
        .subquery()
    )
    statement = (
        select(Definition, DefinitionVersion)
        .join(latest, latest.c.definition_id == Definition.id)
        .join(
            DefinitionVersion,
            (DefinitionVersion.definition_id == Definition.id)
            & (DefinitionVersion.version == latest.c.v),
        )
        .order_by(Definition.organisation_id, Definition.slug)
    )
    if organisation is not None:
        statement = statement.where(Definition.organisation_id == organisation.id)
    return [(d, v) for d, v in session.execute(statement).unique().all()]


def _search_document(version: DefinitionVersion, organisation: Organisation) -> str:
    parts: list[str] = [
        version.title,
        version.description,
        *version.learning_outcomes,
        *version.tags,
        version.field_of_study or "",
        organisation.name,
        organisation.slug,
    ]
    for skill in version.skills:
        parts.append(skill.label)
    return normalise(" ".join(parts))[:200_000]


def _apply(
    session: Session,
    version: DefinitionVersion,
    values: Mapping[str, Any],
    organisation: Organisation,
) -> None:
    for name, value in values.items():
        if name == "skills":
            skills = resolve_skills(session, value, organisation)
            version.skill_links = [
                DefinitionSkill(skill=skill, skill_id=skill.id, position=index)
                for index, skill in enumerate(skills)
            ]
        elif name == "price":
            version.price_cents = value
        elif name == "duration":
            version.duration = value
            version.duration_days = duration_days(value) if value else None
        else:
            setattr(version, name, value)
    version.sort_key = sort_key(version.title)
    version.updated_at = utcnow()
    version.search_document = _search_document(version, organisation)


def create_definition(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    data: Mapping[str, Any],
    principal: Principal,
) -> DefinitionVersion:
    """A new definition with version 1 as a draft."""
    authorize_manage(session, principal, organisation)
    slug = parse_slug(slug)
    values = parse_fields(data, partial=False)
    exists = session.scalar(
        select(Definition.id).where(
            Definition.organisation_id == organisation.id, Definition.slug == slug
        )
    )
    if exists is not None:
        raise Conflict(
            f"Definition {organisation.slug}/{slug} already exists; edit it with PATCH "
            f"/api/orgs/{organisation.slug}/definitions/{slug} or pick another slug.",
            code="definition_exists",
        )
    now = utcnow()
    definition = Definition(
        organisation_id=organisation.id,
        organisation=organisation,
        slug=slug,
        created_at=now,
        updated_at=now,
    )
    session.add(definition)
    session.flush()
    version = DefinitionVersion(
        definition=definition,
        definition_id=definition.id,
        version=1,
        status="draft",
        learning_outcomes=[],
        tags=[],
        created_at=now,
        created_by=principal.actor.label[:320],
    )
    version.skill_links = []
    _apply(session, version, values, organisation)
    session.add(version)
    session.flush()
    _audit(session, principal, "definition.create", version)
    return version


def edit_version(
    session: Session, version: DefinitionVersion, data: Mapping[str, Any], *, principal: Principal
) -> DefinitionVersion:
    """Change a draft version in place; published and retired versions are immutable."""
    organisation = version.definition.organisation
    authorize_manage(session, principal, organisation)
    if version.status != "draft":
        slug = version.definition.slug
        raise DefinitionImmutable(
            f"Version {version.version} of {organisation.slug}/{slug} is {version.status} and "
            f"cannot change; PATCH /api/orgs/{organisation.slug}/definitions/{slug} creates "
            f"version {version.version + 1} as a draft with your changes."
        )
    values = parse_fields(data, partial=True)
    _apply(session, version, values, organisation)
    session.flush()
    _audit(session, principal, "definition.update", version, sorted(values))
    return version


def update_definition(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    data: Mapping[str, Any],
    principal: Principal,
) -> DefinitionVersion:
    """Edit the latest draft, or start a new draft version from the latest version."""
    authorize_manage(session, principal, organisation)
    definition = get_definition(session, organisation, slug)
    latest = latest_version(session, definition)
    if latest.status == "draft":
        return edit_version(session, latest, data, principal=principal)
    values = parse_fields(data, partial=True)
    now = utcnow()
    draft = DefinitionVersion(
        definition=definition,
        definition_id=definition.id,
        version=latest.version + 1,
        status="draft",
        created_at=now,
        created_by=principal.actor.label[:320],
        price_cents=latest.price_cents,
        duration_days=latest.duration_days,
        **{name: _copy(getattr(latest, name)) for name in _COPIED},
    )
    draft.skill_links = [
        DefinitionSkill(skill=link.skill, skill_id=link.skill_id, position=link.position)
        for link in latest.skill_links
    ]
    _apply(session, draft, values, organisation)
    session.add(draft)
    definition.updated_at = now
    session.flush()
    _audit(session, principal, "definition.new_version", draft, sorted(values))
    return draft


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def publish(
    session: Session, *, organisation: Organisation, slug: str, principal: Principal
) -> DefinitionVersion:
    """Publish the latest draft; it becomes the catalogue's version and never changes."""
    authorize_manage(session, principal, organisation)
    definition = get_definition(session, organisation, slug)
    version = latest_version(session, definition)
    if version.status != "draft":
        raise DefinitionStateError(
            f"{organisation.slug}/{slug} has no draft to publish (version {version.version} "
            f"is {version.status}); edit it first to create a new draft."
        )
    report = completeness(version)
    if report.blocking:
        raise DefinitionIncomplete([element.key for element in report.blocking])
    now = utcnow()
    version.status = "published"
    version.published_at = now
    definition.published_version_id = version.id
    definition.updated_at = now
    session.flush()
    _audit(session, principal, "definition.publish", version)
    return version


def retire(
    session: Session, *, organisation: Organisation, slug: str, principal: Principal
) -> DefinitionVersion:
    """Take a definition out of the catalogue; its published versions become retired."""
    authorize_manage(session, principal, organisation)
    definition = get_definition(session, organisation, slug)
    if definition.published_version_id is None:
        raise DefinitionStateError(
            f"{organisation.slug}/{slug} is not published, so there is nothing to retire."
        )
    current = get_version(session, definition.published_version_id)
    now = utcnow()
    for version in list_versions(session, definition):
        if version.status == "published":
            version.status = "retired"
            version.retired_at = now
    definition.published_version_id = None
    definition.updated_at = now
    session.flush()
    _audit(session, principal, "definition.retire", current)
    return current


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    version: DefinitionVersion,
    fields: Sequence[str] = (),
) -> None:
    definition = version.definition
    details: dict[str, Any] = {"version": version.version, "status": version.status}
    if fields:
        details["fields"] = list(fields)
    record(
        session,
        actor=principal.actor,
        action=action,
        organisation_id=definition.organisation_id,
        subject_type="definition",
        subject_id=f"{definition.organisation.slug}/{definition.slug}/v{version.version}",
        details=details,
    )
