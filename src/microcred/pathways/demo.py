"""Demo data of the pathways domain, loaded by :mod:`microcred.demo.loader`:

* Northbridge University's pathway **Data Foundations** awards its "Data Foundations
  Certificate" (achievementType ``Certificate``) for Northbridge's "Python for Data
  Analysis" *and* Skillforge Academy's "SQL and Relational Databases" (another provider's
  definition). Ada holds both, so the loader's evaluation awards her the stacked
  credential automatically.
* Northbridge's programme **BSc Data Science (part-time)**, 180 ECTS, recognises four
  micro-credentials of three providers for credit.

Idempotent: a second run finds everything and creates, signs and awards nothing.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.errors import DefinitionNotFound
from microcred.errors import NotFound
from microcred.issuing.documents import LocalDocuments
from microcred.pathways import service, stacking
from microcred.pathways.errors import PathwayNotFound, ProgrammeNotFound

__all__ = ["LEARNER", "PATHWAY", "PROGRAMME", "STACK_DEFINITION", "load"]

UNIVERSITY: Final = "northbridge-university"
STACK_DEFINITION: Final = "data-foundations-certificate"
PATHWAY: Final = "data-foundations"
PROGRAMME: Final = "bsc-data-science"
LEARNER: Final = "ada@learners.example"
COMPONENTS: Final = (
    "northbridge-university/python-data-analysis",
    "skillforge-academy/sql-databases",
)
PROGRAMME_ITEMS: Final = (
    ("northbridge-university/python-data-analysis", 5.0, "replaces Programming for Data 1"),
    ("northbridge-university/cloud-architecture", 6.0, "elective"),
    ("skillforge-academy/sql-databases", 3.0, "replaces Databases 1 with the practical"),
    ("acme-logistics-learning/warehouse-data", 1.0, "work-based learning"),
)


def _stack_fields(skills: list[str]) -> dict[str, Any]:
    return {
        "title": "Data Foundations Certificate",
        "description": (
            "A stacked certificate for learners who completed Python for Data Analysis "
            "(Northbridge University) and SQL and Relational Databases (Skillforge Academy)."
        ),
        "learning_outcomes": [
            "Analyse tabular data with Python and explain the findings",
            "Design, query and maintain relational databases with SQL",
        ],
        "criteria_narrative": (
            "Awarded automatically when the learner holds valid credentials for both "
            "component micro-credentials of the Data Foundations pathway."
        ),
        "eqf_level": 6,
        "workload_hours": 175,
        "ects": 7,
        "duration": "P16W",
        "price": "0",
        "currency": "EUR",
        "delivery_mode": "online",
        "pace": "self-paced",
        "language": "en",
        "assessment_type": "Recognition of the component micro-credentials' assessments",
        "participation_form": "online",
        "quality_assurance": "Northbridge University's institutional quality assurance (NVAO).",
        "supervision": "supervised-online",
        "identity_verification": True,
        "stackability": "stackable",
        "achievement_type": "Certificate",
        "field_of_study": "Information and Communication Technologies",
        "tags": ["data", "pathway", "certificate"],
        "skills": skills,
    }


def _stack_definition(session: Session, org: Organisation) -> int:
    created = 0
    try:
        definition = catalogue.get_definition(session, org, STACK_DEFINITION)
    except DefinitionNotFound:
        skills: list[str] = []
        for key in COMPONENTS:
            found = service.find_definition(session, key)
            if found is None or found.published_version_id is None:
                raise NotFound(
                    f"The demo definition {key!r} is missing; load the demo data first.",
                    code="definition_not_found",
                ) from None
            version = catalogue.get_version(session, found.published_version_id)
            skills.extend(s.uri for s in version.skills if s.uri not in skills)
        catalogue.create_definition(
            session,
            organisation=org,
            slug=STACK_DEFINITION,
            data=_stack_fields(skills),
            principal=OPERATOR,
        )
        created += 1
        definition = catalogue.get_definition(session, org, STACK_DEFINITION)
    if definition.published_version_id is None:
        catalogue.publish(session, organisation=org, slug=STACK_DEFINITION, principal=OPERATOR)
        created += 1
    return created


def load(session: Session, *, base_url: str, master_key: bytes) -> int:
    """Create (or find) the demo pathway and programme, then award Ada's stacked
    credential if it is due; returns how many things were created."""
    org = accounts.get_organisation(session, UNIVERSITY)
    created = _stack_definition(session, org)
    try:
        service.get_pathway(session, org, PATHWAY)
    except PathwayNotFound:
        service.create_pathway(
            session,
            organisation=org,
            slug=PATHWAY,
            title="Data Foundations",
            description=(
                "Stack Northbridge's Python for Data Analysis with Skillforge Academy's SQL "
                "and Relational Databases into the Data Foundations Certificate."
            ),
            definition=STACK_DEFINITION,
            rules={
                "type": "all",
                "rules": [{"type": "component", "definition": key} for key in COMPONENTS],
            },
            principal=OPERATOR,
        )
        created += 1
    try:
        service.get_programme(session, org, PROGRAMME)
    except ProgrammeNotFound:
        service.create_programme(
            session,
            organisation=org,
            slug=PROGRAMME,
            title="BSc Data Science (part-time)",
            description="Recognises micro-credentials of several providers for credit.",
            total_credits=180,
            items=[service.ProgrammeItemInput(k, c, n) for k, c, n in PROGRAMME_ITEMS],
            principal=OPERATOR,
        )
        created += 1
    learner = accounts.get_user_by_email(session, LEARNER)
    if learner is not None:
        fetcher = LocalDocuments(session, base_url=base_url, master_key=master_key)
        created += len(
            stacking.evaluate_user(
                session, learner, base_url=base_url, master_key=master_key, fetcher=fetcher
            )
        )
    session.flush()
    return created
