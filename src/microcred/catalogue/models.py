"""Tables of the catalogue: skills frameworks, skills, occupations, credential definitions.

A :class:`Definition` is the stable identity (organisation + slug); each change makes a
:class:`DefinitionVersion` (1, 2, ...). A version is ``draft`` until published; a
published version never changes again (credentials point at it), and retiring a
definition marks its published version ``retired``. ``Definition.published_version_id``
is the version the public catalogue shows.

Full-text search reads ``DefinitionVersion.search_document`` (text normalised by
:func:`microcred.catalogue.search.normalise`): SQLite indexes it in the FTS5 table
``definition_search`` (kept in sync by triggers, created by the migration), PostgreSQL in
the GIN expression index ``ix_definition_versions_search`` on
``to_tsvector('simple', search_document)``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microcred.accounts.models import Organisation
from microcred.catalogue.types import DEFINITION_FIELDS, format_price
from microcred.storage import Base, UTCDateTime, utcnow

__all__ = [
    "Definition",
    "DefinitionSkill",
    "DefinitionVersion",
    "Occupation",
    "OccupationSkill",
    "Skill",
    "SkillFramework",
]


class SkillFramework(Base):
    """A skills framework: ESCO (platform-wide) or a custom one of an organisation."""

    __tablename__ = "skill_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    attribution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Skill(Base):
    """A skill or knowledge concept; ``uri`` is its identifier (ESCO concept URI)."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("skill_frameworks.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(500), unique=True)
    label: Mapped[str] = mapped_column(String(500))
    alt_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    skill_type: Mapped[str | None] = mapped_column(String(40))
    search_label: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[SkillFramework] = relationship(lazy="joined")


class Occupation(Base):
    """An occupation (ESCO) with the skills it needs (:class:`OccupationSkill`)."""

    __tablename__ = "occupations"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("skill_frameworks.id", ondelete="CASCADE"), index=True
    )
    uri: Mapped[str] = mapped_column(String(500), unique=True)
    label: Mapped[str] = mapped_column(String(500))
    alt_labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")


class OccupationSkill(Base):
    """``relation_type`` is ``essential`` or ``optional`` (None when the source has none)."""

    __tablename__ = "occupation_skills"

    occupation_id: Mapped[int] = mapped_column(
        ForeignKey("occupations.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation_type: Mapped[str | None] = mapped_column(String(20))


class Definition(Base):
    """A credential definition of one organisation, identified by its slug."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(64))
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)


class DefinitionVersion(Base):
    """One version of a definition: OB 3.0 Achievement fields + EU standard elements."""

    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("definition_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("definitions.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    learning_outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    criteria_narrative: Mapped[str | None] = mapped_column(Text)
    criteria_url: Mapped[str | None] = mapped_column(Text)
    eqf_level: Mapped[int | None] = mapped_column(Integer)
    workload_hours: Mapped[float | None] = mapped_column(Float)
    ects: Mapped[float | None] = mapped_column(Float)
    duration: Mapped[str | None] = mapped_column(String(40))
    duration_days: Mapped[int | None] = mapped_column(Integer)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    delivery_mode: Mapped[str | None] = mapped_column(String(12))
    pace: Mapped[str | None] = mapped_column(String(12))
    language: Mapped[str | None] = mapped_column(String(35))
    assessment_type: Mapped[str | None] = mapped_column(Text)
    participation_form: Mapped[str | None] = mapped_column(String(20))
    quality_assurance: Mapped[str | None] = mapped_column(Text)
    supervision: Mapped[str | None] = mapped_column(String(20))
    identity_verification: Mapped[bool | None] = mapped_column(Boolean)
    prerequisites: Mapped[str | None] = mapped_column(Text)
    stackability: Mapped[str | None] = mapped_column(String(12))
    achievement_type: Mapped[str] = mapped_column(String(80), default="MicroCredential")
    image_url: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    field_of_study: Mapped[str | None] = mapped_column(String(200))
    search_document: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(320), default="")

    definition: Mapped[Definition] = relationship(
        lazy="joined", foreign_keys=[definition_id], innerjoin=True
    )
    skill_links: Mapped[list[DefinitionSkill]] = relationship(
        lazy="selectin",
        order_by="DefinitionSkill.position",
        cascade="all, delete-orphan",
    )

    @property
    def skills(self) -> list[Skill]:
        return [link.skill for link in self.skill_links]

    def field_values(self) -> dict[str, Any]:
        """The definition's members as :func:`~microcred.catalogue.types.parse_fields` names."""
        values: dict[str, Any] = {}
        for name in DEFINITION_FIELDS:
            if name == "skills":
                values[name] = [skill.uri for skill in self.skills]
            elif name == "price":
                values[name] = format_price(self.price_cents)
            else:
                values[name] = getattr(self, name)
        return values


class DefinitionSkill(Base):
    """A skill a definition version is aligned to, in the author's order."""

    __tablename__ = "definition_skills"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skills.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    skill: Mapped[Skill] = relationship(lazy="joined")


Index(
    "ix_definition_versions_search",
    func.to_tsvector(text("'simple'"), DefinitionVersion.search_document),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")
