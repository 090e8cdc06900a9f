"""Demo content for assessment: Chloé Martin (who works
at Acme Logistics) applying for recognition of prior learning with evidence from her job:
"Agile Software Delivery" approved (credential issued, RPL recorded) and "SQL and
Relational Databases" waiting in the assessor's queue.

Skillforge's owner (Sam Forge) is the assessor. Idempotent: applications are found by
learner and definition; a second run changes nothing. Texts and links only (no files: the
loader has no data directory).
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import User
from microcred.accounts.types import Actor
from microcred.assessment import service
from microcred.assessment.evidence import EvidenceStore
from microcred.assessment.models import Application
from microcred.assessment.types import EvidenceDraft, RubricScore
from microcred.catalogue import service as catalogue
from microcred.catalogue.models import DefinitionVersion
from microcred.errors import NotFound

__all__ = ["APPLICANT_EMAIL", "ASSESSOR_EMAIL", "load"]

#: Skillforge's owner assesses (owners may; the demo users list stays as it is).
ASSESSOR_EMAIL: Final = "owner@skillforge.example"
APPLICANT_EMAIL: Final = "chloe@learners.example"
PROVIDER: Final = "skillforge-academy"
DEMO_ACTOR: Final = Actor.system("demo")

_AGILE: Final = [
    EvidenceDraft(
        kind="text",
        source="employment",
        title="Scrum master for the routing team at Acme Logistics",
        criterion=0,
        text=(
            "Since 2023 I have run the two-week sprints of the routing team (7 people): "
            "planning, daily stand-ups, reviews and retrospectives, and I keep the product "
            "backlog ordered with our product owner."
        ),
    ),
    EvidenceDraft(
        kind="link",
        source="employment",
        title="Team handbook: how we run sprints (public page)",
        criterion=0,
        url="https://acme-logistics.example/teams/routing/handbook",
    ),
    EvidenceDraft(
        kind="text",
        source="self-study",
        title="Kanban and flow metrics for the warehouse IT board",
        criterion=1,
        text=(
            "I moved the warehouse IT support board to Kanban with WIP limits and report "
            "cycle time and throughput every month; lead time fell from 9 to 5 days."
        ),
    ),
]
_SQL: Final = [
    EvidenceDraft(
        kind="text",
        source="employment",
        title="Weekly shipment reports in SQL",
        criterion=0,
        text=(
            "I write the weekly SQL reports on shipments and delays (joins over five tables, "
            "grouping by carrier and week, subqueries for late deliveries)."
        ),
    ),
    EvidenceDraft(
        kind="text",
        source="apprenticeship",
        title="Apprenticeship project: returns database",
        criterion=1,
        text="During my IT apprenticeship I designed the returns database (3NF, 8 tables).",
    ),
]


def _existing(session: Session, user: User, version: DefinitionVersion) -> Application | None:
    return session.scalar(
        select(Application)
        .join(DefinitionVersion, DefinitionVersion.id == Application.definition_version_id)
        .where(
            Application.user_id == user.id,
            DefinitionVersion.definition_id == version.definition_id,
        )
    )


def _apply(
    session: Session, user: User, version: DefinitionVersion, evidence: list[EvidenceDraft]
) -> Application:
    actor = accounts.actor_for_user(user)
    application = service.start_application(
        session,
        user=user,
        version=version,
        statement=(
            "I have worked in the IT team of Acme Logistics for four years, after an IT "
            "apprenticeship. I would like my experience recognised."
        ),
    )
    store = EvidenceStore.unused()
    for draft in evidence:
        service.add_evidence(session, application, draft, store=store, max_bytes=0, actor=actor)
    service.submit(session, application, actor=actor)
    return application


def load(session: Session, *, base_url: str, master_key: bytes) -> int:
    """Create (or find) the demo assessment data; returns how many things it created."""
    applicant = accounts.get_user_by_email(session, APPLICANT_EMAIL)
    try:
        organisation = accounts.get_organisation(session, PROVIDER)
    except NotFound:
        return 0
    assessor = accounts.get_user_by_email(session, ASSESSOR_EMAIL)
    if applicant is None or assessor is None:
        return 0
    created = 0
    agile = catalogue.published_version(session, organisation, "agile-delivery")
    if _existing(session, applicant, agile) is None:
        application = _apply(session, applicant, agile, _AGILE)
        outcomes = agile.learning_outcomes or []
        service.decide(
            session,
            application,
            decision="approve",
            feedback="Clear evidence from your work as the routing team's Scrum master.",
            scores=[RubricScore(i, "met", "Shown in daily work") for i in range(len(outcomes))],
            principal=accounts.principal_for_user(assessor),
            base_url=base_url,
            master_key=master_key,
        )
        created += 1
    sql = catalogue.published_version(session, organisation, "sql-databases")
    if _existing(session, applicant, sql) is None:
        _apply(session, applicant, sql, _SQL)
        created += 1
    session.flush()
    return created
