"""The demo data for assessment: Chloé's approved application (a credential with RPL
recorded that verifies) and one waiting in Skillforge's queue for the demo assessor."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session
from tests.support.catalogue import BASE, MASTER

from microcred.accounts import service as accounts
from microcred.assessment import demo, service
from microcred.credentials.verify import verify
from microcred.demo.loader import load_demo_data
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.wallet import service as wallet


def test_demo_applications(session: Session) -> None:
    load_demo_data(session, base_url=BASE, master_key=MASTER)
    assessor = accounts.principal_for_user(
        accounts.get_user_by_email(session, demo.ASSESSOR_EMAIL)  # type: ignore[arg-type]
    )
    organisation = service.assessor_organisation(session, assessor, "skillforge-academy")
    waiting = service.queue(session, organisation)
    assert [(a.user.email, a.version.definition.slug) for a in waiting] == [
        (demo.APPLICANT_EMAIL, "sql-databases")
    ]
    approved = service.queue(session, organisation, statuses=["approved"])
    assert len(approved) == 1 and approved[0].version.definition.slug == "agile-delivery"
    award = session.get(Award, approved[0].award_id)
    assert award is not None
    document = json.loads(award.credential_json)
    assert verify(
        document, fetcher=LocalDocuments(session, base_url=BASE, master_key=MASTER)
    ).verified
    overall = document["credentialSubject"]["result"][0]
    assert overall["recognitionOfPriorLearning"] is True
    assert {e["genre"] for e in document["evidence"]} == {"Employment", "Self-study"}
    chloe = accounts.get_user_by_email(session, demo.APPLICANT_EMAIL)
    assert chloe is not None
    assert award.id in {item.award_id for item in wallet.list_items(session, chloe)}
    # A second run adds nothing.
    assert demo.load(session, base_url=BASE, master_key=MASTER) == 0
