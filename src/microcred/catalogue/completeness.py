"""How complete a definition is, against the EU standard elements and OB 3.0.

Each :class:`Element` names where it comes from: the EU Council Recommendation on
micro-credentials (2022/C 243/02, Annex I; mandatory and optional elements, see
``standards/README.md`` section 5) or Open Badges 3.0 (fields the Achievement schema
requires, and fields the specification recommends for discovery). Elements of the award
itself (learner, date of issuing) and of the issuer (awarding body, country) are not
properties of a definition and are not scored here.

Elements with ``required=True`` block publishing (:func:`microcred.catalogue.service.publish`).
The score is the weighted share of elements present: required 3, EU mandatory-but-
conditional 2, recommended and optional 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, literal, or_

from microcred.catalogue.models import DefinitionSkill, DefinitionVersion

__all__ = [
    "ELEMENTS",
    "Completeness",
    "Element",
    "completeness",
    "min_weight_for",
    "score_condition",
    "sql_present",
]

Source = Literal["eu-mandatory", "eu-optional", "ob3-required", "ob3-recommended"]


@dataclass(frozen=True)
class Element:
    key: str
    label: str
    source: Source
    required: bool
    weight: int
    present: Callable[[DefinitionVersion], bool]


def _has(name: str) -> Callable[[DefinitionVersion], bool]:
    def check(version: DefinitionVersion) -> bool:
        value = getattr(version, name)
        return value is not None and value not in ("", [])

    return check


ELEMENTS: Final[tuple[Element, ...]] = (
    Element(
        "title",
        "Title of the micro-credential (EU 2; OB name)",
        "eu-mandatory",
        True,
        3,
        _has("title"),
    ),
    Element(
        "description", "Description (OB required)", "ob3-required", True, 3, _has("description")
    ),
    Element(
        "criteria",
        "Criteria: narrative or URL (OB required)",
        "ob3-required",
        True,
        3,
        lambda v: bool(v.criteria_narrative or v.criteria_url),
    ),
    Element(
        "learning_outcomes",
        "Learning outcomes (EU 6)",
        "eu-mandatory",
        True,
        3,
        _has("learning_outcomes"),
    ),
    Element(
        "workload",
        "Notional workload in hours or ECTS (EU 7)",
        "eu-mandatory",
        True,
        3,
        lambda v: v.workload_hours is not None or v.ects is not None,
    ),
    Element(
        "eqf_level",
        "Level: EQF 1-8, if applicable (EU 8)",
        "eu-mandatory",
        False,
        2,
        _has("eqf_level"),
    ),
    Element(
        "assessment_type",
        "Type of assessment (EU 9)",
        "eu-mandatory",
        True,
        3,
        _has("assessment_type"),
    ),
    Element(
        "participation",
        "Form of participation: online, onsite, blended... (EU 10)",
        "eu-mandatory",
        True,
        3,
        lambda v: bool(v.participation_form or v.delivery_mode),
    ),
    Element(
        "quality_assurance",
        "Type of quality assurance (EU 11)",
        "eu-mandatory",
        True,
        3,
        _has("quality_assurance"),
    ),
    Element(
        "ects",
        "Workload in ECTS credits, wherever possible (EU 7)",
        "eu-mandatory",
        False,
        2,
        _has("ects"),
    ),
    Element(
        "prerequisites",
        "Prerequisites to enrol (EU optional)",
        "eu-optional",
        False,
        1,
        _has("prerequisites"),
    ),
    Element(
        "supervision",
        "Supervision and identity verification during assessment (EU optional)",
        "eu-optional",
        False,
        1,
        lambda v: v.supervision is not None and v.identity_verification is not None,
    ),
    Element(
        "stackability",
        "Integration / stackability options (EU optional)",
        "eu-optional",
        False,
        1,
        _has("stackability"),
    ),
    Element(
        "duration", "Duration (further information)", "eu-optional", False, 1, _has("duration")
    ),
    Element(
        "price",
        "Cost and currency (further information)",
        "eu-optional",
        False,
        1,
        lambda v: v.price_cents is not None and v.currency is not None,
    ),
    Element("pace", "Pace: self-paced or scheduled", "eu-optional", False, 1, _has("pace")),
    Element(
        "skills",
        "Skills aligned to a framework (OB alignment)",
        "ob3-recommended",
        False,
        2,
        lambda v: bool(v.skill_links),
    ),
    Element(
        "language",
        "Language, BCP 47 (OB inLanguage)",
        "ob3-recommended",
        False,
        1,
        _has("language"),
    ),
    Element("image", "Image (OB image)", "ob3-recommended", False, 1, _has("image_url")),
    Element("tags", "Tags (OB tag)", "ob3-recommended", False, 1, _has("tags")),
    Element(
        "field_of_study",
        "Field of study (OB fieldOfStudy)",
        "ob3-recommended",
        False,
        1,
        _has("field_of_study"),
    ),
)


@dataclass(frozen=True)
class Completeness:
    score: int
    present: tuple[Element, ...]
    missing: tuple[Element, ...]

    @property
    def blocking(self) -> tuple[Element, ...]:
        """Missing elements that publishing needs."""
        return tuple(element for element in self.missing if element.required)

    def to_json(self) -> dict[str, object]:
        return {
            "score": self.score,
            "missing": [
                {"key": e.key, "label": e.label, "source": e.source, "required": e.required}
                for e in self.missing
            ],
            "present": [e.key for e in self.present],
        }


def completeness(version: DefinitionVersion) -> Completeness:
    """Score ``version`` from 0 to 100 and list what is missing."""
    present = tuple(element for element in ELEMENTS if element.present(version))
    missing = tuple(element for element in ELEMENTS if element not in present)
    total = sum(element.weight for element in ELEMENTS)
    score = round(100 * sum(element.weight for element in present) / total)
    return Completeness(score=score, present=present, missing=missing)


# -- the same score in SQL (catalogue filter ``min_completeness``) ---------------------------
def _text(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), column != "")


def _set(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None))


def _json_list(column: Any) -> ColumnElement[bool]:
    # Both engines keep the JSON text as SQLAlchemy wrote it: "[]" for an empty list
    # ("null" for None), so comparing the text is the same test on SQLite and PostgreSQL.
    text = cast(column, String)
    return and_(column.is_not(None), text.not_in(["[]", "null"]))


def sql_present() -> dict[str, ColumnElement[bool]]:
    """Per element key, a SQL condition on ``definition_versions`` that is true exactly
    when :attr:`Element.present` is (checked against the Python side in the tests)."""
    v = DefinitionVersion
    return {
        "title": _text(v.title),
        "description": _text(v.description),
        "criteria": or_(_text(v.criteria_narrative), _text(v.criteria_url)),
        "learning_outcomes": _json_list(v.learning_outcomes),
        "workload": or_(_set(v.workload_hours), _set(v.ects)),
        "eqf_level": _set(v.eqf_level),
        "assessment_type": _text(v.assessment_type),
        "participation": or_(_text(v.participation_form), _text(v.delivery_mode)),
        "quality_assurance": _text(v.quality_assurance),
        "ects": _set(v.ects),
        "prerequisites": _text(v.prerequisites),
        "supervision": and_(_set(v.supervision), _set(v.identity_verification)),
        "stackability": _text(v.stackability),
        "duration": _text(v.duration),
        "price": and_(_set(v.price_cents), _set(v.currency)),
        "pace": _text(v.pace),
        "skills": exists().where(DefinitionSkill.version_id == v.id),
        "language": _text(v.language),
        "image": _text(v.image_url),
        "tags": _json_list(v.tags),
        "field_of_study": _text(v.field_of_study),
    }


def min_weight_for(min_score: int) -> int:
    """The least present weight whose score (rounded as :func:`completeness` rounds) is at
    least ``min_score``; more than the total when no weight reaches it."""
    total = sum(element.weight for element in ELEMENTS)
    for weight in range(total + 1):
        if round(100 * weight / total) >= min_score:
            return weight
    return total + 1


def score_condition(min_score: int) -> ColumnElement[bool]:
    """``completeness(version).score >= min_score`` as a SQL condition."""
    conditions = sql_present()
    weight = sum(
        (case((conditions[element.key], element.weight), else_=0) for element in ELEMENTS),
        start=literal(0),
    )
    return weight >= min_weight_for(min_score)
