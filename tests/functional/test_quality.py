"""Quality over HTTP and the CLI, on SQLite and PostgreSQL: accreditation permissions,
the published registry (JSON and signed), accredited vs unknown issuers in the VC API, the
verify page and `microcred credential verify --trust-registry`, endorsements on pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.pages.conftest import HTML, csrf_of
from tests.functional.pages.dashboard_support import sign_in
from tests.functional.pages.seeding import SYSTEM, award, publish

from microcred.accounts import service as accounts
from microcred.accounts import tokens
from microcred.accounts.models import Organisation
from microcred.cli import main
from microcred.config import Settings
from microcred.credentials.dids import did_web_url
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.quality import service as quality


@dataclass
class World:
    northbridge: Organisation
    skillforge: Organisation
    body: Organisation
    nb_award: Award
    sf_award: Award
    body_token: str
    provider_token: str
    employer_token: str


def _org(session: Session, slug: str, name: str, settings: Settings) -> Organisation:
    return accounts.create_organisation(
        session,
        slug=slug,
        name=name,
        base_url=settings.public_base_url,
        did_method="web",
        master_key=settings.master_key.get_secret_value().encode(),
        actor=SYSTEM,
    )


def _token(session: Session, org: Organisation) -> str:
    _, plain = tokens.create_token(
        session, organisation=org, scopes={"manage"}, name="t", actor=SYSTEM
    )
    return plain


@pytest.fixture
def world(session: Session, settings: Settings) -> World:
    base = settings.public_base_url
    key = settings.master_key.get_secret_value().encode()
    northbridge = _org(session, "northbridge", "Northbridge University", settings)
    skillforge = _org(session, "skillforge", "Skillforge Academy", settings)
    body = _org(session, "eqa", "European QA Agency", settings)
    employer = _org(session, "acme-logistics", "Acme Logistics", settings)
    quality.add_quality_body(session, body, actor=SYSTEM)
    nb = publish(session, northbridge, "py-data")
    sf = publish(session, skillforge, "sql-basics", title="SQL Basics")
    data = World(
        northbridge=northbridge,
        skillforge=skillforge,
        body=body,
        nb_award=award(session, northbridge, nb, base_url=base, master_key=key),
        sf_award=award(session, skillforge, sf, base_url=base, master_key=key),
        body_token=_token(session, body),
        provider_token=_token(session, northbridge),
        employer_token=_token(session, employer),
    )
    session.commit()
    return data


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _accredit(client: TestClient, world: World) -> dict[str, object]:
    response = client.post(
        "/api/orgs/eqa/accreditations",
        json={
            "provider": "northbridge",
            "scope": "Computing",
            "valid_until": "2099-01-31T00:00:00Z",
            "statement": "Reviewed.",
        },
        headers=_auth(world.body_token),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_only_quality_bodies_accredit(client: TestClient, world: World) -> None:
    own = client.post(
        "/api/orgs/northbridge/accreditations",
        json={"provider": "northbridge", "scope": "All"},
        headers=_auth(world.provider_token),
    )
    assert own.status_code == 403 and own.json()["code"] == "not_quality_body"
    foreign = client.post(
        "/api/orgs/eqa/accreditations",
        json={"provider": "northbridge", "scope": "All"},
        headers=_auth(world.provider_token),
    )
    assert foreign.status_code == 403 and foreign.json()["code"] == "wrong_organisation"
    anonymous = client.post(
        "/api/orgs/eqa/accreditations", json={"provider": "northbridge", "scope": "All"}
    )
    assert anonymous.status_code == 401
    granted = _accredit(client, world)
    listed = client.get("/api/accreditations", params={"provider": "northbridge"}).json()
    assert [a["id"] for a in listed] == [granted["id"]]
    withdrawn = client.post(
        f"/api/orgs/eqa/accreditations/{granted['id']}/withdraw",
        json={"reason": "Lapsed"},
        headers=_auth(world.body_token),
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert client.get("/trust/registry.json").json()["entries"] == []


def test_registry_json_and_signed_registry_verify(client: TestClient, world: World) -> None:
    _accredit(client, world)
    registry = client.get("/trust/registry.json").json()
    assert registry["publisher"]["id"] == world.body.did
    assert [
        (e["issuer"], e["accreditedBy"]["id"], e["validUntil"]) for e in registry["entries"]
    ] == [(world.northbridge.did, world.body.did, "2099-01-31T00:00:00Z")]
    signed = client.get("/trust/registry.vc.json")
    assert signed.headers["content-type"].startswith("application/vc+ld+json")
    result = client.post("/credentials/verify", json={"verifiableCredential": signed.json()})
    assert result.status_code == 200 and result.json()["verified"], result.text


def _trust(report: dict[str, object]) -> dict[str, object]:
    checks = report["checks"]
    assert isinstance(checks, list)
    (found,) = [c for c in checks if c["check"] == "issuer_trust"]
    return dict(found)


def test_vc_api_tells_accredited_and_unknown_issuers_apart(
    client: TestClient, world: World
) -> None:
    _accredit(client, world)
    nb = client.post(
        "/credentials/verify",
        json={"verifiableCredential": json.loads(world.nb_award.credential_json)},
    )
    sf = client.post(
        "/credentials/verify",
        json={"verifiableCredential": json.loads(world.sf_award.credential_json)},
    )
    assert nb.status_code == 200 and sf.status_code == 200
    accredited = _trust(nb.json()["report"])
    assert accredited["status"] == "passed" and accredited["code"] == "accredited"
    assert "accredited by European QA Agency until 2099-01-31" in str(accredited["message"])
    unknown = _trust(sf.json()["report"])
    assert unknown["status"] == "warning" and unknown["code"] == "unknown_issuer"
    assert sf.json()["verified"] and unknown["message"] in sf.json()["warnings"]
    lookup = client.get("/api/trust/issuers", params={"did": world.skillforge.did}).json()
    assert lookup["status"] == "unknown"


def test_verify_page_shows_accreditation_and_warning(client: TestClient, world: World) -> None:
    _accredit(client, world)
    client.headers.update(HTML)

    def check(document: str) -> str:
        token = csrf_of(client.get("/verify").text)
        page = client.post("/verify", data={"csrf_token": token, "credential": document})
        assert page.status_code == 200
        return page.text

    nb = check(world.nb_award.credential_json)
    assert "Verified: this credential is genuine" in nb
    assert "accredited by European QA Agency until 2099-01-31" in nb
    sf = check(world.sf_award.credential_json)
    assert "Verified: this credential is genuine" in sf
    assert "No quality body we know of vouches for this issuer." in sf
    assert "status-warning" in sf


def test_endorsements_are_signed_listed_and_shown(client: TestClient, world: World) -> None:
    made = client.post(
        "/api/orgs/acme-logistics/endorsements",
        json={
            "target": "definition",
            "organisation": "northbridge",
            "definition": "py-data",
            "comment": "We hire <people> with this.",
        },
        headers=_auth(world.employer_token),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["credential"]["type"] == ["VerifiableCredential", "EndorsementCredential"]
    stored = client.get(f"/endorsements/{body['id']}")
    verified = client.post("/credentials/verify", json={"verifiableCredential": stored.json()})
    assert verified.json()["verified"], verified.text
    self_endorse = client.post(
        "/api/orgs/northbridge/endorsements",
        json={"target": "organisation", "organisation": "northbridge", "comment": "Great"},
        headers=_auth(world.provider_token),
    )
    assert self_endorse.status_code == 409
    listed = client.get(
        "/api/endorsements", params={"organisation": "northbridge", "definition": "py-data"}
    ).json()
    assert [e["endorser"] for e in listed] == ["acme-logistics"]
    page = client.get("/catalogue/northbridge/py-data", headers=HTML).text
    assert "We hire &lt;people&gt; with this." in page and "Acme Logistics" in page
    report = client.post(
        "/credentials/verify",
        json={"verifiableCredential": json.loads(world.nb_award.credential_json)},
    ).json()["report"]
    (endorsed,) = [c for c in report["checks"] if c["check"] == "endorsements"]
    assert endorsed["detail"]["endorsements"][0]["endorser"] == "Acme Logistics"
    profile = client.get("/providers/northbridge", headers=HTML)
    assert profile.status_code == 200
    assert client.get("/trust", headers=HTML).status_code == 200


def test_cli_verify_with_a_trust_registry_file(
    client: TestClient,
    world: World,
    session: Session,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _accredit(client, world)
    registry = tmp_path / "registry.vc.json"
    registry.write_text(client.get("/trust/registry.vc.json").text)
    fetcher = LocalDocuments(
        session,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode(),
    )
    documents: list[str] = []
    for org in (world.northbridge, world.skillforge, world.body):
        path = tmp_path / f"{org.slug}.did.json"
        path.write_bytes(fetcher.fetch(f"{settings.public_base_url}/orgs/{org.slug}/did.json"))
        documents += ["--document", f"{did_web_url(org.did)}={path}"]
    outcomes = {}
    for name, row in (("nb", world.nb_award), ("sf", world.sf_award)):
        credential = json.loads(row.credential_json)
        statuses: list[str] = []
        for index, entry in enumerate(credential["credentialStatus"]):
            status_url = entry["statusListCredential"]
            status_path = tmp_path / f"{name}-status-{index}.json"
            status_path.write_bytes(fetcher.fetch(status_url))
            statuses += ["--document", f"{status_url}={status_path}"]
        cred_path = tmp_path / f"{name}.json"
        cred_path.write_text(row.credential_json)
        capsys.readouterr()
        code = main(
            [
                "credential",
                "verify",
                str(cred_path),
                "--offline",
                "--json",
                "--trust-registry",
                str(registry),
                *documents,
                *statuses,
            ]
        )
        captured = capsys.readouterr()
        assert captured.out, captured.err
        outcomes[name] = (code, json.loads(captured.out))
    nb_code, nb = outcomes["nb"]
    sf_code, sf = outcomes["sf"]
    assert nb_code == 0 and sf_code == 0, (nb["errors"], sf["errors"])
    assert _trust(nb)["code"] == "accredited"
    assert _trust(sf)["status"] == "warning"


def test_catalogue_min_completeness_in_api_and_page(client: TestClient, world: World) -> None:
    everything = client.get("/api/catalogue").json()
    scores = {item["slug"]: item["completeness"]["score"] for item in everything["items"]}
    assert set(scores) == {"py-data", "sql-basics"}
    assert all("missing" in item["completeness"] for item in everything["items"])
    for threshold in (0, min(scores.values()), max(scores.values()), 100):
        found = client.get("/api/catalogue", params={"min_completeness": threshold}).json()
        assert {i["slug"] for i in found["items"]} == {
            slug for slug, score in scores.items() if score >= threshold
        }
    assert client.get("/api/catalogue", params={"min_completeness": 101}).status_code == 422
    page = client.get("/catalogue", params={"min_completeness": "100"}, headers=HTML)
    assert page.status_code == 200 and 'id="min_completeness"' in page.text
    bad = client.get("/catalogue", params={"min_completeness": "150"}, headers=HTML)
    assert bad.status_code == 400 and "Minimum completeness" in bad.text


def test_dashboard_trust_tab_accredits_withdraws_and_endorses(
    client: TestClient, world: World, session: Session
) -> None:
    owner = accounts.create_user(session, email="qa@eqa.example", password=None)
    accounts.add_member(session, organisation=world.body, user=owner, role="owner", actor=SYSTEM)
    csrf = sign_in(client, session, owner)
    client.headers.update(HTML)
    tab = client.get("/dashboard/eqa/trust")
    assert tab.status_code == 200 and "Accredit a provider" in tab.text
    done = client.post(
        "/dashboard/eqa/trust/accredit",
        data={
            "csrf_token": csrf,
            "provider": "northbridge",
            "scope": "Computing <b>",
            "valid_until": "2099-01-31",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    listed = client.get("/dashboard/eqa/trust").text
    assert "Computing &lt;b&gt;" in listed
    (accreditation_id,) = [
        a["id"] for a in client.get("/api/accreditations", headers={"Accept": "*/*"}).json()
    ]
    self_accredit = client.post(
        "/dashboard/eqa/trust/accredit",
        data={"csrf_token": csrf, "provider": "eqa", "scope": "Us"},
    )
    assert self_accredit.status_code == 400 and "cannot accredit itself" in self_accredit.text
    endorsed = client.post(
        "/dashboard/eqa/trust/endorse",
        data={"csrf_token": csrf, "target": "skillforge/sql-basics", "comment": "Solid."},
        follow_redirects=False,
    )
    assert endorsed.status_code == 303
    withdrawn = client.post(
        f"/dashboard/eqa/trust/{accreditation_id}/withdraw",
        data={"csrf_token": csrf, "reason": "Lapsed"},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303
    assert client.get("/trust/registry.json").json()["entries"] == []
    no_csrf = client.post(
        "/dashboard/eqa/trust/accredit", data={"provider": "northbridge", "scope": "x"}
    )
    assert no_csrf.status_code in (400, 403)
