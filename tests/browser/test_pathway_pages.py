"""The provider's pathway and programme pages in Chromium: an owner creates a pathway
through the dashboard (a rules mistake shown on the form first, then the plain-words
preview after saving), opens its public catalogue page, and creates a programme with a
table of recognised definitions; axe-core on every page."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import LiveServer
from tests.functional.pages.seeding import SYSTEM, publish

from microcred.accounts import service as accounts
from microcred.pathways.models import Pathway
from microcred.storage import session_factory

pytestmark = pytest.mark.browser
PASSWORD = "pathway-pages-password"


def _setup(server: LiveServer, tag: str) -> str:
    """An owner of the demo organisation and a published certificate to stack into."""
    email = f"pathways-{tag}@acme.example"
    with session_factory(server.engine)() as session, session.begin():
        user = accounts.create_user(session, email=email, password=PASSWORD, display_name="Pat")
        org = accounts.get_organisation(session, server.demo.org.slug)
        accounts.add_member(session, organisation=org, user=user, role="owner", actor=SYSTEM)
        publish(
            session,
            org,
            f"cert-{tag}",
            title=f"Data Certificate {tag}",
            achievement_type="Certificate",
            skills=[],
        )
    return email


def test_provider_creates_a_pathway_and_a_programme(
    page: Any, live_server: LiveServer, axe: Any
) -> None:
    server = live_server
    tag = uuid.uuid4().hex[:6]
    org = server.demo.org.slug
    email = _setup(server, tag)

    page.goto(server.url + f"/signin?next=/dashboard/{org}/pathways")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/dashboard/{org}/pathways")
    expect(page.get_by_role("heading", name="Pathways", exact=True)).to_be_visible()
    axe(page)

    page.get_by_role("link", name="New pathway").click()
    rules = page.get_by_label("Rules (JSON)")
    expect(rules).to_contain_text('"type": "all"')  # the template
    axe(page)
    page.get_by_label("Short name for addresses (slug)").fill(f"data-{tag}")
    page.get_by_label("Title").fill(f"Data pathway {tag}")
    page.get_by_label("Stacked credential").select_option(f"cert-{tag}")
    rules.fill('{"type": "all", "rules": [')
    page.get_by_role("button", name="Create pathway").click()
    expect(page.get_by_role("alert")).to_contain_text("The rules are not valid JSON")
    expect(page.get_by_label("Rules (JSON)")).to_have_attribute("aria-invalid", "true")
    axe(page)
    page.get_by_label("Rules (JSON)").fill(
        json.dumps(
            {
                "type": "n_of",
                "n": 1,
                "rules": [
                    {"type": "component", "definition": f"{org}/py-data"},
                    {"type": "component", "definition": f"{org}/web-a11y"},
                ],
            },
            indent=2,
        )
    )
    page.get_by_role("button", name="Create pathway").click()
    page.wait_for_url(f"**/dashboard/{org}/pathways/data-{tag}/edit?done=pathway_created")
    preview = page.locator("#rules-preview")
    expect(preview).to_contain_text("Any 1 of these 2")
    expect(preview.get_by_role("link", name="Accessible Web Pages")).to_be_visible()
    axe(page)
    with session_factory(server.engine)() as session:
        assert session.query(Pathway).filter_by(slug=f"data-{tag}").count() == 1

    page.get_by_role("link", name="public page").click()
    page.wait_for_url(f"**/catalogue/{org}/pathways/data-{tag}")
    expect(page.locator("#stacked-credential")).to_contain_text(f"Data Certificate {tag}")
    axe(page)
    page.get_by_role("link", name=f"Data Certificate {tag}").click()
    page.wait_for_url(f"**/catalogue/{org}/cert-{tag}")
    expect(page.get_by_role("link", name=f"Data pathway {tag}")).to_be_visible()

    page.goto(server.url + f"/dashboard/{org}/programmes")
    axe(page)
    page.get_by_role("link", name="New programme").click()
    page.get_by_label("Short name for addresses (slug)").fill(f"bsc-{tag}")
    page.get_by_label("Title").fill(f"BSc Data {tag}")
    page.get_by_label("Total ECTS credits").fill("180")
    page.get_by_label("Definition of row 1").fill(f"{org}/py-data")
    page.get_by_label("Credits of row 1").fill("5")
    page.get_by_label("Definition of row 2").fill(f"{org}/nope")
    page.get_by_label("Credits of row 2").fill("3")
    axe(page)
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_role("alert")).to_contain_text("Row 2: there is no definition")
    axe(page)
    page.get_by_label("Definition of row 2").fill("")
    page.get_by_label("Credits of row 2").fill("")
    page.get_by_role("button", name="Create programme").click()
    page.wait_for_url(f"**/dashboard/{org}/programmes/bsc-{tag}/edit?done=programme_created")
    expect(page.get_by_role("status")).to_contain_text("The programme was created.")
    expect(page.get_by_label("Definition of row 1")).to_have_value(f"{org}/py-data")
    axe(page)
