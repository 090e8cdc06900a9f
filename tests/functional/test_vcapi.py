"""W3C VC API over HTTP: issue as the token's organisation, verify, update status,
presentations, rate limits and bad input (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.test_issuing_api import bearer, issuer, problem

from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign

VC2 = "https://www.w3.org/ns/credentials/v2"


def unsigned(subject: str = "did:example:learner") -> dict[str, Any]:
    return {
        "@context": [VC2, "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": subject},
    }


@pytest.fixture
def tokens(session: Session) -> dict[str, dict[str, str]]:
    acme = issuer(session, "acme", did_method="key")
    other = issuer(session, "other", did_method="key")
    out = {
        "issue": bearer(session, acme, {"issue", "revoke"}),
        "read": bearer(session, acme, {"read"}),
        "other": bearer(session, other, {"issue", "revoke"}),
        "did": {"did": acme.did},
    }
    session.commit()
    return out


def test_issue_verify_revoke_suspend(client: TestClient, tokens: dict[str, Any]) -> None:
    issued = client.post(
        "/credentials/issue", json={"credential": unsigned()}, headers=tokens["issue"]
    )
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    assert vc["issuer"] == tokens["did"]["did"]
    assert [s["statusPurpose"] for s in vc["credentialStatus"]] == ["revocation", "suspension"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    ok = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert ok.status_code == 200, ok.text
    assert ok.json()["verified"] and "proof" in ok.json()["checks"]

    tampered = {**vc, "credentialSubject": {"id": "did:example:mallory"}}
    bad = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert bad.status_code == 400 and not bad.json()["verified"]

    def update(status: str, headers: dict[str, str]) -> Any:
        return client.post(
            "/credentials/status",
            json={
                "credentialId": vc["id"],
                "credentialStatus": [{"type": "BitstringStatusListCredential", "status": status}],
            },
            headers=headers,
        )

    problem(update("revoked", tokens["other"]), 404, "award_not_found")
    problem(update("revoked", tokens["read"]), 403, "missing_scope")
    problem(update("bogus", tokens["issue"]), 400, "invalid_status_update")
    assert update("suspended", tokens["issue"]).json()["status"] == "suspended"
    suspended = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert suspended.status_code == 400 and any("suspend" in e for e in suspended.json()["errors"])
    assert update("unsuspended", tokens["issue"]).json()["status"] == "active"
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
    assert update("revoked", tokens["issue"]).json()["status"] == "revoked"
    assert update("revoked", tokens["issue"]).status_code == 200  # idempotent
    problem(update("unsuspended", tokens["issue"]), 409, "award_revoked")
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 400


def test_issue_refuses_bad_documents(client: TestClient, tokens: dict[str, Any]) -> None:
    h = tokens["issue"]
    # Without the examples context (which has @vocab) the term is undefined: safe mode refuses.
    undefined = {**unsigned(), "@context": [VC2], "notATerm": 1}
    assert (
        client.post("/credentials/issue", json={"credential": undefined}, headers=h).status_code
        == 400
    )
    foreign = {**unsigned(), "issuer": "did:example:someone-else"}
    problem(
        client.post("/credentials/issue", json={"credential": foreign}, headers=h),
        400,
        "issuer_mismatch",
    )
    # A status entry of another method is kept beside the two entries issued here.
    with_status = {**unsigned(), "credentialStatus": {"id": "x:y", "type": "X"}}
    kept = client.post("/credentials/issue", json={"credential": with_status}, headers=h)
    assert kept.status_code == 201, kept.text
    statuses = kept.json()["verifiableCredential"]["credentialStatus"]
    assert statuses[0] == {"id": "x:y", "type": "X"}
    assert [s.get("statusPurpose") for s in statuses[1:]] == ["revocation", "suspension"]
    # VC Data Model 2.0 structural rules are enforced before signing.
    for bad in (
        {**unsigned(), "credentialStatus": {"id": "x:y"}},
        {**unsigned(), "validFrom": "Sat 25 Feb 2023 07:16:31 PM CST"},
        {**unsigned(), "type": ["Thing"]},
        {**unsigned(), "id": None},
        {**unsigned(), "issuer": None},
        {**unsigned(), "credentialSubject": {}},
        {**unsigned(), "evidence": {"id": "https://example.org/e"}},
        {**unsigned(), "relatedResource": ["https://www.w3.org/ns/credentials/v2"]},
    ):
        problem(
            client.post("/credentials/issue", json={"credential": bad}, headers=h),
            400,
            "malformed_credential",
        )
    assert client.post("/credentials/issue", json={"credential": unsigned()}).status_code == 401
    assert (
        client.post(
            "/credentials/issue", json={"credential": unsigned()}, headers=tokens["read"]
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/credentials/issue", content=b"[1,", headers={**h, "content-type": "application/json"}
        ).status_code
        == 422
    )
    assert (
        client.post("/credentials/verify", json={"verifiableCredential": {"x": 1}}).status_code
        == 400
    )


def test_presentation_verify_with_challenge(client: TestClient, tokens: dict[str, Any]) -> None:
    vc = client.post(
        "/credentials/issue", json={"credential": unsigned()}, headers=tokens["issue"]
    ).json()["verifiableCredential"]
    holder = KeyPair.generate("Ed25519")
    vp = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did_key,
        "verifiableCredential": [vc],
    }
    signed = sign(vp, holder, proof_purpose="authentication", challenge="c-1", domain="example.org")
    body = {
        "verifiablePresentation": signed,
        "options": {"challenge": "c-1", "domain": "example.org"},
    }
    ok = client.post("/presentations/verify", json=body)
    assert ok.status_code == 200, ok.text
    replay = {**body, "options": {"challenge": "other", "domain": "example.org"}}
    assert client.post("/presentations/verify", json=replay).status_code == 400


def test_verify_is_rate_limited(make_app: Any, make_settings: Any) -> None:
    app: FastAPI = make_app(make_settings(rate_limit_per_minute=2))
    with TestClient(app, base_url="http://localhost:8000") as client:
        codes = [
            client.post("/credentials/verify", json={"verifiableCredential": {}}).status_code
            for _ in range(4)
        ]
    assert codes[-1] == 429


def test_issue_a_vc11_credential(client: TestClient, tokens: dict[str, Any]) -> None:
    """VC 1.1 input is issued with the contexts that define the proof and status terms."""
    v11 = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuanceDate": "2020-03-16T22:37:26.544Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    issued = client.post("/credentials/issue", json={"credential": v11}, headers=tokens["issue"])
    assert issued.status_code == 201, issued.text
    vc = issued.json()["verifiableCredential"]
    assert vc["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://www.w3.org/ns/credentials/status/v1",
    ]
    assert "validFrom" not in vc
    checked = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert checked.status_code == 200, checked.text
    assert checked.json()["verified"] is True
