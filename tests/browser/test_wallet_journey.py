"""The learner's journey in Chromium: claim from the mailed link (signing up on the way),
the wallet, the skills portfolio with evidence, downloads (PDF certificate with the
verification link, baked PNG that verifies), a share link that works in a fresh browser
and is gone (410) once revoked, a revoked credential shown as revoked; axe on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.conftest import MASTER_KEY, LiveServer
from tests.functional.pages.seeding import SYSTEM

from microcred.credentials.verify import verify_bytes
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.models import Award, OutboxMessage
from microcred.issuing.types import EvidenceInput
from microcred.storage import session_factory
from microcred.web.api.issuing import local_fetcher

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _award_and_mail(server: LiveServer, email: str) -> tuple[str, str]:
    """A new award for ``email`` with its claim mail; (claim link, award public id)."""
    keys = {"base_url": server.url, "master_key": MASTER_KEY.encode("utf-8")}
    factory = session_factory(server.engine)
    with factory() as session, session.begin():
        award = issuing.issue(
            session,
            organisation=server.demo.org,
            version=server.demo.python,
            actor=SYSTEM,
            recipient_email=email,
            recipient_name="Lea Learner",
            evidence=[EvidenceInput(url="https://example.org/project", name="Final project")],
            **keys,
        ).award
        claims.notify_learner(
            session,
            award,
            organisation=server.demo.org,
            title="Python for Data Analysis",
            base_url=server.url,
        )
        body = session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
        ).one()
        public_id = award.public_id
    link = re.search(r"(http://\S+/claim/[A-Za-z0-9_-]+)", body)
    assert link, body
    return link.group(1), public_id


def _revoke(server: LiveServer, public_id: str) -> None:
    factory = session_factory(server.engine)
    with factory() as session, session.begin():
        award = session.scalars(select(Award).where(Award.public_id == public_id)).one()
        issuing.set_status(
            session,
            award.id,
            "revoke",
            reason="Issued in error",
            actor=SYSTEM,
            base_url=server.url,
            master_key=MASTER_KEY.encode("utf-8"),
        )


def _download(page: Any, name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    """The journey runs on SQLite and once on PostgreSQL."""
    name = "live_server" if request.param == "sqlite" else "live_server_pg"
    found: LiveServer = request.getfixturevalue(name)
    return found


def test_learner_claims_shares_downloads(
    page: Any, chromium: Any, server: LiveServer, axe: Any, tmp_path: Path
) -> None:
    live_server = server
    link, public_id = _award_and_mail(live_server, "lea@example.org")
    # Claim: sign up first, come back to the claim page.
    page.goto(link)
    axe(page)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Lea Learner")
    page.get_by_label("E-mail address").fill("lea@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Claim into my wallet").click()
    expect(page.get_by_text("The credential is now in your wallet.")).to_be_visible()
    expect(page.locator(".wallet-status").first).to_have_text("Active")
    axe(page)
    detail_url = page.url.split("?")[0]

    # Downloads: the PDF certificate and the baked PNG.
    pdf = _download(page, "Certificate (PDF)", tmp_path)
    assert pdf.startswith(b"%PDF-")
    assert b"/verify?url=" in pdf and public_id.encode() in pdf
    png = _download(page, "Badge image (PNG)", tmp_path)
    factory = session_factory(live_server.engine)
    with factory() as session:
        fetcher = local_fetcher(session, live_server.settings, MASTER_KEY.encode("utf-8"))
        assert verify_bytes(png, fetcher=fetcher).verified

    # The wallet and the skills portfolio.
    page.goto(live_server.url + "/wallet")
    row = page.get_by_role("row").filter(has_text="Python for Data Analysis")
    expect(row).to_contain_text("Active")
    axe(page)
    page.get_by_role("link", name="Skills portfolio").click()
    expect(page.get_by_role("heading", name="ESCO")).to_be_visible()
    expect(page.get_by_role("link", name="Python (computer programming)")).to_be_visible()
    expect(page.get_by_role("link", name="Final project").first).to_be_visible()
    axe(page)

    # Share: the link works in a fresh browser context.
    page.get_by_role("link", name="Share links").click()
    axe(page)
    page.get_by_label(re.compile("Python for Data Analysis")).check()
    page.get_by_label("Title (optional)").fill("For Acme Hiring")
    page.get_by_role("button", name="Create a share link").click()
    share_url = page.locator(".share-url").inner_text()
    axe(page)
    other = chromium.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(share_url)
        expect(stranger.locator(".verdict").first).to_have_text("All 1 credential verified")
        expect(stranger.get_by_role("heading", name="Python for Data Analysis")).to_be_visible()
        axe(stranger)
        page.reload()
        expect(page.locator(".share-views")).to_have_text("1")
        page.get_by_role("button", name="Revoke this link").click()
        expect(page.locator(".share-state")).to_have_text("Revoked")
        gone = stranger.goto(share_url)
        assert gone is not None and gone.status == 410
        expect(stranger.get_by_text("This share link has been revoked")).to_be_visible()
        axe(stranger)

        # The public credential page, then the issuer revokes: shown as revoked.
        stranger.goto(f"{live_server.url}/credentials/{public_id}")
        expect(stranger.locator(".wallet-status")).to_have_text("Active")
        expect(stranger.get_by_text("Earned by a learner")).to_be_visible()
        axe(stranger)
        _revoke(live_server, public_id)
        stranger.reload()
        expect(stranger.locator(".wallet-status")).to_have_text("Revoked")
    finally:
        other.close()
    page.goto(detail_url)
    expect(page.locator(".wallet-status").first).to_have_text("Revoked")
    page.goto(live_server.url + "/wallet")
    expect(page.get_by_role("row").filter(has_text="Python for Data Analysis")).to_contain_text(
        "Revoked"
    )
    for path in ("/wallet/import", "/wallet/settings"):
        page.goto(live_server.url + path)
        axe(page)
    assert page.errors == []
