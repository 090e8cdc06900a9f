"""Claiming with a DID, end to end over HTTP (SQLite and PostgreSQL): the issuer awards
to an e-mail address, the learner follows the mailed claim link, signs a DID-auth
presentation (did:key, proofPurpose authentication, the server's challenge and domain)
and gets a credential bound to that DID; the e-mail-bound one is superseded and fails
verification from then on."""

from __future__ import annotations

import email
import json
import re
from email.message import Message
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.functional.conftest import TEST_BASE_URL, TEST_MASTER_KEY
from tests.support.catalogue import SYSTEM, publish_definition

from microcred.accounts import service as accounts
from microcred.accounts import tokens
from microcred.config import Settings
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign
from microcred.jobs import InlineRunner, task_context

VC2 = "https://www.w3.org/ns/credentials/v2"
PASSWORD = "learner-password-1"


@pytest.fixture
def issuer_headers(
    app: FastAPI, session: Session, session_factory: sessionmaker[Session], settings: Settings
) -> dict[str, str]:
    app.state.job_runner = InlineRunner(task_context(settings, session_factory))
    org = accounts.create_organisation(
        session,
        slug="acme",
        name="Acme Academy",
        base_url=TEST_BASE_URL,
        master_key=TEST_MASTER_KEY.encode(),
        actor=SYSTEM,
    )
    publish_definition(session, org, "py-101")
    _, plain = tokens.create_token(
        session, organisation=org, scopes={"issue", "read"}, name="t", actor=SYSTEM
    )
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def _claim_token(settings: Settings, to: str) -> str:
    for path in sorted(settings.outbox_dir.glob("*.eml")):
        message: Message = email.message_from_bytes(path.read_bytes())
        if message["To"] != to:
            continue
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found = re.search(r"/claim/([A-Za-z0-9_-]+)", payload.decode("utf-8"))
        assert found, payload
        return found.group(1)
    raise AssertionError(f"no mail to {to} in {settings.outbox_dir}")


def _learner(app: FastAPI, address: str) -> TestClient:
    client = TestClient(app, base_url=TEST_BASE_URL)
    assert (
        client.post("/api/users", json={"email": address, "password": PASSWORD}).status_code == 201
    )
    signed_in = client.post("/api/session", json={"email": address, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    client.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
    return client


def _presentation(key: KeyPair, challenge: str, domain: str, holder: str | None = None) -> Any:
    unsigned = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": holder or key.did_key,
    }
    return sign(unsigned, key, proof_purpose="authentication", challenge=challenge, domain=domain)


def _verify(client: TestClient, credential: dict[str, Any]) -> Any:
    return client.post("/credentials/verify", json={"verifiableCredential": credential})


def test_claim_with_did_rebinds_and_supersedes(
    client: TestClient, app: FastAPI, settings: Settings, issuer_headers: dict[str, str]
) -> None:
    awarded = client.post(
        "/api/orgs/acme/awards",
        json={"definition": "py-101", "recipient": {"email": "ann@example.org", "name": "Ann"}},
        headers=issuer_headers,
    )
    assert awarded.status_code == 201, awarded.text
    original = awarded.json()
    token = _claim_token(settings, "ann@example.org")
    learner = _learner(app, "ann@example.org")
    wallet = KeyPair.generate("Ed25519")

    challenged = learner.post("/api/claims/challenge")
    assert challenged.status_code == 200, challenged.text
    challenge, domain = challenged.json()["challenge"], challenged.json()["domain"]
    assert domain == TEST_BASE_URL

    # Failures leave the claim link and the challenge unused (the transaction rolls back).
    impostor = KeyPair.generate("Ed25519")
    forged = _presentation(impostor, challenge, domain, holder=wallet.did_key)
    refused = learner.post(f"/api/claims/{token}", json={"presentation": forged})
    assert refused.status_code in (400, 403), refused.text
    assert refused.json()["code"] == "did_auth_failed"
    wrong_domain = _presentation(wallet, challenge, "https://evil.example")
    refused = learner.post(f"/api/claims/{token}", json={"presentation": wrong_domain})
    assert refused.json()["code"] == "did_auth_failed"
    unknown = _presentation(wallet, "not-our-challenge", domain)
    refused = learner.post(f"/api/claims/{token}", json={"presentation": unknown})
    assert refused.json()["code"] == "challenge_invalid"
    assert client.post(f"/api/claims/{token}").status_code == 401  # not signed in

    claimed = learner.post(
        f"/api/claims/{token}", json={"presentation": _presentation(wallet, challenge, domain)}
    )
    assert claimed.status_code == 200, claimed.text
    out = claimed.json()
    new = out["award"]
    assert out["superseded"] == original["credential_id"]
    assert new["recipient_did"] == wallet.did_key and new["claimed"] is True
    assert new["credential_id"] != original["credential_id"]
    credential = new["credential"]
    assert credential["credentialSubject"]["id"] == wallet.did_key
    # The hashed e-mail identifier stays, so the e-mail still matches the credential.
    assert (
        credential["credentialSubject"]["identifier"]
        == (original["credential"]["credentialSubject"]["identifier"])
    )

    hosted = client.get(new["credential_id"])
    assert hosted.status_code == 200 and json.loads(hosted.content) == credential
    verified = _verify(client, credential)
    assert verified.status_code == 200, verified.text
    old = _verify(client, original["credential"])
    assert old.status_code == 400 and old.json()["verified"] is False
    assert any(e.startswith("status:") for e in old.json()["errors"])

    listed = client.get("/api/orgs/acme/awards", headers=issuer_headers).json()
    statuses = {item["credential_id"]: item["status"] for item in listed["items"]}
    assert statuses == {original["credential_id"]: "superseded", new["credential_id"]: "active"}
    superseded = client.get(f"/api/orgs/acme/awards/{original['id']}", headers=issuer_headers)
    assert superseded.json()["superseded_by"] == new["credential_id"]

    # The link and the challenge work once.
    again = learner.post(
        f"/api/claims/{token}", json={"presentation": _presentation(wallet, challenge, domain)}
    )
    assert again.json()["code"] == "claim_used"
