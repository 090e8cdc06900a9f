"""The pathway journey in Chromium: a learner holding one component claims the last one
from the mailed link; the stacked credential is awarded automatically and shows in the
wallet and on /wallet/pathways; the programme shows the credits; axe on every page.
On SQLite and once on PostgreSQL."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.conftest import MASTER_KEY, LiveServer
from tests.functional.pages.seeding import SYSTEM, publish

from microcred.accounts import service as accounts
from microcred.catalogue.access import OPERATOR
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.models import OutboxMessage
from microcred.pathways import service as pathways
from microcred.storage import session_factory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "sqlite" else "live_server_pg"
    found: LiveServer = request.getfixturevalue(name)
    return found


def _setup(server: LiveServer, email: str) -> tuple[str, str]:
    """A pathway (py-data + a fresh SQL definition) and a programme; the learner holds an
    award of py-data already; returns (claim link of the py-data award, claim link of the
    last component)."""
    suffix = uuid.uuid4().hex[:6]
    keys = {"base_url": server.url, "master_key": MASTER_KEY.encode("utf-8")}
    factory = session_factory(server.engine)
    with factory() as session, session.begin():
        org = accounts.get_organisation(session, server.demo.org.slug)
        sql = publish(session, org, f"sql-{suffix}", title="SQL Databases", ects=3, skills=[])
        publish(
            session,
            org,
            f"cert-{suffix}",
            title=f"Data Certificate {suffix}",
            achievement_type="Certificate",
            skills=[],
        )
        pathways.create_pathway(
            session,
            organisation=org,
            slug=f"data-{suffix}",
            title=f"Data pathway {suffix}",
            definition=f"cert-{suffix}",
            principal=OPERATOR,
            rules={
                "type": "all",
                "rules": [
                    {"type": "component", "definition": f"{org.slug}/py-data"},
                    {"type": "component", "definition": f"{org.slug}/sql-{suffix}"},
                ],
            },
        )
        pathways.create_programme(
            session,
            organisation=org,
            slug=f"bsc-{suffix}",
            title=f"BSc Data {suffix}",
            total_credits=180,
            principal=OPERATOR,
            items=[
                pathways.ProgrammeItemInput(f"{org.slug}/py-data", 5),
                pathways.ProgrammeItemInput(f"{org.slug}/sql-{suffix}", 3),
            ],
        )
        links = []
        for version, title in (
            (server.demo.python, "Python for Data Analysis"),
            (sql, "SQL Databases"),
        ):
            award = issuing.issue(
                session,
                organisation=org,
                version=version,
                actor=SYSTEM,
                recipient_email=email,
                **keys,
            ).award  # type: ignore[arg-type]
            claims.notify_learner(
                session, award, organisation=org, title=title, base_url=server.url
            )
        bodies = session.scalars(
            select(OutboxMessage.body_text)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id)
        ).all()
        for body in bodies:
            found = re.search(r"(http://\S+/claim/[A-Za-z0-9_-]+)", body)
            assert found, body
            links.append(found.group(1))
    return links[0], links[1]


def test_learner_completes_a_pathway(page: Any, server: LiveServer, axe: Any) -> None:
    email = f"pat-{uuid.uuid4().hex[:6]}@example.org"
    first, last = _setup(server, email)
    page.goto(first)
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Pat Learner")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("button", name="Claim into my wallet").click()
    expect(page.get_by_text("The credential is now in your wallet.")).to_be_visible()

    # Half way: the pathway page shows what is left and what would close the gap.
    page.goto(server.url + "/wallet/pathways")
    section = page.locator("section.pathway").filter(has_text="Data pathway")
    expect(section.get_by_text("What would close the gap")).to_be_visible()
    expect(section.get_by_role("link", name="SQL Databases")).to_be_visible()
    axe(page)

    # The last component: claimed from its mail -> the stacked credential is awarded.
    page.goto(last)
    page.get_by_role("button", name="Claim into my wallet").click()
    expect(page.get_by_text("The credential is now in your wallet.")).to_be_visible()
    page.goto(server.url + "/wallet")
    row = page.get_by_role("row").filter(has_text="Data Certificate")
    expect(row).to_contain_text("Active")
    axe(page)
    page.get_by_role("link", name="Pathways").click()
    section = page.locator("section.pathway").filter(has_text="Data pathway")
    expect(section.get_by_role("status")).to_contain_text("Completed")
    axe(page)
    section.get_by_role("link", name="View the stacked credential").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Data Certificate")
    expect(page.locator(".wallet-status").first).to_have_text("Active")
    axe(page)

    page.goto(server.url + "/wallet/programmes")
    programme = page.locator("section").filter(has_text="BSc Data")
    expect(programme.locator(".programme-credit")).to_contain_text("8 of 180 ECTS")
    axe(page)
    assert not page.errors
