"""Pathways and programmes over HTTP on both databases: provider API with permissions
(manage token, read token, another organisation's token, anonymous), rule validation
errors, and the learner's journey: claiming the last component awards the stacked
credential, shown on /wallet/pathways and in /api/wallet/pathways; /wallet/programmes
shows the credit; escaping."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.conftest import TEST_BASE_URL
from tests.functional.pages.conftest import HTML, csrf_of
from tests.functional.pages.seeding import SYSTEM, Demo, award, publish

from microcred.accounts import service as accounts
from microcred.accounts.tokens import create_token
from microcred.catalogue.access import OPERATOR
from microcred.config import Settings
from microcred.issuing import claims
from microcred.pathways import service as pathways

PASSWORD = "correct horse battery staple"
RULES = {
    "type": "all",
    "rules": [
        {"type": "component", "definition": "acme/py-data"},
        {"type": "component", "definition": "acme/web-a11y"},
    ],
}
EVIL = '<script>alert("x")</script>'


def _keys(settings: Settings) -> dict[str, object]:
    return {
        "base_url": settings.public_base_url,
        "master_key": settings.master_key.get_secret_value().encode("utf-8"),
    }


@pytest.fixture
def stack(session: Session, demo: Demo) -> None:
    publish(
        session,
        demo.org,
        "py-a11y-cert",
        title="Accessible Data Certificate",
        achievement_type="Certificate",
    )
    session.commit()


def _token(session: Session, org_slug: str, scopes: set[str]) -> dict[str, str]:
    org = accounts.get_organisation(session, org_slug)
    _, plain = create_token(session, organisation=org, scopes=scopes, name="t", actor=SYSTEM)
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_provider_api_and_permissions(
    client: TestClient, session: Session, demo: Demo, stack: None, settings: Settings
) -> None:
    manage = _token(session, "acme", {"manage"})
    read = _token(session, "acme", {"read"})
    accounts.create_organisation(
        session, slug="other", name="Other", did_method="key", actor=SYSTEM, **_keys(settings)
    )
    other = _token(session, "other", {"manage"})
    body = {
        "slug": "accessible-data",
        "title": "Accessible data",
        "definition": "py-a11y-cert",
        "rules": RULES,
    }

    assert client.post("/api/orgs/acme/pathways", json=body).status_code == 401
    assert client.post("/api/orgs/acme/pathways", json=body, headers=read).status_code == 403
    denied = client.post("/api/orgs/acme/pathways", json=body, headers=other)
    assert denied.status_code == 403 and denied.json()["code"] == "wrong_organisation"
    created = client.post("/api/orgs/acme/pathways", json=body, headers=manage)
    assert created.status_code == 201, created.text
    assert created.json()["rules"] == RULES
    again = client.post("/api/orgs/acme/pathways", json=body, headers=manage)
    assert again.status_code == 409
    listed = client.get("/api/orgs/acme/pathways", headers=read)
    assert [p["slug"] for p in listed.json()] == ["accessible-data"]
    assert client.get("/api/orgs/acme/pathways", headers=other).status_code == 403

    bad = client.patch(
        "/api/orgs/acme/pathways/accessible-data",
        json={
            "rules": {
                "type": "n_of",
                "n": 5,
                "rules": [{"type": "component", "definition": "acme/nope"}],
            }
        },
        headers=manage,
    )
    assert bad.status_code == 400 and bad.json()["code"] == "pathway_rules_invalid"
    assert "rules.n" in bad.json()["detail"]
    unknown = client.patch(
        "/api/orgs/acme/pathways/accessible-data",
        json={"rules": {"type": "component", "definition": "acme/nope"}},
        headers=manage,
    )
    assert unknown.status_code == 400 and "no definition 'acme/nope'" in unknown.json()["detail"]
    own = client.patch(
        "/api/orgs/acme/pathways/accessible-data",
        json={"rules": {"type": "component", "definition": "acme/py-a11y-cert"}},
        headers=manage,
    )
    assert own.status_code == 400 and "own credential" in own.json()["detail"]

    programme = {
        "slug": "bsc",
        "title": "BSc",
        "total_credits": 180,
        "items": [{"definition": "acme/py-data", "credits": 5}],
    }
    assert client.post("/api/orgs/acme/programmes", json=programme, headers=read).status_code == 403
    made = client.post("/api/orgs/acme/programmes", json=programme, headers=manage)
    assert made.status_code == 201 and made.json()["items"][0]["credits"] == 5
    dup = {**programme, "slug": "bsc2", "items": programme["items"] * 2}
    assert client.post("/api/orgs/acme/programmes", json=dup, headers=manage).status_code == 400
    assert client.delete("/api/orgs/acme/programmes/bsc", headers=manage).status_code == 204
    assert (
        client.delete("/api/orgs/acme/pathways/accessible-data", headers=manage).status_code == 204
    )
    assert client.get("/api/orgs/acme/pathways/accessible-data", headers=manage).status_code == 404


def _signup(client: TestClient, email: str) -> TestClient:
    form = client.get("/signup").text
    response = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(form),
            "email": email,
            "display_name": "Ann Learner",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "next": "/wallet",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def new_client(app: FastAPI) -> Callable[[], TestClient]:
    def make() -> TestClient:
        client = TestClient(app, base_url=TEST_BASE_URL)
        client.headers.update(HTML)
        return client

    return make


def _claim(client: TestClient, session: Session, award_row: object) -> None:
    token = claims.create_claim_token(session, award_row)  # type: ignore[arg-type]
    session.commit()
    page = client.get(f"/claim/{token}")
    done = client.post(
        f"/claim/{token}", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303, done.text


def test_learner_completes_a_pathway_and_sees_credit(
    new_client: Callable[[], TestClient],
    session: Session,
    demo: Demo,
    stack: None,
    settings: Settings,
) -> None:
    pathways.create_pathway(
        session,
        organisation=demo.org,
        slug="accessible-data",
        title=f"Accessible data {EVIL}",
        definition="py-a11y-cert",
        rules=RULES,
        principal=OPERATOR,
    )
    pathways.create_programme(
        session,
        organisation=demo.org,
        slug="bsc",
        title="BSc Data",
        total_credits=180,
        items=[
            pathways.ProgrammeItemInput("acme/py-data", 5),
            pathways.ProgrammeItemInput("acme/web-a11y", 2),
        ],
        principal=OPERATOR,
    )
    session.commit()
    ann = _signup(new_client(), "ann@example.org")
    _claim(ann, session, demo.award)  # py-data (awarded to ann@example.org by the seeding)

    page = ann.get("/wallet/pathways")
    assert page.status_code == 200
    assert EVIL not in page.text and "&lt;script&gt;" in page.text
    assert "50%" in page.text and "What would close the gap" in page.text
    assert "/catalogue/acme/web-a11y" in page.text
    [before] = ann.get("/api/wallet/pathways").json()
    assert not before["met"] and before["gap"][0]["definition"] == "acme/web-a11y"

    last = award(session, demo.org, demo.web, email="ann@example.org", **_keys(settings))  # type: ignore[arg-type]
    _claim(ann, session, last)
    [after] = ann.get("/api/wallet/pathways").json()
    assert after["met"] and after["percent"] == 100 and after["awarded_credential_id"]
    page = ann.get("/wallet/pathways").text
    assert "Completed" in page and "View the stacked credential" in page
    link = re.search(r'href="(/wallet/credentials/[0-9a-f-]{36})">View the stacked', page)
    assert link
    detail = ann.get(link.group(1))
    assert detail.status_code == 200 and "Accessible Data Certificate" in detail.text
    wallet = ann.get("/wallet").text
    assert "Accessible Data Certificate" in wallet

    programmes = ann.get("/wallet/programmes")
    assert "7 of 180 ECTS" in programmes.text
    [credit] = ann.get("/api/wallet/programmes").json()
    assert credit["earned"] == 7 and all(i["held"] for i in credit["items"])


def test_wallet_pages_need_sign_in(client: TestClient) -> None:
    client.headers.update(HTML)
    assert client.get("/wallet/pathways").status_code == 401
    assert client.get("/api/wallet/programmes").status_code == 401
