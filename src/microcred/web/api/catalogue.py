"""Catalogue and skills API: search the published catalogue, manage definitions and
custom skills frameworks, and serve each definition version as OB 3.0 Achievement JSON-LD.

Public: ``GET /api/catalogue``, ``GET /api/catalogue/{org}/{slug}``, ``GET /api/skills``,
``GET /api/skills/frameworks``, ``GET /definitions/{org}/{slug}/v{n}``. Everything under
``/api/orgs/{org}/...`` goes through :func:`microcred.accounts.service.authorize`
(``definition.read`` to read drafts, ``definition.manage`` to change).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, object_session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.catalogue import service
from microcred.catalogue.achievement import achievement_document, achievement_id
from microcred.catalogue.completeness import completeness
from microcred.catalogue.errors import DefinitionNotFound
from microcred.catalogue.models import DefinitionVersion, Skill, SkillFramework
from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.catalogue.skills import (
    ESCO_ATTRIBUTION,
    ESCO_FRAMEWORK_SLUG,
    add_skill,
    create_framework,
    list_frameworks,
    search_skills,
)
from microcred.catalogue.types import format_price
from microcred.web.deps import AppSettings, DbSession, Principal
from microcred.web.schemas.catalogue import (
    CatalogueItem,
    CataloguePage,
    CompletenessOut,
    DefinitionCreateIn,
    DefinitionFieldsIn,
    DefinitionOut,
    FrameworkIn,
    FrameworkOut,
    SkillOut,
    SkillPage,
)

__all__ = ["router"]

router = APIRouter(tags=["catalogue"])
JSON_LD = "application/ld+json"


def skill_out(skill: Skill) -> SkillOut:
    return SkillOut(
        id=skill.id,
        uri=skill.uri,
        label=skill.label,
        description=skill.description,
        skill_type=skill.skill_type,
        framework=skill.framework.slug,
        alt_labels=list(skill.alt_labels),
    )


def _attribution(skills: list[Skill]) -> str | None:
    esco = any(skill.framework.slug == ESCO_FRAMEWORK_SLUG for skill in skills)
    return ESCO_ATTRIBUTION if esco else None


def _definition_out(version: DefinitionVersion, base_url: str) -> DefinitionOut:
    definition = version.definition
    organisation = definition.organisation
    published = None
    if definition.published_version_id is not None:
        published = (
            version.version
            if definition.published_version_id == version.id
            else _number(version, definition.published_version_id)
        )
    report = completeness(version)
    return DefinitionOut(
        organisation=organisation.slug,
        slug=definition.slug,
        version=version.version,
        status=version.status,
        published_version=published,
        achievement_id=achievement_id(
            base_url, organisation.slug, definition.slug, version.version
        ),
        fields=version.field_values(),
        skills=[skill_out(skill) for skill in version.skills],
        completeness=CompletenessOut.model_validate(report.to_json()),
        created_at=version.created_at,
        updated_at=version.updated_at,
        published_at=version.published_at,
        retired_at=version.retired_at,
        attribution=_attribution(version.skills),
    )


def _number(version: DefinitionVersion, version_id: int) -> int | None:
    session = object_session(version)
    other = session.get(DefinitionVersion, version_id) if session is not None else None
    return other.version if other is not None else None


def _item(version: DefinitionVersion, base_url: str) -> CatalogueItem:
    definition = version.definition
    organisation = definition.organisation
    return CatalogueItem(
        organisation=organisation.slug,
        organisation_name=organisation.name,
        slug=definition.slug,
        version=version.version,
        title=version.title,
        description=version.description,
        eqf_level=version.eqf_level,
        workload_hours=version.workload_hours,
        ects=version.ects,
        duration=version.duration,
        price=format_price(version.price_cents),
        currency=version.currency,
        delivery_mode=version.delivery_mode,
        pace=version.pace,
        language=version.language,
        skills=[skill_out(skill) for skill in version.skills],
        achievement_id=achievement_id(
            base_url, organisation.slug, definition.slug, version.version
        ),
        published_at=version.published_at,
        completeness=CompletenessOut.model_validate(completeness(version).to_json()),
    )


def _org(db: Session, slug: str) -> Organisation:
    # PostgreSQL refuses NUL in text; such a slug names no organisation.
    return accounts.get_organisation(db, slug.replace("\x00", "\ufffd"))


# -- public catalogue ---------------------------------------------------------------------
@router.get("/api/catalogue", summary="Search the published catalogue")
def search(
    db: DbSession,
    settings: AppSettings,
    q: Annotated[str | None, Query(max_length=500, description="Words to find.")] = None,
    skill: Annotated[str | None, Query(max_length=500, description="Skill URI or id.")] = None,
    provider: Annotated[str | None, Query(max_length=64, description="Organisation slug.")] = None,
    eqf_level: Annotated[int | None, Query(ge=1, le=8)] = None,
    min_hours: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    max_hours: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    min_ects: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    max_ects: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    max_price: Annotated[float | None, Query(ge=0, le=1e9)] = None,
    currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    max_duration_days: Annotated[int | None, Query(ge=0, le=100_000)] = None,
    mode: Annotated[Literal["online", "onsite", "blended"] | None, Query()] = None,
    pace: Annotated[Literal["self-paced", "scheduled"] | None, Query()] = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    min_completeness: Annotated[
        int | None, Query(ge=0, le=100, description="Minimum completeness score (0-100).")
    ] = None,
    sort: Annotated[Literal["title", "newest"], Query()] = "title",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CataloguePage:
    page = search_catalogue(
        db,
        CatalogueQuery(
            q=q,
            skill=skill,
            provider=provider,
            eqf_level=eqf_level,
            min_hours=min_hours,
            max_hours=max_hours,
            min_ects=min_ects,
            max_ects=max_ects,
            max_price=max_price,
            currency=currency,
            max_duration_days=max_duration_days,
            delivery_mode=mode,
            pace=pace,
            language=language,
            min_completeness=min_completeness,
            sort=sort,
            limit=limit,
            offset=offset,
        ),
    )
    base = settings.public_base_url
    skills = [skill for version in page.items for skill in version.skills]
    return CataloguePage(
        items=[_item(version, base) for version in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        attribution=_attribution(skills),
    )


@router.get("/api/catalogue/{org}/{slug}", summary="A published definition")
def show_published(org: str, slug: str, db: DbSession, settings: AppSettings) -> DefinitionOut:
    version = service.published_version(db, _org(db, org), slug)
    return _definition_out(version, settings.public_base_url)


@router.get(
    "/definitions/{org}/{slug}/v{number}",
    summary="A definition version as OB 3.0 Achievement JSON-LD (the achievement id)",
    response_class=JSONResponse,
    responses={200: {"content": {JSON_LD: {}}}},
)
def achievement(
    org: str, slug: str, number: int, db: DbSession, settings: AppSettings
) -> JSONResponse:
    version = service.version_by_number(db, _org(db, org), slug, number)
    if version.status == "draft":
        raise DefinitionNotFound(
            f"Version {number} of {org}/{slug} is not published; drafts have no public URL."
        )
    document = achievement_document(version, base_url=settings.public_base_url)
    return JSONResponse(
        document,
        media_type=JSON_LD,
        headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
    )


# -- definitions of an organisation -------------------------------------------------------
@router.get("/api/orgs/{org}/definitions", summary="Definitions of an organisation")
def list_definitions(
    org: str, db: DbSession, principal: Principal, settings: AppSettings
) -> list[DefinitionOut]:
    organisation = _org(db, org)
    accounts.authorize(db, principal, organisation, "definition.read")
    return [
        _definition_out(version, settings.public_base_url)
        for _, version in service.list_definitions(db, organisation)
    ]


@router.get("/api/orgs/{org}/definitions/{slug}", summary="The latest version, drafts included")
def show_latest(
    org: str, slug: str, db: DbSession, principal: Principal, settings: AppSettings
) -> DefinitionOut:
    organisation = _org(db, org)
    accounts.authorize(db, principal, organisation, "definition.read")
    definition = service.get_definition(db, organisation, slug)
    return _definition_out(service.latest_version(db, definition), settings.public_base_url)


@router.post(
    "/api/orgs/{org}/definitions",
    status_code=status.HTTP_201_CREATED,
    summary="Create a definition (version 1, draft)",
)
def create(
    org: str, body: DefinitionCreateIn, db: DbSession, principal: Principal, settings: AppSettings
) -> DefinitionOut:
    version = service.create_definition(
        db, organisation=_org(db, org), slug=body.slug, data=body.changes(), principal=principal
    )
    return _definition_out(version, settings.public_base_url)


@router.patch(
    "/api/orgs/{org}/definitions/{slug}",
    summary="Edit the draft, or start a new draft version from the published one",
)
def update(
    org: str,
    slug: str,
    body: DefinitionFieldsIn,
    db: DbSession,
    principal: Principal,
    settings: AppSettings,
) -> DefinitionOut:
    version = service.update_definition(
        db, organisation=_org(db, org), slug=slug, data=body.changes(), principal=principal
    )
    return _definition_out(version, settings.public_base_url)


@router.post("/api/orgs/{org}/definitions/{slug}/publish", summary="Publish the latest draft")
def publish(
    org: str, slug: str, db: DbSession, principal: Principal, settings: AppSettings
) -> DefinitionOut:
    version = service.publish(db, organisation=_org(db, org), slug=slug, principal=principal)
    return _definition_out(version, settings.public_base_url)


@router.post("/api/orgs/{org}/definitions/{slug}/retire", summary="Retire a definition")
def retire(
    org: str, slug: str, db: DbSession, principal: Principal, settings: AppSettings
) -> DefinitionOut:
    version = service.retire(db, organisation=_org(db, org), slug=slug, principal=principal)
    return _definition_out(version, settings.public_base_url)


# -- skills -------------------------------------------------------------------------------
@router.get("/api/skills", summary="Find skills (for a skill picker)", tags=["skills"])
def skills(
    db: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    framework: Annotated[str | None, Query(max_length=140)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> SkillPage:
    found = search_skills(db, q, framework=framework, limit=limit)
    return SkillPage(items=[skill_out(skill) for skill in found], attribution=_attribution(found))


def _framework_out(
    framework: SkillFramework, count: int, organisation: str | None, skills: list[Skill] | None
) -> FrameworkOut:
    return FrameworkOut(
        slug=framework.slug,
        name=framework.name,
        description=framework.description,
        url=framework.url,
        organisation=organisation,
        skill_count=count,
        attribution=framework.attribution,
        skills=None if skills is None else [skill_out(skill) for skill in skills],
    )


@router.get("/api/skills/frameworks", summary="Platform skills frameworks", tags=["skills"])
def frameworks(db: DbSession) -> list[FrameworkOut]:
    return [_framework_out(fw, count, None, None) for fw, count in list_frameworks(db)]


@router.post(
    "/api/orgs/{org}/frameworks",
    status_code=status.HTTP_201_CREATED,
    summary="Create a custom skills framework (with skills)",
    tags=["skills"],
)
def create_custom_framework(
    org: str, body: FrameworkIn, db: DbSession, principal: Principal, settings: AppSettings
) -> FrameworkOut:
    organisation = _org(db, org)
    framework = create_framework(
        db,
        organisation=organisation,
        slug=body.slug,
        name=body.name,
        description=body.description,
        url=body.url,
        principal=principal,
    )
    added = [
        add_skill(
            db,
            framework=framework,
            organisation=organisation,
            label=item.label,
            description=item.description,
            code=item.code,
            uri=item.uri,
            skill_type=item.skill_type,
            base_url=settings.public_base_url,
            principal=principal,
        )
        for item in body.skills
    ]
    return _framework_out(framework, len(added), organisation.slug, added)
