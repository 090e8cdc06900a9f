"""The demo data: Ada completes the Data Foundations pathway (a component of another
provider) and holds the stacked credential, which verifies; the programme shows her credit."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import passwords
from microcred.accounts import service as accounts
from microcred.credentials.verify import verify
from microcred.demo import load_demo_data
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.pathways.articulation import programme_credits
from microcred.pathways.demo import LEARNER, PROGRAMME
from microcred.pathways.models import PathwayAward

BASE = "http://127.0.0.1:8000"
MASTER = b"demo-test-master-key-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def test_ada_is_awarded_the_stack_and_the_programme_counts(session: Session) -> None:
    load_demo_data(session, base_url=BASE, master_key=MASTER)
    ada = accounts.get_user_by_email(session, LEARNER)
    assert ada is not None
    row = session.scalars(select(PathwayAward).where(PathwayAward.user_id == ada.id)).one()
    award = session.get(Award, row.award_id)
    assert award is not None and award.user_id == ada.id
    fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    document = json.loads(award.credential_json)
    report = verify(document, fetcher=fetcher)
    assert report.verified, [c.to_json() for c in report.failures]
    issuers = {
        json.loads(a.credential_json)["issuer"]["name"]
        for a in session.scalars(
            select(Award).where(Award.credential_id.in_([c["id"] for c in row.components]))
        )
    }
    assert issuers == {"Northbridge University", "Skillforge Academy"}
    assert document["credentialSubject"]["creditsEarned"] == 7
    [credit] = [
        c
        for c in programme_credits(session, ada, fetcher=fetcher, base_url=BASE)
        if c.programme.slug == PROGRAMME
    ]
    assert credit.earned == 8 and credit.total == 180  # python 5 + sql 3
