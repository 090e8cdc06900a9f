"""Issuing over HTTP: award, list, revoke, bulk upload with progress, hosted credentials
and status lists, organisation isolation (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.functional.conftest import TEST_BASE_URL, TEST_MASTER_KEY
from tests.support.catalogue import SYSTEM, complete_fields

from microcred.accounts import service as accounts
from microcred.accounts import tokens
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.config import Settings
from microcred.credentials.status import Bitstring
from microcred.jobs import InlineRunner, task_context

PROBLEM = "application/problem+json"
MASTER = TEST_MASTER_KEY.encode()


def issuer(session: Session, slug: str, did_method: str = "web") -> Any:
    org = accounts.create_organisation(
        session,
        slug=slug,
        name=slug.title(),
        base_url=TEST_BASE_URL,
        did_method=did_method,
        master_key=MASTER,
        actor=SYSTEM,
    )
    catalogue.create_definition(
        session, organisation=org, slug="py-101", data=complete_fields(), principal=OPERATOR
    )
    catalogue.publish(session, organisation=org, slug="py-101", principal=OPERATOR)
    return org


def bearer(session: Session, org: Any, scopes: set[str], **kwargs: Any) -> dict[str, str]:
    _, plain = tokens.create_token(
        session, organisation=org, scopes=scopes, name="t", actor=SYSTEM, **kwargs
    )
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def world(
    app: FastAPI, session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> dict[str, Any]:
    app.state.job_runner = InlineRunner(task_context(settings, session_factory))
    acme = issuer(session, "acme")
    other = issuer(session, "other", did_method="key")
    world = {
        "acme": bearer(session, acme, {"issue", "revoke", "read"}),
        "acme_read": bearer(session, acme, {"read"}),
        "other": bearer(session, other, {"issue", "revoke", "read"}),
        "settings": settings,
    }
    session.commit()
    return world


def award(client: TestClient, headers: dict[str, str], **extra: Any) -> Any:
    body = {
        "definition": "py-101",
        "recipient": {"email": "ann@example.org", "name": "Ann"},
        **extra,
    }
    return client.post("/api/orgs/acme/awards", json=body, headers=headers)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code
    return dict(response.json())


def test_award_fetch_verify_revoke(client: TestClient, world: dict[str, Any]) -> None:
    created = award(
        client,
        world["acme"],
        result="A",
        external_id="e-1",
        evidence=[{"url": "https://ev.example.org/1"}],
        valid_until="2035-01-01",
    )
    assert created.status_code == 201, created.text
    out = created.json()
    credential_id = out["credential_id"]
    assert created.headers["location"] == credential_id
    assert out["credential"]["issuer"]["id"].startswith("did:web:localhost%3A8000:orgs:acme")
    # Idempotent by external id.
    again = award(client, world["acme"], result="A", external_id="e-1")
    assert again.status_code == 200 and again.json()["id"] == out["id"]

    hosted = client.get(credential_id)
    assert hosted.status_code == 200
    assert hosted.headers["content-type"].startswith("application/vc+ld+json")
    assert json.loads(hosted.content) == out["credential"]
    as_ld = client.get(credential_id, headers={"Accept": "application/ld+json"})
    assert as_ld.headers["content-type"].startswith("application/ld+json")
    assert as_ld.content == hosted.content  # byte for byte, whatever the media type

    verified = client.post(
        "/credentials/verify", json={"verifiableCredential": json.loads(hosted.content)}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True and "status" in verified.json()["checks"]

    revoked = client.post(
        f"/api/orgs/acme/awards/{out['id']}/revoke",
        json={"reason": "cheated"},
        headers=world["acme"],
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert revoked.json()["status_reason"] == "cheated"
    failed = client.post(
        "/credentials/verify", json={"verifiableCredential": json.loads(hosted.content)}
    )
    assert failed.status_code == 400 and failed.json()["verified"] is False
    assert any("revoked" in e for e in failed.json()["errors"])
    problem(
        client.post(f"/api/orgs/acme/awards/{out['id']}/unsuspend", headers=world["acme"]),
        409,
        "award_revoked",
    )

    listed = client.get("/api/orgs/acme/awards?status=revoked", headers=world["acme_read"]).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == out["id"]
    assert client.get(f"/api/orgs/acme/awards/{out['id']}", headers=world["acme_read"]).json()[
        "credential"
    ]


def test_status_list_caching_headers(client: TestClient, world: dict[str, Any]) -> None:
    first = award(client, world["acme"]).json()
    url = first["credential"]["credentialStatus"][0]["statusListCredential"]
    listed = client.get(url)
    assert listed.status_code == 200
    assert "max-age=" in listed.headers["cache-control"]
    etag = listed.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    client.post(f"/api/orgs/acme/awards/{first['id']}/revoke", headers=world["acme"])
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    index = int(first["credential"]["credentialStatus"][0]["statusListIndex"])
    bits = Bitstring.decode(changed.json()["credentialSubject"]["encodedList"])
    assert bits.get(index)
    problem(client.get("/status/acme/revocation/99"), 404, "status_list_not_found")
    problem(client.get("/credentials/00000000-0000-0000-0000-000000000000"), 404, "award_not_found")
    assert client.get("/status/acme/refresh/1").status_code == 422


def test_org_isolation(client: TestClient, world: dict[str, Any]) -> None:
    out = award(client, world["acme"]).json()
    problem(award(client, world["other"]), 403, "wrong_organisation")
    problem(
        client.post(f"/api/orgs/acme/awards/{out['id']}/revoke", headers=world["other"]),
        403,
        "wrong_organisation",
    )
    problem(client.get("/api/orgs/acme/awards", headers=world["other"]), 403, "wrong_organisation")
    # Org B's own routes do not see org A's award either.
    problem(
        client.post(f"/api/orgs/other/awards/{out['id']}/revoke", headers=world["other"]),
        404,
        "award_not_found",
    )
    problem(
        client.post(
            "/credentials/status",
            headers=world["other"],
            json={
                "credentialId": out["credential_id"],
                "credentialStatus": [
                    {"type": "BitstringStatusListCredential", "status": "revoked"}
                ],
            },
        ),
        404,
        "award_not_found",
    )
    problem(award(client, world["acme_read"]), 403, "missing_scope")
    problem(award(client, {}), 401, "not_authenticated")
    assert (
        client.get(f"/api/orgs/acme/awards/{out['id']}", headers=world["acme"]).json()["status"]
        == "active"
    )


def test_bad_input(client: TestClient, world: dict[str, Any], session: Session) -> None:
    h = world["acme"]
    assert (
        client.post(
            "/api/orgs/acme/awards",
            content=b"{not json",
            headers={**h, "content-type": "application/json"},
        ).status_code
        == 422
    )
    problem(award(client, h, recipient={"email": "nope"}), 400, "invalid_award")
    assert award(client, h, surprise=1).status_code == 422
    problem(award(client, h, definition="missing"), 404, "definition_not_found")
    problem(client.get("/api/orgs/acme/awards/nope", headers=h), 404, "award_not_found")
    problem(client.get("/api/orgs/nobody/awards", headers=h), 404, "organisation_not_found")
    assert client.get("/api/orgs/acme/awards?limit=1000", headers=h).status_code == 422
    big = {
        "definition": "py-101",
        "recipient": {"email": "a@example.org"},
        "result": "x" * 6_000_000,
    }
    assert client.post("/api/orgs/acme/awards", json=big, headers=h).status_code == 413
    from datetime import UTC, datetime, timedelta

    org = accounts.get_organisation(session, "acme")
    soon = datetime.now(UTC) + timedelta(seconds=1)
    token, plain = tokens.create_token(
        session, organisation=org, scopes={"issue"}, name="t", actor=SYSTEM, expires_at=soon
    )
    token.expires_at = datetime.now(UTC) - timedelta(days=1)
    session.commit()
    problem(award(client, {"Authorization": f"Bearer {plain}"}), 401, "token_expired")


def _upload(client: TestClient, headers: dict[str, str], text: str) -> Any:
    return client.post(
        "/api/orgs/acme/bulk",
        headers=headers,
        data={"definition": "py-101"},
        files={"file": ("learners.csv", text.encode(), "text/csv")},
    )


def test_bulk_upload_progress_and_errors(client: TestClient, world: dict[str, Any]) -> None:
    h = world["acme"]
    rows = "email,external_id,name\n" + "".join(f"l{i}@example.org,b{i},L {i}\n" for i in range(20))
    accepted = _upload(client, h, rows)
    assert accepted.status_code == 202, accepted.text
    batch = accepted.json()
    status = client.get(f"/api/orgs/acme/bulk/{batch['id']}", headers=world["acme_read"]).json()
    assert (status["status"], status["issued"], status["pending"], status["total"]) == (
        "completed",
        20,
        0,
        20,
    )
    assert client.get("/api/orgs/acme/awards?batch=" + batch["id"], headers=h).json()["total"] == 20
    # The same file again issues nothing twice.
    again = _upload(client, h, rows).json()
    again = client.get(f"/api/orgs/acme/bulk/{again['id']}", headers=h).json()
    assert (again["issued"], again["skipped"]) == (0, 20)
    # A bad file: 422, nothing issued, errors inline and as a safe CSV.
    bad = _upload(
        client, h, 'email,external_id,name\nx@example.org,n1,=HYPERLINK("evil")\nbad,n2,\n'
    )
    body = problem(bad, 422, "bulk_invalid")
    assert [(e["line"], e["column"]) for e in body["batch"]["errors"]] == [
        (2, "name"),
        (3, "email"),
    ]
    report = client.get(body["batch"]["errors_url"], headers=h)
    assert report.headers["content-type"].startswith("text/csv")
    assert report.text.splitlines()[0] == "line,column,code,message"
    assert client.get("/api/orgs/acme/awards?external_id=n1", headers=h).json()["total"] == 0
    problem(
        _upload(client, h, "éa".encode("latin-1").decode("latin-1") + "\n"), 422, "bulk_invalid"
    )
    problem(client.get("/api/orgs/acme/bulk/nope", headers=h), 404, "batch_not_found")
    problem(
        client.get(f"/api/orgs/acme/bulk/{batch['id']}", headers=world["other"]),
        403,
        "wrong_organisation",
    )


def test_delivery_writes_outbox_mail(client: TestClient, world: dict[str, Any]) -> None:
    settings: Settings = world["settings"]
    award(client, world["acme"], recipient={"email": "mail@example.org"})
    files = list(settings.outbox_dir.glob("*.eml"))
    assert len(files) == 1
    text = files[0].read_text()
    assert "To: mail@example.org" in text and f"{TEST_BASE_URL}/claim/" in text
