"""The OB 3.0 Achievement of a definition, the extension context, and safe-mode signing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.accounts.models import Organisation
from microcred.catalogue.achievement import (
    CREDENTIAL_CONTEXTS,
    EXTENSION_CONTEXT,
    achievement_document,
    achievement_json,
)
from microcred.catalogue.models import (
    Definition,
    DefinitionSkill,
    DefinitionVersion,
    Skill,
    SkillFramework,
)
from microcred.catalogue.types import parse_fields
from microcred.credentials import jsonld, proofs
from microcred.credentials.errors import UndefinedTermError
from microcred.credentials.keys import KeyFile, KeyPair
from microcred.credentials.model import (
    Achievement,
    IdentityObject,
    Profile,
    build_achievement_credential,
)
from microcred.credentials.report import CheckStatus
from microcred.credentials.schemas import validate
from microcred.credentials.verify import verify

BASE = "https://microcred.example"
KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))
ISSUER = KeyFile.for_key(KEY).controller
ESCO_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def _version(**overrides: Any) -> DefinitionVersion:
    """A transient definition version (no database), built like the service builds one."""
    org = Organisation(slug="acme", name="Acme Academy", did=ISSUER, did_method="key")
    definition = Definition(slug="py-data", organisation=org)
    esco = SkillFramework(slug="esco", name="ESCO")
    custom = SkillFramework(slug="acme:internal", name="Acme skills")
    skills = [
        Skill(
            uri=ESCO_URI,
            label="Python (computer programming)",
            description="Python.",
            framework=esco,
        ),
        Skill(
            uri=f"{BASE}/skills/frameworks/acme:internal/1",
            label="Acme tooling",
            description="",
            framework=custom,
        ),
    ]
    fields = {
        "title": "Python for Data Analysis",
        "description": "Clean, analyse and visualise tabular data with Python.",
        "learning_outcomes": ["Load and clean CSV data", "Plot distributions"],
        "criteria_narrative": "Pass the final project.",
        "eqf_level": 5,
        "workload_hours": 50,
        "ects": 2,
        "duration": "P6W",
        "price": "199.5",
        "currency": "eur",
        "delivery_mode": "blended",
        "pace": "scheduled",
        "language": "pt-br",
        "assessment_type": "Project",
        "participation_form": "blended",
        "quality_assurance": "Faculty board",
        "supervision": "supervised-onsite",
        "identity_verification": True,
        "prerequisites": "None",
        "stackability": "stackable",
        "image_url": "https://microcred.example/badge.png",
        "tags": ["python", "data"],
        "field_of_study": "Computer science",
    }
    fields.update(overrides)
    values = parse_fields(fields, partial=False)
    version = DefinitionVersion(definition=definition, version=3, status="published")
    for name, value in values.items():
        setattr(version, "price_cents" if name == "price" else name, value)
    version.skill_links = [DefinitionSkill(skill=s, position=i) for i, s in enumerate(skills)]
    return version


def test_achievement_has_ob3_fields_and_eu_elements() -> None:
    doc = achievement_json(_version(), base_url=BASE + "/")
    assert doc["id"] == f"{BASE}/definitions/acme/py-data/v3"
    assert doc["type"] == ["Achievement"]
    assert doc["achievementType"] == "MicroCredential"
    assert doc["criteria"] == {"narrative": "Pass the final project."}
    assert doc["creditsAvailable"] == 2
    assert doc["inLanguage"] == "pt-BR"
    assert doc["tag"] == ["python", "data"]
    assert doc["fieldOfStudy"] == "Computer science"
    assert doc["version"] == "3"
    assert doc["image"] == {"id": "https://microcred.example/badge.png", "type": "Image"}
    esco, custom, eqf = doc["alignment"]
    assert esco["targetUrl"] == ESCO_URI and esco["targetFramework"] == "ESCO"
    assert esco["targetType"] == "ext:ESCOSkill"
    assert custom["targetFramework"] == "Acme skills" and custom["targetType"] == "ext:Skill"
    assert eqf["targetType"] == "ext:EQF" and eqf["targetCode"] == "5"
    assert doc["learningOutcomes"] == ["Load and clean CSV data", "Plot distributions"]
    assert doc["workloadHours"] == 50 and doc["eqfLevel"] == 5
    assert doc["price"] == "199.50" and doc["priceCurrency"] == "EUR"
    assert doc["identityVerification"] is True
    assert (doc["deliveryMode"], doc["pace"], doc["participationForm"]) == (
        "blended",
        "scheduled",
        "blended",
    )
    assert doc["duration"] == "P6W" and doc["stackability"] == "stackable"
    Achievement.from_json(doc)  # the core model reads it back


def test_criteria_default_to_the_learning_outcomes_and_empty_terms_are_left_out() -> None:
    doc = achievement_json(
        _version(criteria_narrative=None, price=None, identity_verification=None, eqf_level=None),
        base_url=BASE,
    )
    assert doc["criteria"]["narrative"].startswith("Achieve the learning outcomes:")
    assert "- Plot distributions" in doc["criteria"]["narrative"]
    assert "price" not in doc and "identityVerification" not in doc and "eqfLevel" not in doc
    assert all(a["targetType"] != "ext:EQF" for a in doc["alignment"])


def test_the_core_loader_serves_the_extension_context() -> None:
    assert EXTENSION_CONTEXT in jsonld.KNOWN_CONTEXTS
    context = jsonld.DEFAULT_LOADER(EXTENSION_CONTEXT)["@context"]
    assert context["@protected"] is True
    terms = {k: v for k, v in context.items() if not k.startswith("@")}
    assert {"workloadHours", "eqfLevel", "learningOutcomes", "qualityAssurance"} <= set(terms)
    for term, definition in terms.items():
        assert definition["@id"] == f"https://w3id.org/microcred/v1#{term}"
    # Every term is documented.
    text = (Path(__file__).resolve().parents[3] / "docs" / "extension-context.md").read_text(
        "utf-8"
    )
    for term in terms:
        assert f"`{term}`" in text, term


def _credential(version: DefinitionVersion) -> dict[str, Any]:
    credential = build_achievement_credential(
        id="urn:uuid:2f6b1f0e-5d0c-4a51-9a8a-6f5b0a6c1d11",
        issuer=Profile(id=ISSUER, name="Acme Academy"),
        achievement=Achievement.from_json(achievement_json(version, base_url=BASE)),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        identifier=[IdentityObject.for_email("learner@example.org", "salt")],
    )
    credential["@context"] = list(CREDENTIAL_CONTEXTS)
    return credential


def test_a_credential_with_the_achievement_signs_in_safe_mode_and_verifies() -> None:
    signed = proofs.sign(_credential(_version()), KEY, created=datetime(2026, 1, 1, tzinfo=UTC))
    assert validate(signed) == []
    report = verify(signed, now=datetime(2026, 6, 1, tzinfo=UTC))
    statuses = {check.name: check.status for check in report.checks}
    assert report.verified, [c.to_json() for c in report.failures]
    assert statuses["terms"] is CheckStatus.PASSED
    assert statuses["schema"] is CheckStatus.PASSED
    # The EU elements are signed: changing one breaks the proof.
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["workloadHours"] = 5
    assert not verify(tampered, now=datetime(2026, 6, 1, tzinfo=UTC)).verified


def test_without_the_extension_context_safe_mode_refuses() -> None:
    credential = _credential(_version())
    credential["@context"] = CREDENTIAL_CONTEXTS[:2]
    with pytest.raises(UndefinedTermError):
        proofs.sign(credential, KEY)


def test_achievement_document_is_standalone_json_ld() -> None:
    doc = achievement_document(_version(), base_url=BASE)
    assert doc["@context"] == CREDENTIAL_CONTEXTS
    assert jsonld.undefined_terms(doc) == []
