"""Test data for pathways: two providers, component definitions, a stacked definition,
learners, and awarding + claiming through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from tests.support.catalogue import (
    BASE,
    MASTER,
    SYSTEM,
    make_esco_skill,
    make_org,
    publish_definition,
)

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.pathways import service as pathways
from microcred.pathways.models import Pathway

__all__ = ["BASE", "MASTER", "World", "award_and_claim", "fetcher", "make_world"]


@dataclass
class World:
    uni: Organisation
    academy: Organisation
    python: DefinitionVersion  # uni, 5 ECTS, skill python
    sql: DefinitionVersion  # academy (another provider), 2 ECTS, skill sql
    cloud: DefinitionVersion  # uni, 6 ECTS
    stack: DefinitionVersion  # uni's stacked credential (Certificate)
    python_skill: Skill
    sql_skill: Skill
    pathway: Pathway
    learner: User


def fetcher(session: Session) -> LocalDocuments:
    return LocalDocuments(session, base_url=BASE, master_key=MASTER)


def make_world(session: Session, *, rules: dict[str, Any] | None = None) -> World:
    python_skill = make_esco_skill(session, "python-0001", "Python (computer programming)")
    sql_skill = make_esco_skill(session, "sql-0002", "SQL")
    uni = make_org(session, "uni", name="Northbridge University")
    academy = make_org(session, "academy", name="Skillforge Academy")
    python = publish_definition(
        session,
        uni,
        "python",
        title="Python",
        ects=5,
        workload_hours=125,
        skills=[python_skill.uri],
    )
    sql = publish_definition(
        session, academy, "sql", title="SQL", ects=2, workload_hours=50, skills=[sql_skill.uri]
    )
    cloud = publish_definition(session, uni, "cloud", title="Cloud", ects=6, workload_hours=150)
    stack = publish_definition(
        session,
        uni,
        "data-cert",
        title="Data Engineering Certificate",
        achievement_type="Certificate",
        ects=7,
    )
    pathway = pathways.create_pathway(
        session,
        organisation=uni,
        slug="data-engineering",
        title="Data engineering",
        definition="data-cert",
        rules=rules
        or {
            "type": "all",
            "rules": [
                {"type": "component", "definition": "uni/python"},
                {"type": "component", "definition": "academy/sql"},
            ],
        },
        principal=OPERATOR,
    )
    learner = accounts.create_user(
        session, email="ada@example.org", password=None, display_name="Ada Lovelace"
    )
    return World(uni, academy, python, sql, cloud, stack, python_skill, sql_skill, pathway, learner)


def award_and_claim(
    session: Session, org: Organisation, version: DefinitionVersion, learner: User
) -> Award:
    award = issuing.issue(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email=learner.email,
    ).award
    token = claims.create_claim_token(session, award)
    claims.claim(session, token, user=learner, base_url=BASE, master_key=MASTER)
    return award
