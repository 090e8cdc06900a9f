"""Demo data for page tests (functional and browser), made through the real services:
an organisation (did:web under the app's base URL) with published definitions aligned to
ESCO skills, a credential awarded to a learner and a revoked one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.esco import ensure_esco_framework, load_bundled_esco
from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.catalogue.skills import skill_search_label
from microcred.issuing import service as issuing
from microcred.issuing.models import Award

SYSTEM = Actor.system("page-tests")
PYTHON_SKILL = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
ACCESSIBILITY_SKILL = "http://data.europa.eu/esco/skill/3e23db60-0c3d-498a-a6ac-ffbed0ecb033"


@dataclass
class Demo:
    org: Organisation
    python: DefinitionVersion
    web: DefinitionVersion
    award: Award
    revoked: Award

    @property
    def credential(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.award.credential_json)
        return value

    @property
    def credential_text(self) -> str:
        return self.award.credential_json


def _skill(session: Session, uri: str, label: str) -> Skill:
    found = session.scalar(select(Skill).where(Skill.uri == uri))
    if found is not None:
        return found
    framework = ensure_esco_framework(session)
    skill = Skill(
        framework_id=framework.id,
        uri=uri,
        label=label,
        alt_labels=[],
        description="",
        skill_type="skill/competence",
        search_label=skill_search_label(label, []),
    )
    session.add(skill)
    session.flush()
    return skill


def fields(**overrides: Any) -> dict[str, Any]:
    """A definition with every standard element filled in."""
    values: dict[str, Any] = {
        "title": "Python for Data Analysis",
        "description": "Clean, analyse and visualise tabular data with Python.",
        "learning_outcomes": ["Load and clean CSV data", "Plot distributions"],
        "criteria_narrative": "Pass the final project, reviewed by an assessor.",
        "eqf_level": 5,
        "workload_hours": 50,
        "ects": 2,
        "duration": "P6W",
        "price": "199.00",
        "currency": "EUR",
        "delivery_mode": "online",
        "pace": "self-paced",
        "language": "en",
        "assessment_type": "Project reviewed by an assessor",
        "participation_form": "online",
        "quality_assurance": "Internal QA by the faculty board",
        "supervision": "supervised-online",
        "identity_verification": True,
        "prerequisites": "Basic programming",
        "stackability": "stackable",
        "tags": ["python", "data"],
        "field_of_study": "Computer science",
    }
    values.update(overrides)
    return values


def publish(session: Session, org: Organisation, slug: str, **overrides: Any) -> DefinitionVersion:
    catalogue.create_definition(
        session, organisation=org, slug=slug, data=fields(**overrides), principal=OPERATOR
    )
    return catalogue.publish(session, organisation=org, slug=slug, principal=OPERATOR)


def award(
    session: Session,
    org: Organisation,
    version: DefinitionVersion,
    *,
    base_url: str,
    master_key: bytes,
    email: str = "ann@example.org",
    name: str | None = "Ann Learner",
) -> Award:
    return issuing.issue(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=base_url,
        master_key=master_key,
        recipient_email=email,
        recipient_name=name,
    ).award


def seed_demo(
    session: Session, *, base_url: str, master_key: bytes, full_esco: bool = False
) -> Demo:
    """The demo data; ``full_esco`` loads the bundled ESCO subset (else just two skills)."""
    if full_esco:
        load_bundled_esco(session)
    python = _skill(session, PYTHON_SKILL, "Python (computer programming)")
    a11y = _skill(session, ACCESSIBILITY_SKILL, "ICT accessibility standards")
    org = accounts.create_organisation(
        session,
        slug="acme",
        name="Acme Academy",
        base_url=base_url,
        did_method="web",
        master_key=master_key,
        actor=SYSTEM,
    )
    py = publish(session, org, "py-data", skills=[python.uri])
    web = publish(
        session,
        org,
        "web-a11y",
        title="Accessible Web Pages",
        description="Build web pages everyone can use, checked against WCAG.",
        skills=[a11y.uri],
        eqf_level=4,
        workload_hours=25,
        ects=1,
        price="0",
        delivery_mode="onsite",
        pace="scheduled",
        language="fr",
        duration="P2W",
        tags=["web", "accessibility"],
    )
    given = award(session, org, py, base_url=base_url, master_key=master_key)
    revoked = award(
        session,
        org,
        web,
        base_url=base_url,
        master_key=master_key,
        email="bob@example.org",
        name="Bob Learner",
    )
    issuing.set_status(
        session,
        revoked.id,
        "revoke",
        reason="Issued by mistake",
        actor=SYSTEM,
        base_url=base_url,
        master_key=master_key,
    )
    session.flush()
    return Demo(org=org, python=py, web=web, award=given, revoked=revoked)
