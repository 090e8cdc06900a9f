"""Test data for the catalogue: organisations, users with roles, skills and definitions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Actor, Principal
from microcred.catalogue import service
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.esco import ensure_esco_framework
from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.catalogue.skills import skill_search_label

MASTER = b"catalogue-test-master-key-0123456789abcdef"
BASE = "https://issuers.example.org"
SYSTEM = Actor.system("test")


def make_org(session: Session, slug: str, *, name: str | None = None) -> Organisation:
    return accounts.create_organisation(
        session,
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        base_url=BASE,
        did_method="key",
        master_key=MASTER,
        actor=SYSTEM,
    )


def make_member(session: Session, org: Organisation, email: str, role: str) -> Principal:
    user = accounts.get_user_by_email(session, email)
    if user is None:
        user = accounts.create_user(session, email=email, password="correct horse battery")
    accounts.add_member(session, organisation=org, user=user, role=role, actor=SYSTEM)
    return accounts.principal_for_user(user)


def user_principal(user: User) -> Principal:
    return accounts.principal_for_user(user)


def make_esco_skill(session: Session, uid: str, label: str, description: str = "") -> Skill:
    framework = ensure_esco_framework(session)
    skill = Skill(
        framework_id=framework.id,
        uri=f"http://data.europa.eu/esco/skill/{uid}",
        label=label,
        alt_labels=[],
        description=description,
        skill_type="skill/competence",
        search_label=skill_search_label(label, []),
    )
    session.add(skill)
    session.flush()
    return skill


def complete_fields(**overrides: Any) -> dict[str, Any]:
    """A definition with every element filled in."""
    fields: dict[str, Any] = {
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
    fields.update(overrides)
    return fields


def publish_definition(
    session: Session, org: Organisation, slug: str, **overrides: Any
) -> DefinitionVersion:
    service.create_definition(
        session, organisation=org, slug=slug, data=complete_fields(**overrides), principal=OPERATOR
    )
    return service.publish(session, organisation=org, slug=slug, principal=OPERATOR)
