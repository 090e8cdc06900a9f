"""Learner pages and API on both databases: claim from the mailed link, the wallet with live
status, the skills portfolio, import (good and bad input), downloads, share links (views,
expiry, revocation: 410), privacy, the public credential page, and other users' URLs
(404, never a leak)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.functional.conftest import TEST_BASE_URL
from tests.functional.pages.conftest import HTML, csrf_of
from tests.functional.pages.seeding import SYSTEM, Demo

from microcred.credentials import baking
from microcred.credentials.verify import verify_bytes
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.storage import utcnow
from microcred.wallet.models import Profile, Share, WalletItem
from microcred.web.api.issuing import local_fetcher

PASSWORD = "correct horse battery staple"
EVIL = '<script>alert("x")</script>'


def _signup(client: TestClient, email: str, name: str) -> TestClient:
    form = client.get("/signup").text
    response = client.post(
        "/signup",
        data={
            "csrf_token": csrf_of(form),
            "email": email,
            "display_name": name,
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


@pytest.fixture
def ann(new_client: Callable[[], TestClient]) -> TestClient:
    return _signup(new_client(), "ann@example.org", "Ann Learner")


@pytest.fixture
def eve(new_client: Callable[[], TestClient]) -> TestClient:
    return _signup(new_client(), "eve@example.org", "Eve Other")


def _claim(client: TestClient, session: Session, demo: Demo, award: str = "award") -> str:
    token = claims.create_claim_token(session, getattr(demo, award))
    session.commit()
    page = client.get(f"/claim/{token}")
    assert page.status_code == 200
    assert "Claim into my wallet" in page.text
    done = client.post(
        f"/claim/{token}", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    match = re.match(r"/wallet/credentials/([0-9a-f-]{36})\?claimed=1", location)
    assert match, location
    return match.group(1)


def _form_token(client: TestClient, path: str = "/wallet/import") -> str:
    return csrf_of(client.get(path).text)


def test_claim_page_asks_to_sign_in_first(
    browser: TestClient, demo: Demo, session: Session
) -> None:
    token = claims.create_claim_token(session, demo.award)
    session.commit()
    page = browser.get(f"/claim/{token}")
    assert page.status_code == 200
    assert f"/signin?next=/claim/{token}" in page.text
    assert f"/signup?next=/claim/{token}" in page.text
    assert browser.post(f"/claim/{token}", data={}).status_code in (401, 403)


def test_claim_wallet_detail_and_status(
    ann: TestClient, demo: Demo, session: Session, app: FastAPI
) -> None:
    item = _claim(ann, session, demo)
    detail = ann.get(f"/wallet/credentials/{item}?claimed=1")
    assert detail.status_code == 200
    assert "The credential is now in your wallet." in detail.text
    assert "Python for Data Analysis" in detail.text
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in detail.text
    wallet = ann.get("/wallet")
    assert wallet.status_code == 200
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", wallet.text, re.S) if "Python" in r)
    assert ">Active<" in row and "Never" in row
    # The issuer revokes it: the wallet shows it revoked (verified live).
    settings = app.state.settings
    issuing.set_status(
        session,
        demo.award.id,
        "revoke",
        reason="test",
        actor=SYSTEM,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode(),
    )
    session.commit()
    wallet = ann.get("/wallet")
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", wallet.text, re.S) if "Python" in r)
    assert ">Revoked<" in row
    assert "The issuer has revoked this credential." in ann.get(f"/wallet/credentials/{item}").text


def test_claim_link_used_or_unknown_is_a_clear_page(
    ann: TestClient, demo: Demo, session: Session
) -> None:
    token = claims.create_claim_token(session, demo.award)
    session.commit()
    csrf = csrf_of(ann.get(f"/claim/{token}").text)
    assert ann.post(f"/claim/{token}", data={"csrf_token": csrf}).status_code == 200
    used = ann.post(f"/claim/{token}", data={"csrf_token": csrf})
    assert used.status_code == 403 and "already used" in used.text
    unknown = ann.post("/claim/nope", data={"csrf_token": csrf})
    assert unknown.status_code == 403 and "not valid" in unknown.text


def test_skills_portfolio_groups_by_framework(
    ann: TestClient, demo: Demo, session: Session
) -> None:
    item = _claim(ann, session, demo)
    page = ann.get("/wallet/skills")
    assert page.status_code == 200
    assert '<h2 id="fw-1">ESCO</h2>' in page.text
    assert "European Qualifications Framework" in page.text
    assert "Python (computer programming)" in page.text
    assert f"/wallet/credentials/{item}" in page.text
    api = ann.get("/api/wallet/skills").json()
    assert api[0]["framework"] == "ESCO"
    assert api[0]["skills"][0]["verified"] is True
    assert api[0]["skills"][0]["backing"][0]["item"] == item


def test_downloads_json_png_svg_pdf(
    ann: TestClient, demo: Demo, session: Session, app: FastAPI
) -> None:
    item = _claim(ann, session, demo)
    base = f"/wallet/credentials/{item}"
    raw = ann.get(f"{base}/credential.json")
    assert raw.status_code == 200 and raw.content == demo.award.credential_json.encode()
    settings = app.state.settings
    fetcher = local_fetcher(session, settings, settings.master_key.get_secret_value().encode())
    png = ann.get(f"{base}/badge.png")
    assert png.headers["content-type"] == "image/png"
    assert baking.unbake_png(png.content) == demo.award.credential_json
    assert verify_bytes(png.content, fetcher=fetcher).verified
    svg = ann.get(f"{base}/badge.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert verify_bytes(svg.content, fetcher=fetcher).verified
    pdf = ann.get(f"{base}/certificate.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert b"/verify?url=" in pdf.content  # the link under the QR code


def test_import_json_jwt_and_baked(eve: TestClient, demo: Demo, session: Session) -> None:
    csrf = _form_token(eve)
    done = eve.post(
        "/wallet/import",
        data={"csrf_token": csrf, "credential": demo.credential_text},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    page = eve.get(done.headers["location"])
    assert "Imported. Verified on import" in page.text
    assert ">Active<" in page.text
    duplicate = eve.post(
        "/wallet/import", data={"csrf_token": csrf, "credential": demo.credential_text}
    )
    assert duplicate.status_code == 409 and "already in your wallet" in duplicate.text
    png = baking.bake_png(_plain_png(), demo.revoked.credential_json)
    baked = eve.post(
        "/wallet/import",
        data={"csrf_token": csrf},
        files={"file": ("badge.png", png, "image/png")},
        follow_redirects=False,
    )
    assert baked.status_code == 303
    page = eve.get(baked.headers["location"])
    assert "the issuer has revoked it" in page.text and "baked in PNG" in page.text


def _plain_png() -> bytes:
    from microcred.wallet.exports import BadgeText, badge_png

    return badge_png(BadgeText("x", "y", None))


@pytest.mark.parametrize(
    ("data", "message", "status"),
    [
        (b"", "That is empty", 400),
        (b'{"hello": "world"}', "That is not a credential", 400),
        (b"not json at all", "That is not a credential", 400),
        (b"[1, 2]", "That is not a credential", 400),
        (b"x" * (3 * 1024 * 1024), "a credential is a few kilobytes", 413),
    ],
)
def test_bad_imports_store_nothing(
    eve: TestClient, session: Session, data: bytes, message: str, status: int
) -> None:
    csrf = _form_token(eve)
    response = eve.post(
        "/wallet/import",
        data={"csrf_token": csrf},
        files={"file": ("upload.bin", data, "application/octet-stream")},
    )
    assert response.status_code == status, response.text
    assert message in response.text and "Nothing was stored." in response.text
    assert session.scalar(select(WalletItem.id)) is None


def test_image_without_credential_is_refused(eve: TestClient, session: Session) -> None:
    response = eve.post(
        "/wallet/import",
        data={"csrf_token": _form_token(eve)},
        files={"file": ("photo.png", _plain_png(), "image/png")},
    )
    assert response.status_code == 400
    assert "has no credential baked into it" in response.text
    assert session.scalar(select(WalletItem.id)) is None


def test_ob2_badges_are_stored_unverified(eve: TestClient) -> None:
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://old.example.org/assertions/1",
        "badge": {"name": "Legacy Badge", "issuer": {"name": "Old Issuer"}},
        "recipient": {"type": "email", "hashed": False, "identity": "eve@example.org"},
        "verification": {"type": "hosted"},
        "issuedOn": "2020-01-01T00:00:00Z",
    }
    done = eve.post(
        "/wallet/import",
        data={"csrf_token": _form_token(eve), "credential": json.dumps(assertion)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = eve.get(done.headers["location"])
    assert "Legacy Badge" in page.text
    assert "Open Badges 2.0: not verified" in page.text
    assert "not cryptographically verifiable" in page.text
    assert "badge.png" not in page.text  # no re-baking of OB 2.0


def test_import_api_and_delete(eve: TestClient, demo: Demo) -> None:
    csrf = _form_token(eve)
    created = eve.post(
        "/api/wallet/credentials",
        content=demo.credential_text.encode(),
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "active" and body["source"] == "imported"
    bad = eve.post(
        "/api/wallet/credentials",
        content=b"<html>nope</html>",
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "import_rejected"
    listed = eve.get("/api/wallet/credentials", headers={"Accept": "application/json"}).json()
    assert [i["id"] for i in listed] == [body["id"]]
    gone = eve.delete(
        f"/api/wallet/credentials/{body['id']}",
        headers={"X-CSRF-Token": csrf, "Accept": "application/json"},
    )
    assert gone.status_code == 204
    assert eve.get("/api/wallet/credentials", headers={"Accept": "application/json"}).json() == []


def test_share_link_views_presentation_and_revoke(
    ann: TestClient,
    demo: Demo,
    session: Session,
    new_client: Callable[[], TestClient],
    app: FastAPI,
) -> None:
    item = _claim(ann, session, demo)
    page = ann.get("/wallet/shares")
    created = ann.post(
        "/wallet/shares",
        data={
            "csrf_token": csrf_of(page.text),
            "item": [item],
            "title": EVIL,
            "expires_in_days": "7",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    manage = ann.get(created.headers["location"])
    url = re.search(r'class="share-url">([^<]+)<', manage.text)
    assert url, manage.text
    token = url.group(1).rsplit("/", 1)[1]
    assert "<script>alert" not in manage.text and "&lt;script&gt;" in manage.text
    stranger = new_client()
    shown = stranger.get(f"/share/{token}")
    assert shown.status_code == 200
    assert "All 1 credential verified" in shown.text
    assert "Python for Data Analysis" in shown.text
    assert "<script>alert" not in shown.text
    stranger.get(f"/share/{token}")
    assert '<dd class="share-views">2</dd>' in ann.get(created.headers["location"]).text
    vp = stranger.get(f"/share/{token}/presentation.json")
    assert vp.status_code == 200
    settings = app.state.settings
    fetcher = local_fetcher(session, settings, settings.master_key.get_secret_value().encode())
    report = verify_bytes(vp.content, fetcher=fetcher)
    assert report.kind == "presentation"
    assert [c.verified for c in report.credentials] == [True]
    # Revoked: 410 with a clear page.
    ann.post(
        created.headers["location"] + "/revoke",
        data={"csrf_token": csrf_of(manage.text)},
    )
    gone = stranger.get(f"/share/{token}")
    assert gone.status_code == 410 and "has been revoked" in gone.text
    assert stranger.get(f"/share/{token}/presentation.json").status_code == 410
    assert stranger.get("/share/" + "x" * 43).status_code == 404


def test_expired_share_is_gone(ann: TestClient, demo: Demo, session: Session) -> None:
    item = _claim(ann, session, demo)
    created = ann.post(
        "/api/wallet/shares",
        json={"items": [item], "expires_in_days": 1},
        headers={"X-CSRF-Token": _form_token(ann), "Accept": "application/json"},
    )
    assert created.status_code == 201, created.text
    token = created.json()["url"].rsplit("/", 1)[1]
    session.execute(update(Share).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    gone = ann.get(f"/share/{token}")
    assert gone.status_code == 410 and "has expired" in gone.text


def test_other_users_urls_are_404(
    ann: TestClient, eve: TestClient, demo: Demo, session: Session
) -> None:
    item = _claim(ann, session, demo)
    share = ann.post(
        "/api/wallet/shares",
        json={"items": [item]},
        headers={"X-CSRF-Token": _form_token(ann), "Accept": "application/json"},
    ).json()
    csrf = _form_token(eve)
    for path in (
        f"/wallet/credentials/{item}",
        f"/wallet/credentials/{item}/credential.json",
        f"/wallet/credentials/{item}/badge.png",
        f"/wallet/credentials/{item}/certificate.pdf",
        f"/wallet/shares/{share['id']}",
    ):
        response = eve.get(path)
        assert response.status_code == 404, path
        assert "Python for Data Analysis" not in response.text
    api = {"Accept": "application/json", "X-CSRF-Token": csrf}
    assert eve.get(f"/api/wallet/credentials/{item}", headers=api).status_code == 404
    assert eve.delete(f"/api/wallet/shares/{share['id']}", headers=api).status_code == 404
    assert (
        eve.post(f"/wallet/shares/{share['id']}/revoke", data={"csrf_token": csrf}).status_code
        == 404
    )
    assert eve.post("/api/wallet/shares", json={"items": [item]}, headers=api).status_code == 404
    assert (
        eve.post(f"/wallet/credentials/{item}/delete", data={"csrf_token": csrf}).status_code == 404
    )


def test_wallet_pages_need_sign_in(browser: TestClient) -> None:
    for path in (
        "/wallet",
        "/wallet/skills",
        "/wallet/import",
        "/wallet/shares",
        "/wallet/settings",
    ):
        response = browser.get(path)
        assert response.status_code == 401, path
        assert "/signin" in response.text
    assert (
        browser.get("/api/wallet/credentials", headers={"Accept": "application/json"}).status_code
        == 401
    )


def test_privacy_public_profile_and_credential_page(
    ann: TestClient, demo: Demo, session: Session, new_client: Callable[[], TestClient]
) -> None:
    _claim(ann, session, demo)
    public_id = demo.award.public_id
    anyone = new_client()
    page = anyone.get(f"/credentials/{public_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Earned by a learner" in page.text and "Ann Learner" not in page.text
    assert '<meta property="og:title" content="Python for Data Analysis">' in page.text
    assert "/verify?url=" in page.text and ">Active<" in page.text
    assert "Python (computer programming)" in page.text
    # JSON clients still get the stored bytes.
    raw = anyone.get(f"/credentials/{public_id}", headers={"Accept": "application/vc+ld+json"})
    assert raw.content == demo.award.credential_json.encode()
    assert anyone.get(f"/credentials/{public_id}", headers={"Accept": "*/*"}).content == raw.content
    # Private by default: no profile page, not discoverable.
    settings_page = ann.get("/wallet/settings")
    handle = re.search(r'name="handle" value="([^"]+)"', settings_page.text).group(1)
    assert anyone.get(f"/people/{handle}").status_code == 404
    profile = session.scalar(select(Profile))
    assert profile is not None and not profile.public and not profile.discoverable
    saved = ann.post(
        "/wallet/settings",
        data={
            "csrf_token": csrf_of(settings_page.text),
            "handle": "ann-learner",
            "headline": EVIL,
            "public": "on",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    session.expire_all()
    profile = session.scalar(select(Profile))
    assert profile is not None and profile.public and not profile.discoverable
    person = anyone.get("/people/ann-learner")
    assert person.status_code == 200 and "Ann Learner" in person.text
    assert "<script>alert" not in person.text
    page = anyone.get(f"/credentials/{public_id}")
    assert 'Earned by <a href="/people/ann-learner">Ann Learner</a>' in page.text
    taken = ann.post(
        "/wallet/settings",
        data={"csrf_token": csrf_of(settings_page.text), "handle": "Bad Handle!"},
    )
    assert taken.status_code == 400 and "lower-case letters" in taken.text


def test_revoked_credential_page_shows_revoked(browser: TestClient, demo: Demo) -> None:
    page = browser.get(f"/credentials/{demo.revoked.public_id}")
    assert page.status_code == 200 and ">Revoked<" in page.text
    assert "The issuer has revoked this credential." in page.text
    assert browser.get("/credentials/nope").status_code == 404


def test_profile_api(ann: TestClient) -> None:
    api = {"Accept": "application/json", "X-CSRF-Token": _form_token(ann)}
    profile = ann.get("/api/wallet/profile", headers=api).json()
    assert profile["public"] is False and profile["discoverable"] is False
    changed = ann.put("/api/wallet/profile", json={"discoverable": True}, headers=api).json()
    assert changed["discoverable"] is True and changed["public"] is False and changed["url"] is None
