"""Assessment pages and API through the ASGI app on both databases: an applicant with
work experience applies with a file and a text, the assessor asks for more, the applicant
adds a link and resubmits, the assessor approves and the credential lands in the wallet;
file downloads only for those allowed (attachment, nosniff); queues per organisation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.functional.pages.conftest import HTML
from tests.functional.pages.dashboard_support import sign_in
from tests.functional.pages.seeding import SYSTEM, Demo
from tests.support.assessment import PDF_BYTES

from microcred.accounts import service as accounts
from microcred.accounts.models import User
from microcred.assessment.models import Application
from microcred.config import Settings
from microcred.credentials.verify import verify
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award


@dataclass
class People:
    applicant: User
    assessor: User
    issuer: User
    stranger: User
    other_assessor: User


@pytest.fixture
def people(session: Session, demo: Demo, settings: Settings) -> People:
    def user(email: str, name: str) -> User:
        return accounts.create_user(session, email=email, password=None, display_name=name)

    applicant = user("chloe@learners.example", "Chloé Martin")
    assessor = user("assessor@acme.example", "Ava Assessor")
    issuer = user("issuer@acme.example", "Ian Issuer")
    stranger = user("ben@learners.example", "Ben Okafor")
    other_assessor = user("assessor@other.example", "Otto Other")
    accounts.add_member(
        session, organisation=demo.org, user=assessor, role="assessor", actor=SYSTEM
    )
    accounts.add_member(session, organisation=demo.org, user=issuer, role="issuer", actor=SYSTEM)
    other = accounts.create_organisation(
        session,
        slug="other",
        name="Other Org",
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode(),
        actor=SYSTEM,
    )
    accounts.add_member(
        session, organisation=other, user=other_assessor, role="assessor", actor=SYSTEM
    )
    session.commit()
    return People(applicant, assessor, issuer, stranger, other_assessor)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _application_path(response_url: str) -> str:
    match = re.search(r"/wallet/applications/[0-9a-f-]{36}", response_url)
    assert match, response_url
    return match.group(0)


def test_page_journey(
    client: TestClient, session: Session, demo: Demo, people: People, settings: Settings
) -> None:
    client.headers.update(HTML)
    sign_in(client, session, people.applicant)
    form = client.get("/apply/acme/py-data")
    assert form.status_code == 200 and "Load and clean CSV data" in form.text
    started = client.post(
        "/apply/acme/py-data",
        data={
            "csrf_token": _csrf(form.text),
            "statement": "Two years of data cleaning at Acme Logistics.",
        },
    )
    assert started.status_code == 200
    path = _application_path(str(started.url))
    token = _csrf(started.text)
    added = client.post(
        f"{path}/evidence",
        data={
            "csrf_token": token,
            "kind": "file",
            "source": "employment",
            "criterion": "0",
            "title": "Reference letter",
        },
        files={"file": ("reference.pdf", PDF_BYTES, "application/pdf")},
    )
    assert added.status_code == 200 and "Reference letter" in added.text
    refused = client.post(
        f"{path}/evidence",
        data={"csrf_token": token, "kind": "file", "source": "employment", "criterion": "0"},
        files={"file": ("evil.pdf", b"<svg onload=alert(1)>", "application/pdf")},
    )
    assert refused.status_code == 422 and "not a PDF" in refused.text
    assert "<svg onload" not in refused.text
    client.post(
        f"{path}/evidence",
        data={
            "csrf_token": token,
            "kind": "text",
            "source": "employment",
            "criterion": "0",
            "title": "My weekly routine",
            "text": "I fix <b>dates</b> in carrier exports.",
        },
    )
    page = client.get(path)
    assert "I fix &lt;b&gt;dates&lt;/b&gt;" in page.text
    submitted = client.post(f"{path}/submit", data={"csrf_token": token})
    assert "Waiting for an assessor" in submitted.text
    public_id = path.rsplit("/", 1)[1]

    # The assessor's queue and review: ask for more evidence.
    sign_in(client, session, people.assessor)
    queue = client.get("/dashboard/acme/assessments")
    assert queue.status_code == 200 and "Chloé Martin" in queue.text
    review = client.get(f"/dashboard/acme/assessments/{public_id}")
    assert review.status_code == 200 and "Reference letter" in review.text
    token = _csrf(review.text)
    no_feedback = client.post(
        f"/dashboard/acme/assessments/{public_id}",
        data={"csrf_token": token, "action": "more_evidence", "feedback": ""},
    )
    assert no_feedback.status_code == 422
    asked = client.post(
        f"/dashboard/acme/assessments/{public_id}",
        data={
            "csrf_token": token,
            "action": "more_evidence",
            "feedback": "Show a chart for outcome 2.",
            "level-0": "met",
        },
    )
    assert asked.status_code == 200 and "asked for more evidence" in asked.text

    # The applicant adds a link and resubmits.
    sign_in(client, session, people.applicant)
    page = client.get(path)
    assert "Show a chart for outcome 2." in page.text
    token = _csrf(page.text)
    client.post(
        f"{path}/evidence",
        data={
            "csrf_token": token,
            "kind": "link",
            "source": "self-study",
            "criterion": "1",
            "title": "Delivery chart",
            "url": "https://chloe.example/chart",
        },
    )
    assert (
        "Waiting for an assessor" in client.post(f"{path}/submit", data={"csrf_token": token}).text
    )

    # The assessor approves; the credential is in the applicant's wallet and verifies.
    sign_in(client, session, people.assessor)
    review = client.get(f"/dashboard/acme/assessments/{public_id}")
    approved = client.post(
        f"/dashboard/acme/assessments/{public_id}",
        data={
            "csrf_token": _csrf(review.text),
            "action": "approve",
            "feedback": "Well evidenced.",
            "level-0": "met",
            "level-1": "met",
        },
    )
    assert approved.status_code == 200 and "credential was issued" in approved.text
    sign_in(client, session, people.applicant)
    wallet = client.get("/wallet")
    assert "Python for Data Analysis" in wallet.text
    application = session.scalars(
        select(Application).where(Application.public_id == public_id)
    ).one()
    award = session.get(Award, application.award_id)
    assert award is not None
    document = json.loads(award.credential_json)
    fetcher = LocalDocuments(
        session,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode(),
    )
    assert verify(document, fetcher=fetcher).verified
    assert document["credentialSubject"]["result"][0]["recognitionOfPriorLearning"] is True


def test_api_journey_and_permissions(
    client: TestClient, session: Session, demo: Demo, people: People
) -> None:
    csrf = sign_in(client, session, people.applicant)
    headers = {"X-CSRF-Token": csrf}
    created = client.post(
        "/api/applications", json={"organisation": "acme", "definition": "py-data"}, headers=headers
    )
    assert created.status_code == 201, created.text
    app_id = created.json()["id"]
    upload = client.post(
        f"/api/applications/{app_id}/evidence",
        data={"kind": "file", "source": "apprenticeship", "criterion": "0", "title": "Logbook"},
        files={"file": ("logbook.txt", b"Week 1: cleaned CSVs", "text/plain")},
        headers=headers,
    )
    assert upload.status_code == 201, upload.text
    evidence = upload.json()["evidence"][0]
    assert evidence["sha256"] and evidence["download"] == f"/api/evidence/{evidence['id']}"
    wrong = client.post(
        f"/api/applications/{app_id}/evidence",
        data={"kind": "file", "source": "apprenticeship"},
        files={"file": ("photo.png", b"GIF89a....", "image/png")},
        headers=headers,
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "evidence_file_rejected"
    assert (
        client.post(f"/api/applications/{app_id}/submit", headers=headers).json()["status"]
        == "submitted"
    )

    mine = client.get(f"/api/evidence/{evidence['id']}")
    assert mine.status_code == 200 and mine.content == b"Week 1: cleaned CSVs"
    assert mine.headers["content-disposition"].startswith("attachment;")
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert mine.headers["content-type"].startswith("text/plain")
    assert client.get(f"/evidence/{evidence['id']}").status_code == 200

    # Another learner: no application, no file (404 like a missing one).
    sign_in(client, session, people.stranger)
    assert client.get(f"/api/applications/{app_id}").status_code == 404
    assert client.get(f"/api/evidence/{evidence['id']}").status_code == 404
    assert client.get(f"/evidence/{evidence['id']}", headers=HTML).status_code == 404
    assert client.get(f"/wallet/applications/{app_id}", headers=HTML).status_code == 404
    # Signed out: no file either.
    client.cookies.clear()
    assert client.get(f"/api/evidence/{evidence['id']}").status_code in (401, 404)
    assert client.get(f"/evidence/{evidence['id']}", headers=HTML).status_code == 404

    # An assessor of another organisation: not this queue, not this application or file.
    csrf = sign_in(client, session, people.other_assessor)
    assert client.get("/api/orgs/acme/assessments").status_code == 404
    assert client.get("/dashboard/acme/assessments", headers=HTML).status_code == 404
    assert client.get("/api/orgs/other/assessments").json() == []
    assert client.get(f"/api/orgs/other/assessments/{app_id}").status_code == 404
    assert client.get(f"/api/evidence/{evidence['id']}").status_code == 404
    # An issuer of the provider is a member but no assessor.
    sign_in(client, session, people.issuer)
    assert client.get("/api/orgs/acme/assessments").status_code == 403
    assert client.get("/dashboard/acme/assessments", headers=HTML).status_code == 403

    # The provider's assessor: queue, file, decision.
    csrf = sign_in(client, session, people.assessor)
    queue = client.get("/api/orgs/acme/assessments").json()
    assert [a["id"] for a in queue] == [app_id] and queue[0][
        "applicant"
    ] == "chloe@learners.example"
    assert client.get(f"/api/evidence/{evidence['id']}").content == b"Week 1: cleaned CSVs"
    decided = client.post(
        f"/api/orgs/acme/assessments/{app_id}/decision",
        json={
            "decision": "approve",
            "rubric": [{"criterion": 0, "level": "met"}, {"criterion": 1, "level": "met"}],
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["status"] == "approved" and body["credential_id"]
    assert body["reviews"][-1]["outcome"] == "approved"
