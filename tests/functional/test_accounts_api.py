"""The accounts HTTP API on SQLite and PostgreSQL: sign-up, sessions and CSRF, organisations,
members, tokens, keys, audit, and that organisation A can never act for organisation B."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from microcred.config import Settings

PASSWORD = "correct horse battery"
PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith("/" + code)
    assert body["title"] and body["detail"]
    return body


def new_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://localhost:8000")


def signed_in(app: FastAPI, email: str) -> TestClient:
    """A client with its own cookie jar, signed in as ``email`` (signed up if needed);
    the CSRF token is sent on every request like a page's JavaScript would."""
    client = new_client(app)
    client.post("/api/users", json={"email": email, "password": PASSWORD})
    response = client.post("/api/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


def create_org(client: TestClient, slug: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/orgs", json={"slug": slug, "name": slug.title(), **extra})
    assert response.status_code == 201, response.text
    return response.json()


def create_token(client: TestClient, slug: str, scopes: list[str]) -> str:
    response = client.post(f"/api/orgs/{slug}/tokens", json={"name": "t", "scopes": scopes})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- meta -----------------------------------------------------------------------------
def test_healthz_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/users",
        "/api/session",
        "/api/orgs/{slug}/tokens",
        "/orgs/{slug}/did.json",
    } <= set(paths)


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/api/nothing-here"), 404, "not_found")
    assert_problem(client.put("/api/session"), 405, "method_not_allowed")


# -- users and sessions ---------------------------------------------------------------
def test_sign_up_sign_in_me_sign_out(app: FastAPI) -> None:
    client = new_client(app)
    response = client.post("/api/users", json={"email": " Ann@Example.org", "password": PASSWORD})
    assert response.status_code == 201
    assert response.json()["email"] == "ann@example.org"
    assert "password" not in response.text and "argon2" not in response.text
    assert_problem(
        client.post("/api/users", json={"email": "ann@example.org", "password": PASSWORD}),
        409,
        "email_taken",
    )
    assert_problem(
        client.post("/api/users", json={"email": "bob@example.org", "password": "short"}),
        400,
        "weak_password",
    )

    bad = client.post(
        "/api/session", json={"email": "ann@example.org", "password": "wrong password"}
    )
    assert_problem(bad, 401, "invalid_credentials")
    assert bad.headers["www-authenticate"].startswith("Bearer")

    response = client.post("/api/session", json={"email": "ANN@example.org", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("microcred_session=")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain http on localhost
    csrf = response.json()["csrf_token"]

    me = client.get("/api/me").json()
    assert me["kind"] == "user" and me["user"]["email"] == "ann@example.org"
    assert me["csrf_token"] == csrf

    assert_problem(client.delete("/api/session"), 403, "csrf_failed")
    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert_problem(client.get("/api/me"), 401, "not_authenticated")


def test_cookie_is_secure_on_https(
    make_app: Callable[[Settings], FastAPI], make_settings: Callable[..., Settings]
) -> None:
    app = make_app(make_settings(base_url="https://issuers.example.org"))
    client = TestClient(app, base_url="https://issuers.example.org")
    client.post("/api/users", json={"email": "ann@example.org", "password": PASSWORD})
    response = client.post("/api/session", json={"email": "ann@example.org", "password": PASSWORD})
    assert "Secure" in response.headers["set-cookie"]


def test_csrf_is_required_for_cookie_posts(app: FastAPI) -> None:
    client = signed_in(app, "ann@example.org")
    csrf = client.headers.pop("X-CSRF-Token")
    body = {"slug": "acme", "name": "Acme"}
    assert_problem(client.post("/api/orgs", json=body), 403, "csrf_failed")
    assert_problem(
        client.post("/api/orgs", json=body, headers={"X-CSRF-Token": "forged"}), 403, "csrf_failed"
    )
    # A form post carrying the right token passes CSRF (and then fails on the JSON body).
    form = client.post("/api/orgs", data={"csrf_token": csrf, "slug": "acme"})
    assert_problem(form, 422, "validation_failed")
    form = client.post("/api/orgs", data={"csrf_token": "wrong", "slug": "acme"})
    assert_problem(form, 403, "csrf_failed")
    assert client.post("/api/orgs", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    # Another user's CSRF token does not work with this session.
    other = signed_in(app, "eve@example.org")
    response = client.post(
        "/api/orgs",
        json={"slug": "acme2", "name": "A"},
        headers={"X-CSRF-Token": other.headers["X-CSRF-Token"]},
    )
    assert_problem(response, 403, "csrf_failed")


def test_validation_errors_are_problems(client: TestClient) -> None:
    body = assert_problem(
        client.post("/api/users", json={"password": PASSWORD}), 422, "validation_failed"
    )
    assert body["errors"][0]["loc"] == ["body", "email"]
    assert_problem(
        client.post(
            "/api/users", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
        "validation_failed",
    )


# -- organisations, identity documents ------------------------------------------------
def test_organisation_did_document_and_profile(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    org = create_org(
        ann, "acme", url="https://acme.example.org", country="NL", description="Courses"
    )
    assert org["did"] == "did:web:localhost%3A8000:orgs:acme"
    assert org["did_document_url"] == "http://localhost:8000/orgs/acme/did.json"
    assert [k["status"] for k in org["keys"]] == ["active"]

    anonymous = new_client(app)
    document = anonymous.get("/orgs/acme/did.json")
    assert document.headers["content-type"].startswith("application/did+json")
    doc = document.json()
    assert doc["id"] == org["did"]
    assert doc["verificationMethod"][0]["type"] == "Multikey"
    assert doc["assertionMethod"] == [org["keys"][0]["key_id"]]

    profile = anonymous.get("/orgs/acme/profile").json()
    assert profile["id"] == org["did"] and profile["type"] == ["Profile"]
    assert profile["name"] == "Acme" and profile["url"] == "https://acme.example.org"
    assert profile["address"]["addressCountryCode"] == "NL"
    assert_problem(anonymous.get("/orgs/nope/did.json"), 404, "organisation_not_found")

    assert ann.get("/api/orgs/acme").json()["slug"] == "acme"
    assert_problem(anonymous.get("/api/orgs/acme"), 401, "not_authenticated")
    assert_problem(ann.post("/api/orgs", json={"slug": "acme", "name": "Again"}), 409, "slug_taken")
    assert_problem(
        ann.post("/api/orgs", json={"slug": "Bad Slug", "name": "X"}), 400, "invalid_slug"
    )


def test_did_key_organisation(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    org = create_org(ann, "keyed", did_method="key")
    assert org["did"].startswith("did:key:z6Mk")
    assert_problem(ann.post("/api/orgs/keyed/keys/rotate"), 409, "did_key_rotation")


def test_only_admins_create_for_others(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    signed_in(app, "bob@example.org")
    response = ann.post(
        "/api/orgs", json={"slug": "acme", "name": "A", "owner_email": "bob@example.org"}
    )
    assert_problem(response, 403, "forbidden")


def test_key_rotation_keeps_old_keys(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    create_org(ann, "acme")
    response = ann.post("/api/orgs/acme/keys/rotate")
    assert response.status_code == 201
    assert response.json()["key_id"].endswith("#key-2")
    doc = new_client(app).get("/orgs/acme/did.json").json()
    assert [m["id"].rsplit("#", 1)[1] for m in doc["verificationMethod"]] == ["key-1", "key-2"]
    assert [k["status"] for k in ann.get("/api/orgs/acme/keys").json()] == ["retired", "active"]


# -- members ----------------------------------------------------------------------------
def test_members(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    bob = signed_in(app, "bob@example.org")
    create_org(ann, "acme")
    assert_problem(
        ann.post("/api/orgs/acme/members", json={"email": "nobody@example.org", "role": "issuer"}),
        404,
        "user_not_found",
    )
    assert (
        ann.post(
            "/api/orgs/acme/members", json={"email": "bob@example.org", "role": "issuer"}
        ).status_code
        == 201
    )
    roles = {m["email"]: m["role"] for m in bob.get("/api/orgs/acme/members").json()}
    assert roles == {"ann@example.org": "owner", "bob@example.org": "issuer"}
    # An issuer cannot manage members, tokens or keys.
    assert_problem(
        bob.post("/api/orgs/acme/members", json={"email": "bob@example.org", "role": "owner"}),
        403,
        "forbidden",
    )
    assert_problem(bob.post("/api/orgs/acme/tokens", json={"scopes": ["issue"]}), 403, "forbidden")
    assert_problem(bob.post("/api/orgs/acme/keys/rotate"), 403, "forbidden")
    assert_problem(bob.get("/api/orgs/acme/audit"), 403, "forbidden")
    assert_problem(ann.delete("/api/orgs/acme/members/ann@example.org"), 409, "last_owner")
    assert ann.delete("/api/orgs/acme/members/bob@example.org").status_code == 204
    assert_problem(bob.get("/api/orgs/acme"), 403, "forbidden")


# -- tokens ----------------------------------------------------------------------------
def test_token_lifecycle(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    create_org(ann, "acme")
    response = ann.post(
        "/api/orgs/acme/tokens",
        json={"name": "ci", "scopes": ["issue", "verify"], "expires_days": 30},
    )
    created = response.json()
    token = created["token"]
    assert token.startswith(f"mc_{created['prefix']}_")
    listed = ann.get("/api/orgs/acme/tokens").json()
    assert [t["prefix"] for t in listed] == [created["prefix"]]
    assert token not in ann.get("/api/orgs/acme/tokens").text

    api = new_client(app)
    me = api.get("/api/me", headers=bearer(token)).json()
    assert me == {
        "kind": "token",
        "user": None,
        "organisation": "acme",
        "scopes": ["issue", "verify"],
        "csrf_token": None,
    }
    assert ann.get("/api/orgs/acme/tokens").json()[0]["last_used_at"] is not None
    # Tokens never manage tokens, and need the right scope for the rest.
    assert_problem(
        api.post("/api/orgs/acme/tokens", json={"scopes": ["manage"]}, headers=bearer(token)),
        403,
        "missing_scope",
    )
    assert_problem(
        api.post("/api/orgs/acme/keys/rotate", headers=bearer(token)), 403, "missing_scope"
    )

    assert ann.delete(f"/api/orgs/acme/tokens/{created['id']}").json()["revoked_at"] is not None
    assert_problem(api.get("/api/me", headers=bearer(token)), 401, "token_revoked")
    assert_problem(api.get("/api/me", headers=bearer("mc_nothing")), 401, "invalid_token")
    assert_problem(
        api.get("/api/me", headers={"Authorization": "Basic YTpi"}), 401, "invalid_authorization"
    )
    assert_problem(ann.delete("/api/orgs/acme/tokens/99999"), 404, "token_not_found")
    assert_problem(
        ann.post("/api/orgs/acme/tokens", json={"scopes": ["admin"]}), 422, "validation_failed"
    )


def test_manage_token_rotates_and_reads_audit(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    create_org(ann, "acme")
    token = create_token(ann, "acme", ["manage"])
    api = new_client(app)
    assert api.post("/api/orgs/acme/keys/rotate", headers=bearer(token)).status_code == 201
    events = api.get("/api/orgs/acme/audit", headers=bearer(token)).json()["items"]
    assert events[0]["action"] == "key.rotate" and events[0]["actor_kind"] == "token"


def test_audit_pagination(app: FastAPI) -> None:
    ann = signed_in(app, "ann@example.org")
    create_org(ann, "acme")
    for _ in range(3):
        create_token(ann, "acme", ["read"])
    first = ann.get("/api/orgs/acme/audit", params={"limit": 2}).json()
    assert [e["action"] for e in first["items"]] == ["token.create", "token.create"]
    assert first["items"][0]["occurred_at"].endswith("Z")
    second = ann.get(
        "/api/orgs/acme/audit", params={"limit": 2, "before_id": first["next_before_id"]}
    ).json()
    third = ann.get(
        "/api/orgs/acme/audit", params={"limit": 2, "before_id": second["next_before_id"]}
    ).json()
    actions = [e["action"] for page in (first, second, third) for e in page["items"]]
    assert actions == ["token.create"] * 3 + ["member.add", "organisation.create"]
    assert third["next_before_id"] is None
    assert_problem(ann.get("/api/orgs/acme/audit", params={"limit": 0}), 422, "validation_failed")
    assert_problem(
        ann.get("/api/orgs/acme/audit", params={"limit": "many"}), 422, "validation_failed"
    )


# -- organisation A never acts for organisation B -------------------------------------
B_REQUESTS = [
    ("GET", "/api/orgs/org-b", None),
    ("GET", "/api/orgs/org-b/members", None),
    ("POST", "/api/orgs/org-b/members", {"email": "mallory@example.org", "role": "owner"}),
    ("DELETE", "/api/orgs/org-b/members/bea@example.org", None),
    ("GET", "/api/orgs/org-b/tokens", None),
    ("POST", "/api/orgs/org-b/tokens", {"scopes": ["issue"]}),
    ("DELETE", "/api/orgs/org-b/tokens/{b_token}", None),
    ("GET", "/api/orgs/org-b/keys", None),
    ("POST", "/api/orgs/org-b/keys/rotate", None),
    ("GET", "/api/orgs/org-b/audit", None),
]


@pytest.fixture
def two_orgs(app: FastAPI) -> dict[str, Any]:
    mallory = signed_in(app, "mallory@example.org")
    bea = signed_in(app, "bea@example.org")
    create_org(mallory, "org-a")
    create_org(bea, "org-b")
    b_token_id = bea.post("/api/orgs/org-b/tokens", json={"scopes": ["read"]}).json()["id"]
    a_token = create_token(mallory, "org-a", ["issue", "revoke", "verify", "manage", "read"])
    return {"mallory": mallory, "bea": bea, "a_token": a_token, "b_token": b_token_id}


@pytest.mark.parametrize(("method", "path", "body"), B_REQUESTS)
def test_org_a_user_cannot_act_for_org_b(
    two_orgs: dict[str, Any], method: str, path: str, body: Any
) -> None:
    response = two_orgs["mallory"].request(method, path.format(**two_orgs), json=body)
    assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize(("method", "path", "body"), B_REQUESTS)
def test_org_a_token_cannot_act_for_org_b(
    app: FastAPI, two_orgs: dict[str, Any], method: str, path: str, body: Any
) -> None:
    response = new_client(app).request(
        method, path.format(**two_orgs), json=body, headers=bearer(two_orgs["a_token"])
    )
    assert_problem(response, 403, "wrong_organisation")


def test_org_b_is_unchanged_after_the_attempts(app: FastAPI, two_orgs: dict[str, Any]) -> None:
    for method, path, body in B_REQUESTS:
        two_orgs["mallory"].request(method, path.format(**two_orgs), json=body)
        new_client(app).request(
            method, path.format(**two_orgs), json=body, headers=bearer(two_orgs["a_token"])
        )
    bea = two_orgs["bea"]
    assert [m["email"] for m in bea.get("/api/orgs/org-b/members").json()] == ["bea@example.org"]
    assert [t["revoked_at"] for t in bea.get("/api/orgs/org-b/tokens").json()] == [None]
    assert len(bea.get("/api/orgs/org-b/keys").json()) == 1


# -- abuse: body size and rate limits -------------------------------------------------
def test_request_body_size_limit(
    make_app: Callable[[Settings], FastAPI], make_settings: Callable[..., Settings]
) -> None:
    client = new_client(make_app(make_settings(max_request_bytes=1024)))
    big = {"email": "a@example.org", "password": "p" * 2000}
    body = assert_problem(client.post("/api/users", json=big), 413, "request_too_large")
    assert "1024" in body["detail"]

    def chunks() -> Any:  # no Content-Length: refused while streaming
        for _ in range(10):
            yield b"x" * 300

    assert_problem(
        client.post("/api/users", content=chunks(), headers={"content-type": "application/json"}),
        413,
        "request_too_large",
    )
    # Under the limit still works.
    ok = client.post("/api/users", json={"email": "a@example.org", "password": PASSWORD})
    assert ok.status_code == 201


def test_rate_limit_on_sign_in(
    make_app: Callable[[Settings], FastAPI], make_settings: Callable[..., Settings]
) -> None:
    client = new_client(make_app(make_settings(rate_limit_per_minute=2)))
    body = {"email": "nobody@example.org", "password": "wrong password"}
    assert client.post("/api/session", json=body).status_code == 401
    assert client.post("/api/session", json=body).status_code == 401
    limited = client.post("/api/session", json=body)
    assert_problem(limited, 429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert client.get("/healthz").status_code == 200  # other endpoints are not limited
