"""W3C VC API over HTTP: issue as the token's organisation, verify, update status,
presentations, rate limits and bad input (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from tests.functional.test_issuing_api import bearer, issuer, problem

from microcred.credentials.dids.did_web import did_web_document
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign
from microcred.storage.changes import CHANNEL, ChangeListener
from microcred.web.api import vcapi

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


def test_repeated_verification_reads_the_database_once(
    client: TestClient,
    tokens: dict[str, Any],
    connection: Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What verification reads (the issuer's status lists, its trust entries) is kept by
    the app: verifying a second credential of the same issuer sends no SQL at all."""
    issued = [
        client.post(
            "/credentials/issue",
            json={"credential": unsigned(f"did:example:learner{i}")},
            headers=tokens["issue"],
        ).json()["verifiableCredential"]
        for i in range(2)
    ]
    for _ in range(2):  # the first verification also signs and stores the status lists
        assert client.post("/credentials/verify", json={"verifiableCredential": issued[0]})
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    threads: list[Any] = []
    real_run_sync = vcapi.to_thread.run_sync

    async def counting_run_sync(*args: Any, **kwargs: Any) -> Any:
        threads.append(args[0])
        return await real_run_sync(*args, **kwargs)

    monkeypatch.setattr(vcapi.to_thread, "run_sync", counting_run_sync)
    event.listen(connection, "before_cursor_execute", record)
    try:
        second = client.post("/credentials/verify", json={"verifiableCredential": issued[1]})
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert second.status_code == 200, second.text
    assert {"proof", "status"} <= set(second.json()["checks"])
    assert seen == [], seen
    assert threads == []  # verified on the event loop, from the caches alone


def test_a_credential_needing_another_server_is_verified_in_the_network_pool(
    make_app: Any, make_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first pass never waits on the network; a credential that needs it (here: a
    did:web issuer elsewhere) is verified again with the HTTPS fetcher, in its own pool."""
    did = "did:web:issuer.example"
    key = KeyPair.generate("Ed25519")
    document = did_web_document(did, [key.public], key_ids=["#key-1"])
    fetched: list[str] = []

    class FakeHttps:
        def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
            fetched.append(url)
            assert url == "https://issuer.example/.well-known/did.json"
            return json.dumps(document).encode()

    monkeypatch.setattr(vcapi, "HttpsFetcher", FakeHttps)
    credential = sign({**unsigned(), "issuer": did}, key, verification_method=f"{did}#key-1")
    app = make_app(make_settings(allow_network=True))
    limiters: list[Any] = []
    real_run_sync = vcapi.to_thread.run_sync

    async def recording_run_sync(*args: Any, **kwargs: Any) -> Any:
        limiters.append(kwargs["limiter"])
        return await real_run_sync(*args, **kwargs)

    monkeypatch.setattr(vcapi.to_thread, "run_sync", recording_run_sync)
    with TestClient(app, base_url="http://localhost:8000") as client:
        answer = client.post("/credentials/verify", json={"verifiableCredential": credential})
        # Cold caches: the database pass (trust entries), then the network pass.
        assert limiters == [app.state.verify_limiter, app.state.network_limiter]
        again = client.post("/credentials/verify", json={"verifiableCredential": credential})
        # Warm: from the event loop straight to the network pass.
        assert limiters[2:] == [app.state.network_limiter]
    assert answer.status_code == 200, answer.text
    assert again.status_code == 200, again.text
    assert set(fetched) == {"https://issuer.example/.well-known/did.json"}
    fetches = len(fetched)
    assert app.state.network_limiter.borrowed_tokens == 0

    # With the network off, the same credential fails on the first pass: it is not ours.
    offline = make_app(make_settings(allow_network=False))
    with TestClient(offline, base_url="http://localhost:8000") as client:
        refused = client.post("/credentials/verify", json={"verifiableCredential": credential})
    assert refused.status_code == 400
    assert len(fetched) == fetches


def test_pages_read_status_lists_through_the_app_cache(
    client: TestClient, tokens: dict[str, Any], connection: Connection
) -> None:
    """A request's DbSession carries the app's document cache: the public credential page
    (which verifies the credential) reads the status lists once, not on every visit."""
    vc = client.post(
        "/credentials/issue", json={"credential": unsigned()}, headers=tokens["issue"]
    ).json()["verifiableCredential"]
    path = "/credentials/" + vc["id"].rsplit("/", 1)[1]
    html = {"Accept": "text/html"}
    for _ in range(2):  # the first visit also signs and stores the lists
        assert client.get(path, headers=html).status_code == 200
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        page = client.get(path, headers=html)
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert page.status_code == 200 and "Valid" in page.text, page.text[:500]
    assert seen and not [s for s in seen if "status_lists" in s], seen
    # The verify page's trust checks read through the app's trust cache too.
    trust = client.app.state.trust_cache.entries  # type: ignore[attr-defined]
    for _ in range(2):
        checked = client.get("/verify", params={"url": vc["id"]})
        assert checked.status_code == 200, checked.text[:500]
    assert trust.hits >= 1


def test_served_app_hears_other_processes_writes_at_once(
    make_app: Any,
    make_settings: Any,
    tokens: dict[str, Any],
    connection: Connection,
    engine: Engine,
) -> None:
    """With the change listener (served apps, PostgreSQL), a write announced by another
    process makes the cached status lists stale at once, long before the time limit."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite processes rely on the caches' time limit")
    app = make_app(make_settings(verify_cache_seconds=300))
    app.state.change_listener = ChangeListener(engine, poll_seconds=0.1)
    with TestClient(app, base_url="http://localhost:8000") as client:
        assert app.state.change_listener.connected.wait(10)
        vc = client.post(
            "/credentials/issue", json={"credential": unsigned()}, headers=tokens["issue"]
        ).json()["verifiableCredential"]
        lists = app.state.document_cache.status_lists

        def verify_once() -> None:
            answer = client.post("/credentials/verify", json={"verifiableCredential": vc})
            assert answer.status_code == 200, answer.text

        for _ in range(3):
            verify_once()
        misses = lists.misses
        verify_once()
        assert lists.misses == misses  # cached
        # Another process's write: not through this process's ORM, announced on commit.
        connection.exec_driver_sql("UPDATE status_lists SET signed_json = NULL")
        with engine.connect() as other:
            other.execute(text("SELECT pg_notify(:c, 'status_lists')"), {"c": CHANNEL})
            other.commit()
        deadline = time.monotonic() + 10
        while True:
            verify_once()
            if lists.misses > misses:
                break
            assert time.monotonic() < deadline, "the other process's write was not heard"
            time.sleep(0.05)
    assert not app.state.change_listener.connected.is_set()  # stopped with the app
