"""Auto-award of stacked credentials end to end, on SQLite and PostgreSQL: the last
component claimed -> the stacked credential is signed, verifies, names its components
with correct digests and totals their credits; idempotency; imports; revocation."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.support.catalogue import SYSTEM
from tests.support.pathways import (
    BASE,
    MASTER,
    World,
    award_and_claim,
    fetcher,
    make_world,
)

from microcred.catalogue.access import OPERATOR
from microcred.credentials.verify import verify
from microcred.issuing import service as issuing
from microcred.issuing.models import Award
from microcred.pathways import stacking
from microcred.pathways.articulation import programme_credits
from microcred.pathways.models import PathwayAward
from microcred.pathways.progress import pathway_progress
from microcred.pathways.service import ProgrammeItemInput, create_programme
from microcred.wallet import imports


def _evaluate(session: Session, world: World) -> list[PathwayAward]:
    return stacking.evaluate_user(
        session, world.learner, base_url=BASE, master_key=MASTER, fetcher=fetcher(session)
    )


def _digest(text: str) -> str:
    raw = b"\x12\x20" + hashlib.sha256(text.encode("utf-8")).digest()
    return "u" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_last_component_claimed_awards_the_stack(session: Session, world: World) -> None:
    python = award_and_claim(session, world.uni, world.python, world.learner)
    assert _evaluate(session, world) == []
    sql = award_and_claim(session, world.academy, world.sql, world.learner)
    [row] = _evaluate(session, world)

    award = session.get(Award, row.award_id)
    assert award is not None and award.user_id == world.learner.id
    assert award.organisation_id == world.uni.id and award.source == "pathway"
    document = json.loads(award.credential_json)
    report = verify(document, fetcher=fetcher(session))
    assert report.verified, [c.to_json() for c in report.failures]
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert document["credentialSubject"]["creditsEarned"] == 7  # 5 + 2 ECTS
    related = {r["id"]: r["digestMultibase"] for r in document["relatedResource"]}
    assert related == {
        python.credential_id: _digest(python.credential_json),
        sql.credential_id: _digest(sql.credential_json),
    }
    assert {e["id"] for e in document["evidence"]} == set(related)
    assert all(e["genre"] == "Component credential" for e in document["evidence"])
    assert row.credits == 7


def test_never_awarded_twice(session: Session, world: World) -> None:
    award_and_claim(session, world.uni, world.python, world.learner)
    award_and_claim(session, world.academy, world.sql, world.learner)
    assert len(_evaluate(session, world)) == 1
    assert _evaluate(session, world) == []
    summary = stacking.evaluate_all(
        session, base_url=BASE, master_key=MASTER, fetcher=fetcher(session)
    )
    assert summary.awarded == []
    count = session.scalar(select(func.count()).select_from(Award).where(Award.source == "pathway"))
    assert count == 1


def test_an_imported_component_counts_once_verified(session: Session, world: World) -> None:
    award_and_claim(session, world.uni, world.python, world.learner)
    # Awarded to the learner's e-mail but never claimed: the learner imports the JSON.
    sql = issuing.issue(
        session,
        organisation=world.academy,
        version=world.sql,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="someone@example.org",
    ).award
    imports.import_credential(
        session, world.learner, sql.credential_json.encode(), fetcher=fetcher(session)
    )
    [row] = _evaluate(session, world)
    assert sql.credential_id in {c["id"] for c in row.components}


def test_a_tampered_import_does_not_count(session: Session, world: World) -> None:
    award_and_claim(session, world.uni, world.python, world.learner)
    sql = issuing.issue(
        session,
        organisation=world.academy,
        version=world.sql,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="someone@example.org",
    ).award
    doc = json.loads(sql.credential_json)
    doc["name"] = "Changed"
    imports.import_credential(
        session, world.learner, json.dumps(doc).encode(), fetcher=fetcher(session)
    )
    assert _evaluate(session, world) == []


def test_a_revoked_component_stops_counting(session: Session, world: World) -> None:
    award_and_claim(session, world.uni, world.python, world.learner)
    sql = award_and_claim(session, world.academy, world.sql, world.learner)
    issuing.set_status(
        session, sql.id, "revoke", reason="error", actor=SYSTEM, base_url=BASE, master_key=MASTER
    )
    assert _evaluate(session, world) == []
    [progress] = pathway_progress(session, world.learner, fetcher=fetcher(session), base_url=BASE)
    assert not progress.outcome.met and progress.percent == 50
    assert [g.entry.key for g in progress.gap] == ["academy/sql"]


def test_skills_and_credits_rules_and_gap(session: Session) -> None:
    world = make_world(
        session,
        rules={
            "type": "n_of",
            "n": 2,
            "rules": [
                {"type": "credits", "min": 10, "unit": "ects", "from": ["uni/python", "uni/cloud"]},
                {"type": "skills", "skills": ["http://data.europa.eu/esco/skill/sql-0002"]},
                {"type": "component", "definition": "uni/cloud"},
            ],
        },
    )
    award_and_claim(session, world.uni, world.python, world.learner)
    [progress] = pathway_progress(session, world.learner, fetcher=fetcher(session), base_url=BASE)
    keys = {g.entry.key: g.reason for g in progress.gap}
    assert keys["academy/sql"].startswith("carries the skill SQL")
    assert "uni/cloud" in keys
    award_and_claim(session, world.uni, world.cloud, world.learner)
    [row] = _evaluate(session, world)
    assert row.credits == 11  # python 5 + cloud 6


def test_programme_credits_count_verified_unrevoked(session: Session, world: World) -> None:
    create_programme(
        session,
        organisation=world.uni,
        slug="bsc-data",
        title="BSc Data Science",
        total_credits=180,
        items=[
            ProgrammeItemInput("uni/python", 6, "replaces Programming 1"),
            ProgrammeItemInput("academy/sql", 3),
            ProgrammeItemInput("uni/cloud", 5),
        ],
        principal=OPERATOR,
    )
    award_and_claim(session, world.uni, world.python, world.learner)
    sql = award_and_claim(session, world.academy, world.sql, world.learner)
    [credit] = programme_credits(session, world.learner, fetcher=fetcher(session), base_url=BASE)
    assert credit.earned == 9 and credit.total == 180
    issuing.set_status(
        session, sql.id, "revoke", reason="error", actor=SYSTEM, base_url=BASE, master_key=MASTER
    )
    [credit] = programme_credits(session, world.learner, fetcher=fetcher(session), base_url=BASE)
    assert credit.earned == 6
