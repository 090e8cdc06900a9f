"""The values the catalogue's filters offer: what the published catalogue contains."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.catalogue.models import Definition, DefinitionSkill, DefinitionVersion, Skill

__all__ = ["providers_with_published", "published_languages", "published_skills"]


def published_skills(db: Session) -> list[Skill]:
    """Skills that at least one published definition is aligned to, by label."""
    used = (
        select(DefinitionSkill.skill_id)
        .join(DefinitionVersion, DefinitionVersion.id == DefinitionSkill.version_id)
        .join(Definition, Definition.published_version_id == DefinitionVersion.id)
        .where(DefinitionVersion.status == "published")
        .distinct()
    )
    return list(db.scalars(select(Skill).where(Skill.id.in_(used)).order_by(Skill.label)).all())


def providers_with_published(db: Session) -> list[Organisation]:
    """Organisations with at least one published definition, by name."""
    with_published = select(Definition.organisation_id).where(
        Definition.published_version_id.is_not(None)
    )
    return list(
        db.scalars(
            select(Organisation)
            .where(Organisation.id.in_(with_published))
            .order_by(Organisation.name)
        ).all()
    )


def published_languages(db: Session) -> list[str]:
    """Languages of the published definitions, sorted."""
    rows = db.scalars(
        select(DefinitionVersion.language)
        .join(Definition, Definition.published_version_id == DefinitionVersion.id)
        .where(DefinitionVersion.language.is_not(None))
        .distinct()
    ).all()
    return sorted(str(row) for row in rows if row)
