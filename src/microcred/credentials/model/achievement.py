"""Achievement and its parts, the issuer Profile, and the AchievementSubject (OB 3.0 data
model: Achievement, Alignment, Criteria, Image, Profile, Result, ResultDescription,
Evidence, AchievementSubject)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from microcred.credentials.model.base import JsonModel
from microcred.credentials.model.identity import IdentityObject

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Alignment",
    "Criteria",
    "Evidence",
    "Image",
    "Profile",
    "Result",
    "ResultDescription",
    "eqf_alignment",
]


@dataclass(frozen=True)
class Image(JsonModel):
    """OB 3.0 Image: ``id`` is the image URL or a data: URI."""

    id: str
    type: str = "Image"
    caption: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Criteria(JsonModel):
    """OB 3.0 Criteria: a URL (``id``) and/or a Markdown ``narrative``."""

    id: str | None = None
    narrative: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Alignment(JsonModel):
    """OB 3.0 Alignment to a node in a framework. ``target_type`` is an AlignmentTargetType
    (``ceasn:Competency``, ``CFItem``... or an ``ext:`` extension value)."""

    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    target_type: str | None = None
    type: tuple[str, ...] = ("Alignment",)
    extra: Mapping[str, Any] = field(default_factory=dict)


def eqf_alignment(level: int) -> Alignment:
    """An alignment to a European Qualifications Framework level (1-8).

    ``targetType`` ``ext:EQF`` uses the AlignmentTargetType extension form the OB 3.0
    schema accepts (``ext:`` followed by a name).
    """
    if not 1 <= level <= 8:
        raise ValueError(f"EQF levels are 1 to 8, not {level}.")
    return Alignment(
        target_name=f"EQF level {level}",
        target_url="https://europass.europa.eu/en/description-eight-eqf-levels",
        target_framework="European Qualifications Framework",
        target_code=str(level),
        target_type="ext:EQF",
    )


@dataclass(frozen=True)
class ResultDescription(JsonModel):
    """OB 3.0 ResultDescription: a result the achievement can have (grade, score...)."""

    id: str
    name: str
    result_type: str
    alignment: tuple[Alignment, ...] = ()
    allowed_value: tuple[str, ...] = ()
    required_level: str | None = None
    required_value: str | None = None
    rubric_criterion_level: tuple[Any, ...] = ()
    value_max: str | None = None
    value_min: str | None = None
    type: tuple[str, ...] = ("ResultDescription",)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Profile(JsonModel):
    """OB 3.0 Profile (the issuer, a creator or a source). ``endorsement`` entries are
    signed credentials and are kept exactly as given."""

    id: str
    name: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | None = None
    address: Any = None
    other_identifier: tuple[Any, ...] = ()
    official: str | None = None
    parent_org: Profile | None = None
    endorsement: tuple[Any, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    family_name: str | None = None
    given_name: str | None = None
    date_of_birth: date | None = None
    type: tuple[str, ...] = ("Profile",)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def coerce(cls, value: Any, where: str) -> Mapping[str, Any]:
        """A Profile may be referenced by its IRI alone (VC ``issuer`` as a string)."""
        if isinstance(value, str):
            return {"id": value}
        return super().coerce(value, where)


@dataclass(frozen=True)
class Achievement(JsonModel):
    """OB 3.0 Achievement: what was accomplished (a course, competency, micro-credential)."""

    id: str
    name: str
    description: str
    criteria: Criteria
    achievement_type: str | None = None
    image: Image | None = None
    alignment: tuple[Alignment, ...] = ()
    result_description: tuple[ResultDescription, ...] = ()
    credits_available: float | None = None
    field_of_study: str | None = None
    specialization: str | None = None
    human_code: str | None = None
    in_language: str | None = None
    tag: tuple[str, ...] = ()
    version: str | None = None
    creator: Profile | None = None
    related: tuple[Any, ...] = ()
    other_identifier: tuple[Any, ...] = ()
    endorsement: tuple[Any, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    type: tuple[str, ...] = ("Achievement",)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result(JsonModel):
    """OB 3.0 Result: the recipient's result for one ResultDescription (by its id)."""

    result_description: str | None = None
    value: str | None = None
    achieved_level: str | None = None
    status: str | None = None
    alignment: tuple[Alignment, ...] = ()
    type: tuple[str, ...] = ("Result",)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evidence(JsonModel):
    """OB 3.0 Evidence of the work that led to the award."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None
    type: tuple[str, ...] = ("Evidence",)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AchievementSubject(JsonModel):
    """OB 3.0 AchievementSubject: the recipient (``id`` or ``identifier``) and the award."""

    achievement: Achievement
    id: str | None = None
    identifier: tuple[IdentityObject, ...] = ()
    result: tuple[Result, ...] = ()
    credits_earned: float | None = None
    activity_start_date: datetime | None = None
    activity_end_date: datetime | None = None
    term: str | None = None
    license_number: str | None = None
    narrative: str | None = None
    role: str | None = None
    image: Image | None = None
    source: Profile | None = None
    type: tuple[str, ...] = ("AchievementSubject",)
    extra: Mapping[str, Any] = field(default_factory=dict)
