"""The Open Badges 3.0 Achievement of a definition version, with the EU elements.

Where OB 3.0 has a home for an EU standard element it is used: ``alignment`` for skills
(ESCO concept URIs) and the EQF level, ``creditsAvailable`` for ECTS credits,
``inLanguage``, ``fieldOfStudy``, ``tag``, ``achievementType`` ``MicroCredential``. The
other elements use the terms of microcred's extension context
(:data:`EXTENSION_CONTEXT`, documented in ``docs/extension-context.md``), so a credential
whose ``@context`` is :data:`CREDENTIAL_CONTEXTS` defines every term it uses and can be
signed in safe mode.
"""

from __future__ import annotations

from typing import Any, Final

from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.catalogue.skills import ESCO_FRAMEWORK_SLUG
from microcred.catalogue.types import format_price
from microcred.credentials.model import (
    OB3_CONTEXT,
    VC_V2_CONTEXT,
    Achievement,
    Alignment,
    Criteria,
    Image,
    Profile,
    eqf_alignment,
)

__all__ = [
    "CREDENTIAL_CONTEXTS",
    "EXTENSION_CONTEXT",
    "achievement_id",
    "achievement_json",
    "skill_alignment",
]

#: microcred's JSON-LD extension context for the EU micro-credential elements.
EXTENSION_CONTEXT: Final = "https://w3id.org/microcred/v1"
#: The ``@context`` of a credential that embeds :func:`achievement_json`.
CREDENTIAL_CONTEXTS: Final[list[str]] = [VC_V2_CONTEXT, OB3_CONTEXT, EXTENSION_CONTEXT]


def achievement_id(base_url: str, org_slug: str, slug: str, version: int) -> str:
    """The dereferenceable URL of a definition version (``GET /definitions/...``)."""
    return f"{base_url.rstrip('/')}/definitions/{org_slug}/{slug}/v{version}"


def skill_alignment(skill: Skill) -> Alignment:
    """An OB 3.0 Alignment to a skill; ESCO concepts get ``targetType`` ``ext:ESCOSkill``."""
    framework = skill.framework
    esco = framework.slug == ESCO_FRAMEWORK_SLUG
    return Alignment(
        target_name=skill.label,
        target_url=skill.uri,
        target_description=skill.description or None,
        target_framework="ESCO" if esco else framework.name,
        target_type="ext:ESCOSkill" if esco else "ext:Skill",
    )


def _extension_terms(version: DefinitionVersion) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    if version.learning_outcomes:
        terms["learningOutcomes"] = list(version.learning_outcomes)
    if version.workload_hours is not None:
        terms["workloadHours"] = version.workload_hours
    if version.eqf_level is not None:
        terms["eqfLevel"] = version.eqf_level
    simple = {
        "assessmentType": version.assessment_type,
        "participationForm": version.participation_form or version.delivery_mode,
        "deliveryMode": version.delivery_mode,
        "pace": version.pace,
        "qualityAssurance": version.quality_assurance,
        "supervision": version.supervision,
        "prerequisites": version.prerequisites,
        "stackability": version.stackability,
        "duration": version.duration,
    }
    terms.update({key: value for key, value in simple.items() if value})
    if version.identity_verification is not None:
        terms["identityVerification"] = version.identity_verification
    if version.price_cents is not None and version.currency:
        terms["price"] = format_price(version.price_cents)
        terms["priceCurrency"] = version.currency
    return terms


def achievement_model(version: DefinitionVersion, *, base_url: str) -> Achievement:
    """The :class:`~microcred.credentials.model.Achievement` of ``version``."""
    definition = version.definition
    organisation = definition.organisation
    alignments = [skill_alignment(skill) for skill in version.skills]
    if version.eqf_level is not None:
        alignments.append(eqf_alignment(version.eqf_level))
    return Achievement(
        id=achievement_id(base_url, organisation.slug, definition.slug, version.version),
        name=version.title,
        description=version.description,
        criteria=Criteria(
            id=version.criteria_url,
            narrative=version.criteria_narrative
            or (
                "Achieve the learning outcomes:\n\n"
                + "\n".join(f"- {outcome}" for outcome in version.learning_outcomes)
                if version.learning_outcomes
                else None
            ),
        ),
        achievement_type=version.achievement_type,
        image=Image(id=version.image_url) if version.image_url else None,
        alignment=tuple(alignments),
        credits_available=version.ects,
        field_of_study=version.field_of_study,
        human_code=definition.slug,
        in_language=version.language,
        tag=tuple(version.tags),
        version=str(version.version),
        creator=Profile(id=organisation.did, name=organisation.name),
        extra=_extension_terms(version),
    )


def achievement_json(version: DefinitionVersion, *, base_url: str) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON of ``version`` (no ``@context``: it is embedded in a
    credential whose ``@context`` is :data:`CREDENTIAL_CONTEXTS`)."""
    return achievement_model(version, base_url=base_url).to_json()


def achievement_document(version: DefinitionVersion, *, base_url: str) -> dict[str, Any]:
    """The Achievement as a standalone JSON-LD document, served at its id."""
    return {"@context": list(CREDENTIAL_CONTEXTS), **achievement_json(version, base_url=base_url)}
