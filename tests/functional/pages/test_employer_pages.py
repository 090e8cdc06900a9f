"""Employer pages and API on SQLite and PostgreSQL: checking a shared link (every
credential, one summary), finding learners by verified skills (privacy, AND, recency,
level, issuer standing, revoked credentials)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.pages.seeding import ACCESSIBILITY_SKILL, PYTHON_SKILL, Demo, award
from tests.functional.pages.talent_support import Talent, backdate, learner, revoke, seed_talent

from microcred.accounts import sessions as browser_sessions
from microcred.config import Settings
from microcred.credentials.documents import OfflineDocuments
from microcred.issuing.documents import LocalDocuments
from microcred.talent.checking import check_items
from microcred.talent.service import share_token
from microcred.wallet import sharing
from microcred.wallet.imports import import_credential
from microcred.web.deps import SESSION_COOKIE


@pytest.fixture
def talent(session: Session, demo: Demo, settings: Settings) -> Talent:
    data = seed_talent(
        session,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )
    session.commit()
    return data


def _keys(settings: Settings) -> dict[str, object]:
    return {
        "base_url": settings.public_base_url,
        "master_key": settings.master_key.get_secret_value().encode("utf-8"),
    }


@pytest.fixture
def employer(browser: TestClient, session: Session, talent: Talent) -> TestClient:
    _, cookie = browser_sessions.start_session(session, talent.employer)
    session.commit()
    browser.cookies.set(SESSION_COOKIE, cookie)
    return browser


def _names(html: str) -> list[str]:
    return re.findall(r'<li class="card talent-result">\s*<h3>(?:<a [^>]*>)?([^<]+)<', html)


def _search(client: TestClient, *skills: str, **params: str) -> str:
    query = [("skill", s) for s in skills] + list(params.items())
    response = client.get("/employers/search", params=query)
    assert response.status_code == 200, response.text
    return response.text


# -- verify a shared link ---------------------------------------------------------------------


def test_every_credential_of_a_share_is_verified_at_once(
    browser: TestClient, talent: Talent, settings: Settings
) -> None:
    link = f"{settings.public_base_url}/share/{talent.share.token}"
    page = browser.get("/employers/verify", params={"link": link})
    assert page.status_code == 200
    assert "All 2 credentials verified" in page.text
    assert "Python for Data Analysis" in page.text and "Accessible Web Pages" in page.text
    assert page.text.count("Issuer registered here") == 2
    # The bare token works too, and the API says the same.
    assert (
        "All 2 credentials verified"
        in browser.get("/employers/verify", params={"link": talent.share.token}).text
    )
    api = browser.post("/api/talent/verify-link", json={"link": link}).json()
    assert (api["total"], api["verified"], api["failed"], api["all_verified"]) == (2, 2, 0, True)
    assert [c["reason"] for c in api["credentials"]] == ["verified", "verified"]


def test_a_revoked_credential_in_a_share_shows_as_failed(
    browser: TestClient, session: Session, talent: Talent, settings: Settings
) -> None:
    revoke(session, talent.dana_a11y, **_keys(settings))
    session.commit()
    page = browser.get("/employers/verify", params={"link": talent.share.token})
    assert "1 of 2 credentials verified, 1 failed" in page.text
    assert "1 revoked by the issuer" in page.text
    api = browser.post("/api/talent/verify-link", json={"link": talent.share.token}).json()
    failed = [c for c in api["credentials"] if c["outcome"] == "failed"]
    assert [(c["name"], c["reason"]) for c in failed] == [("Accessible Web Pages", "revoked")]
    assert api["reasons"] == {"revoked": 1}


def test_a_tampered_credential_at_an_address_fails_as_tampered(
    browser: TestClient, talent: Talent, settings: Settings
) -> None:
    """A link elsewhere is fetched; here, this server's own hosted credential."""
    url = talent.dana_python.credential_id
    api = browser.post("/api/talent/verify-link", json={"link": url}).json()
    assert api["verified"] == 1, api
    from microcred.talent.checking import SharedItem

    doc = json.loads(talent.dana_python.credential_json)
    doc["name"] = "Brain Surgery"

    check = check_items([SharedItem(doc)], fetcher=OfflineDocuments())
    assert check.credentials[0].reason == "tampered"


@pytest.mark.parametrize(
    ("link", "status", "words"),
    [
        ("nope", 404, "does not exist"),
        ("ftp://example.org/x", 400, "starts with https://"),
        ("/share/" + "x" * 30, 404, "does not exist"),
    ],
)
def test_bad_links_get_a_clear_message(
    browser: TestClient, talent: Talent, link: str, status: int, words: str
) -> None:
    page = browser.get("/employers/verify", params={"link": link})
    assert page.status_code == status
    assert words in page.text
    assert 'id="link-error"' in page.text


def test_an_expired_or_withdrawn_share_is_refused(
    browser: TestClient, session: Session, talent: Talent
) -> None:

    sharing.revoke_share(session, talent.dana, talent.share.public_id)
    session.commit()
    page = browser.get("/employers/verify", params={"link": talent.share.token})
    assert page.status_code in (409, 410)
    assert "revoked" in page.text


def test_share_tokens_are_read_from_links() -> None:
    base = "http://localhost:8000"
    assert share_token(f"{base}/share/abc_DEF-1", base_url=base) == "abc_DEF-1"
    assert share_token("/share/abc/", base_url=base) == "abc"
    assert share_token("abc", base_url=base) == "abc"
    assert share_token("https://elsewhere.example/share/abc", base_url=base) is None
    assert share_token(f"{base}/share/a<b", base_url=base) is None
    assert share_token(f"{base}/credentials/x", base_url=base) is None


# -- find people --------------------------------------------------------------------------------


def test_search_needs_a_signed_in_user(browser: TestClient, talent: Talent) -> None:
    page = browser.get("/employers/search", params={"skill": PYTHON_SKILL})
    assert page.status_code == 401
    api = browser.get(
        "/api/talent/search", params={"skill": PYTHON_SKILL}, headers={"Accept": "application/json"}
    )
    assert api.status_code == 401


def test_only_discoverable_learners_appear_even_when_they_match(
    employer: TestClient, talent: Talent
) -> None:
    html = _search(employer, PYTHON_SKILL)
    assert sorted(_names(html)) == ["Dana Discoverable", "Finn Python"]
    assert "Eve Hidden" not in html and "eve@example.org" not in html
    for email in ("dana@example.org", "finn@example.org"):
        assert email not in html  # never an e-mail address
    api = employer.get("/api/talent/search", params={"skill": PYTHON_SKILL}).json()
    assert sorted(m["name"] for m in api["items"]) == ["Dana Discoverable", "Finn Python"]
    assert "Eve Hidden" not in str(api) and "eve@" not in str(api)


def test_several_skills_are_all_required(employer: TestClient, talent: Talent) -> None:
    html = _search(employer, PYTHON_SKILL, ACCESSIBILITY_SKILL)
    assert _names(html) == ["Dana Discoverable"]
    assert "1 person with all 2 skills" in html
    # Each skill lists the credential that backs it.
    assert "Python for Data Analysis" in html and "Accessible Web Pages" in html
    assert "Issued here: status checked now" in html


def test_revoked_credentials_do_not_count(
    employer: TestClient, session: Session, talent: Talent, settings: Settings
) -> None:
    revoke(session, talent.dana_a11y, **_keys(settings))
    session.commit()
    assert _names(_search(employer, PYTHON_SKILL, ACCESSIBILITY_SKILL)) == []
    assert _names(_search(employer, ACCESSIBILITY_SKILL)) == []
    assert "Dana Discoverable" in _names(_search(employer, PYTHON_SKILL))


def test_recency_filter(employer: TestClient, session: Session, talent: Talent) -> None:
    backdate(session, talent.finn_python, days=400)
    session.commit()
    assert _names(_search(employer, PYTHON_SKILL, months="12")) == ["Dana Discoverable"]
    assert sorted(_names(_search(employer, PYTHON_SKILL, months="24"))) == [
        "Dana Discoverable",
        "Finn Python",
    ]


def test_level_and_standing_filters(employer: TestClient, talent: Talent) -> None:
    # The python definition is EQF 5, the accessibility one EQF 4.
    assert sorted(_names(_search(employer, PYTHON_SKILL, eqf="5"))) == [
        "Dana Discoverable",
        "Finn Python",
    ]
    assert _names(_search(employer, PYTHON_SKILL, eqf="6")) == []
    assert _names(_search(employer, ACCESSIBILITY_SKILL, eqf="5")) == []
    assert _names(_search(employer, ACCESSIBILITY_SKILL, standing="registered")) == [
        "Dana Discoverable"
    ]


def test_public_profiles_are_linked_private_ones_are_not(
    employer: TestClient, talent: Talent
) -> None:
    html = _search(employer, PYTHON_SKILL)
    assert re.search(r'<a href="/people/[^"]+">Finn Python</a>', html)
    assert "<h3>Dana Discoverable</h3>" in html
    api = employer.get("/api/talent/search", params={"skill": PYTHON_SKILL}).json()
    by_name = {m["name"]: m for m in api["items"]}
    assert by_name["Dana Discoverable"]["profile_url"] is None
    assert by_name["Dana Discoverable"]["skills"][0]["backed_by"][0]["credential_url"] is None
    assert by_name["Finn Python"]["skills"][0]["backed_by"][0]["credential_url"]


def test_the_skill_picker_works_without_javascript(employer: TestClient, talent: Talent) -> None:
    found = employer.get(
        "/employers/search",
        params=[("skill", PYTHON_SKILL), ("skill_q", "accessib"), ("action", "find")],
    )
    assert found.status_code == 200
    assert f'value="{ACCESSIBILITY_SKILL}"' in found.text
    assert "Tick the skills to add" in found.text


@pytest.mark.parametrize(
    "params",
    [
        {"eqf": "9"},
        {"months": "abc"},
        {"standing": "accredited"},
        {"page": "-1"},
        {"skill": "http://example.org/<script>"},
    ],
)
def test_bad_filters_are_reported_not_crashed(
    employer: TestClient, talent: Talent, params: dict[str, str]
) -> None:
    query = [("skill", PYTHON_SKILL), *params.items()]
    page = employer.get("/employers/search", params=query)
    assert page.status_code in (200, 400)
    assert "<script>" not in page.text


def test_employer_landing_page(browser: TestClient) -> None:
    page = browser.get("/employers")
    assert page.status_code == 200
    assert 'href="/employers/verify"' in page.text and 'href="/employers/search"' in page.text


def test_imported_credentials_count_with_their_stored_result(
    employer: TestClient, session: Session, talent: Talent, settings: Settings
) -> None:
    """A learner imports a credential issued elsewhere (here: one not claimed through this
    platform): it backs its skills with the verification result stored at import."""

    master_key = settings.master_key.get_secret_value().encode("utf-8")
    base_url = settings.public_base_url
    gil = learner(session, "gil@example.org", "Gil Importer", discoverable=True)
    given = award(
        session,
        talent.org,
        talent.web,
        base_url=base_url,
        master_key=master_key,
        email="gil-old@example.org",
        name="Gil",
    )
    fetcher = LocalDocuments(session, base_url=base_url, master_key=master_key)
    import_credential(session, gil, given.credential_json.encode(), fetcher=fetcher)
    session.commit()
    html = _search(employer, ACCESSIBILITY_SKILL)
    assert sorted(_names(html)) == ["Dana Discoverable", "Gil Importer"]
    assert "Imported: verified on import" in html
    # The issuer is registered here, so the standing filter keeps it.
    assert "Gil Importer" in _names(_search(employer, ACCESSIBILITY_SKILL, standing="registered"))
