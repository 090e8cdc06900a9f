"""The catalogue and skills API over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.support.catalogue import SYSTEM, complete_fields, make_esco_skill, make_org

from microcred.accounts import tokens
from microcred.catalogue.achievement import CREDENTIAL_CONTEXTS
from microcred.catalogue.skills import ESCO_ATTRIBUTION

PROBLEM = "application/problem+json"


def _token(session: Session, org: Any, scopes: set[str]) -> dict[str, str]:
    _, plain = tokens.create_token(session, organisation=org, scopes=scopes, name="t", actor=SYSTEM)
    return {"Authorization": f"Bearer {plain}"}


def _setup(session: Session) -> tuple[dict[str, str], dict[str, str], str]:
    org = make_org(session, "acme", name="Acme Academy")
    other = make_org(session, "other")
    skill = make_esco_skill(session, "py", "Python (computer programming)", "Python.")
    manage = _token(session, org, {"manage"})
    foreign = _token(session, other, {"manage"})
    session.commit()
    return manage, foreign, skill.uri


def test_definition_life_cycle_over_http(client: TestClient, session: Session) -> None:
    manage, foreign, skill_uri = _setup(session)
    body = {"slug": "py-data", **complete_fields(skills=[skill_uri])}
    created = client.post("/api/orgs/acme/definitions", json=body, headers=manage)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["version"], draft["status"], draft["published_version"]) == (1, "draft", None)
    assert draft["completeness"]["score"] < 100 and draft["attribution"] == ESCO_ATTRIBUTION
    assert {m["key"] for m in draft["completeness"]["missing"]} == {"image"}

    # Not public while a draft.
    assert client.get("/api/catalogue/acme/py-data").status_code == 409
    assert client.get("/definitions/acme/py-data/v1").status_code == 404
    assert client.get("/api/catalogue").json()["total"] == 0

    # Another organisation's token, or no token, cannot touch it.
    denied = client.post("/api/orgs/acme/definitions/py-data/publish", headers=foreign)
    assert denied.status_code == 403 and denied.headers["content-type"] == PROBLEM
    assert denied.json()["code"] == "wrong_organisation"
    assert client.post("/api/orgs/acme/definitions/py-data/publish").status_code == 401

    published = client.post("/api/orgs/acme/definitions/py-data/publish", headers=manage)
    assert published.status_code == 200 and published.json()["status"] == "published"

    page = client.get("/api/catalogue", params={"q": "python", "mode": "online"}).json()
    assert [item["slug"] for item in page["items"]] == ["py-data"]
    assert page["attribution"] == ESCO_ATTRIBUTION and page["items"][0]["price"] == "199.00"
    public = client.get("/api/catalogue/acme/py-data").json()
    assert public["version"] == 1 and public["fields"]["skills"] == [skill_uri]

    achievement = client.get(public["achievement_id"].replace("http://localhost:8000", ""))
    assert achievement.status_code == 200
    assert achievement.headers["content-type"].startswith("application/ld+json")
    doc = achievement.json()
    assert doc["@context"] == CREDENTIAL_CONTEXTS and doc["id"] == public["achievement_id"]
    assert doc["alignment"][0]["targetUrl"] == skill_uri

    # Editing a published definition makes version 2 as a draft; v1 stays served.
    patched = client.patch(
        "/api/orgs/acme/definitions/py-data", json={"title": "Python for Data"}, headers=manage
    )
    assert patched.status_code == 200
    assert (patched.json()["version"], patched.json()["status"]) == (2, "draft")
    assert patched.json()["published_version"] == 1
    assert (
        client.get("/api/catalogue/acme/py-data").json()["fields"]["title"]
        == "Python for Data Analysis"
    )
    assert client.get("/api/orgs/acme/definitions/py-data", headers=manage).json()["version"] == 2
    listed = client.get("/api/orgs/acme/definitions", headers=manage).json()
    assert [(d["slug"], d["version"]) for d in listed] == [("py-data", 2)]

    retired = client.post("/api/orgs/acme/definitions/py-data/retire", headers=manage)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    assert client.get("/api/catalogue").json()["total"] == 0
    # A retired version still dereferences: credentials outlive the catalogue entry.
    assert client.get("/definitions/acme/py-data/v1").status_code == 200


def test_bad_requests_are_problems(client: TestClient, session: Session) -> None:
    manage, _, _ = _setup(session)
    cases = [
        (
            "post",
            "/api/orgs/acme/definitions",
            {"slug": "x", "title": "T", "description": "D", "eqf_level": 9},
            422,
        ),
        (
            "post",
            "/api/orgs/acme/definitions",
            {"slug": "x", "title": "T", "description": "D", "bogus": 1},
            422,
        ),
        (
            "post",
            "/api/orgs/acme/definitions",
            {"slug": "Bad Slug", "title": "T", "description": "D"},
            400,
        ),
        (
            "post",
            "/api/orgs/acme/definitions",
            {"slug": "x", "title": "T", "description": "D", "currency": "XYZ"},
            400,
        ),
        (
            "post",
            "/api/orgs/nope/definitions",
            {"slug": "x", "title": "T", "description": "D"},
            404,
        ),
        ("patch", "/api/orgs/acme/definitions/missing", {"title": "T"}, 404),
        ("post", "/api/orgs/acme/definitions/missing/publish", None, 404),
    ]
    for method, url, body, expected in cases:
        response = client.request(method, url, json=body, headers=manage)
        assert response.status_code == expected, (url, body, response.text)
        assert response.headers["content-type"] == PROBLEM
    client.post(
        "/api/orgs/acme/definitions",
        json={"slug": "x", "title": "T", "description": "D"},
        headers=manage,
    )
    incomplete = client.post("/api/orgs/acme/definitions/x/publish", headers=manage)
    assert incomplete.status_code == 400 and incomplete.json()["code"] == "definition_incomplete"
    assert client.get("/api/catalogue", params={"eqf_level": 0}).status_code == 422
    assert client.get("/api/catalogue", params={"skill": "http://nope"}).status_code == 404


def test_skills_and_frameworks(client: TestClient, session: Session) -> None:
    manage, foreign, skill_uri = _setup(session)
    found = client.get("/api/skills", params={"q": "pyth"}).json()
    assert [s["uri"] for s in found["items"]] == [skill_uri]
    assert found["attribution"] == ESCO_ATTRIBUTION
    frameworks = client.get("/api/skills/frameworks").json()
    assert [(f["slug"], f["skill_count"]) for f in frameworks] == [("esco", 1)]
    assert frameworks[0]["attribution"] == ESCO_ATTRIBUTION

    body = {
        "slug": "internal",
        "name": "Acme skills",
        "skills": [{"label": "Acme tooling", "code": "T1"}],
    }
    assert client.post("/api/orgs/acme/frameworks", json=body, headers=foreign).status_code == 403
    created = client.post("/api/orgs/acme/frameworks", json=body, headers=manage)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["slug"] == "acme:internal" and out["skill_count"] == 1
    assert out["skills"][0]["uri"] == "http://localhost:8000/skills/frameworks/acme:internal/T1"
    assert client.post("/api/orgs/acme/frameworks", json=body, headers=manage).status_code == 409
    # Custom frameworks are not in the platform list or the public skill search.
    assert [f["slug"] for f in client.get("/api/skills/frameworks").json()] == ["esco"]
    assert client.get("/api/skills", params={"q": "acme tooling"}).json()["items"] == []


text_param = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "q": text_param,
            "skill": text_param,
            "provider": text_param,
            "language": text_param,
            "currency": text_param,
            "eqf_level": text_param,
            "max_price": text_param,
            "mode": text_param,
            "limit": text_param,
        },
    ),
    path=text_param,
)
def test_arbitrary_query_parameters_never_fail(
    client: TestClient, params: dict[str, str], path: str
) -> None:
    response = client.get("/api/catalogue", params=params)
    assert response.status_code in (200, 400, 404, 422), response.text
    skills = client.get("/api/skills", params={"q": params.get("q", ""), "framework": path})
    assert skills.status_code in (200, 400, 422)
    segment = quote(path.replace("/", "").replace(".", ""), safe="") or "x"
    for url in (f"/api/catalogue/{segment}/{segment}", f"/definitions/{segment}/{segment}/v1"):
        assert client.get(url).status_code in (404, 409, 422)
