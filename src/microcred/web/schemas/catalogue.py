"""Request and response shapes of the catalogue and skills API.

Definition bodies are checked here for shape (types, ranges) and again, authoritatively,
by :func:`microcred.catalogue.types.parse_fields`; PATCH bodies carry only the members to
change (``null`` clears an optional member).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

__all__ = [
    "CatalogueItem",
    "CataloguePage",
    "CompletenessOut",
    "DefinitionCreateIn",
    "DefinitionFieldsIn",
    "DefinitionOut",
    "FrameworkIn",
    "FrameworkOut",
    "MissingElementOut",
    "SkillIn",
    "SkillOut",
    "SkillPage",
]


def _z(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


class DefinitionFieldsIn(BaseModel):
    """The members of a credential definition (OB 3.0 Achievement + EU standard elements)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200, description="EU: title.")
    description: str | None = Field(default=None, max_length=10_000)
    learning_outcomes: list[str] | None = Field(default=None, max_length=50)
    criteria_narrative: str | None = Field(default=None, max_length=10_000)
    criteria_url: str | None = Field(default=None, max_length=2000)
    skills: list[str] | None = Field(
        default=None, max_length=100, description="Skill URIs (e.g. ESCO) or skill ids."
    )
    eqf_level: int | None = Field(default=None, ge=1, le=8)
    workload_hours: float | None = Field(default=None, ge=0.5, le=10_000)
    ects: float | None = Field(default=None, ge=0, le=300)
    duration: str | None = Field(default=None, max_length=40, examples=["P6W"])
    price: str | None = Field(default=None, max_length=20, examples=["199.00"])
    currency: str | None = Field(default=None, max_length=3, examples=["EUR"])
    delivery_mode: Literal["online", "onsite", "blended"] | None = None
    pace: Literal["self-paced", "scheduled"] | None = None
    language: str | None = Field(default=None, max_length=35, examples=["en"])
    assessment_type: str | None = Field(default=None, max_length=500)
    participation_form: (
        Literal["online", "onsite", "blended", "volunteering", "work-experience"] | None
    ) = None
    quality_assurance: str | None = Field(default=None, max_length=2000)
    supervision: (
        Literal["unsupervised", "supervised", "supervised-online", "supervised-onsite"] | None
    ) = None
    identity_verification: bool | None = None
    prerequisites: str | None = Field(default=None, max_length=5000)
    stackability: Literal["standalone", "stackable"] | None = None
    achievement_type: str | None = Field(default=None, max_length=80)
    image_url: str | None = Field(default=None, max_length=200_000)
    tags: list[str] | None = Field(default=None, max_length=30)
    field_of_study: str | None = Field(default=None, max_length=200)

    def changes(self) -> dict[str, Any]:
        """Only the members the client sent."""
        return self.model_dump(exclude_unset=True, exclude={"slug"})


class DefinitionCreateIn(DefinitionFieldsIn):
    slug: str = Field(max_length=64, examples=["python-data-101"])
    title: str = Field(max_length=200)
    description: str = Field(max_length=10_000)


class SkillOut(BaseModel):
    id: int
    uri: str
    label: str
    description: str
    skill_type: str | None
    framework: str
    alt_labels: list[str] = []


class SkillPage(BaseModel):
    items: list[SkillOut]
    attribution: str | None = None


class MissingElementOut(BaseModel):
    key: str
    label: str
    source: str
    required: bool


class CompletenessOut(BaseModel):
    score: int
    missing: list[MissingElementOut]
    present: list[str]


class DefinitionOut(BaseModel):
    organisation: str
    slug: str
    version: int
    status: str
    published_version: int | None
    achievement_id: str
    fields: dict[str, Any]
    skills: list[SkillOut]
    completeness: CompletenessOut
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None
    attribution: str | None = None

    @field_serializer("created_at", "updated_at", "published_at", "retired_at")
    def _times(self, value: datetime | None) -> str | None:
        return _z(value)


class CatalogueItem(BaseModel):
    organisation: str
    organisation_name: str
    slug: str
    version: int
    title: str
    description: str
    eqf_level: int | None
    workload_hours: float | None
    ects: float | None
    duration: str | None
    price: str | None
    currency: str | None
    delivery_mode: str | None
    pace: str | None
    language: str | None
    skills: list[SkillOut]
    achievement_id: str
    published_at: datetime | None
    completeness: CompletenessOut | None = None

    @field_serializer("published_at")
    def _time(self, value: datetime | None) -> str | None:
        return _z(value)


class CataloguePage(BaseModel):
    items: list[CatalogueItem]
    total: int
    limit: int
    offset: int
    attribution: str | None = None


class SkillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(max_length=500)
    description: str = Field(default="", max_length=10_000)
    code: str | None = Field(default=None, max_length=100)
    uri: str | None = Field(default=None, max_length=480)
    skill_type: str | None = Field(default="skill", max_length=40)


class FrameworkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    url: str | None = Field(default=None, max_length=500)
    skills: list[SkillIn] = Field(default=[], max_length=1000)


class FrameworkOut(BaseModel):
    slug: str
    name: str
    description: str
    url: str | None
    organisation: str | None
    skill_count: int
    attribution: str | None
    skills: list[SkillOut] | None = None
