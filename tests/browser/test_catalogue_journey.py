"""Everyone's first journey: home -> catalogue search -> a definition page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def _journey(page: Any, server: LiveServer, axe: Any) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Micro-credentials you can verify anywhere"
    )
    expect(page.get_by_role("link", name="Python for Data Analysis")).to_be_visible()
    axe(page)

    page.get_by_role("searchbox", name="Search the catalogue").fill("python")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/catalogue?q=python")
    expect(page.locator("#result-count")).to_have_text("1 credential found for “python”.")
    axe(page)

    # Filters are a plain GET form: a filter that excludes it empties the list.
    page.get_by_label("Mode").select_option("onsite")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_contain_text("0 credentials found")
    page.get_by_label("Mode").select_option("")
    page.get_by_label("Skill").select_option(label="Python (computer programming)")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#result-count")).to_contain_text("1 credential found")

    page.get_by_role("link", name="Python for Data Analysis").click()
    page.wait_for_url("**/catalogue/acme/py-data")
    expect(page.get_by_role("heading", level=1)).to_have_text("Python for Data Analysis")
    skill = page.get_by_role("link", name="Python (computer programming)")
    expect(skill).to_have_attribute("href", server.demo.python.skills[0].uri)
    expect(page.get_by_text(server.demo.org.did)).to_be_visible()
    expect(page.get_by_role("link", name="DID document (JSON)")).to_have_attribute(
        "href", "/orgs/acme/did.json"
    )
    expect(page.locator("footer")).to_contain_text(
        "This service uses the ESCO classification of the European Commission."
    )
    axe(page)
    assert page.errors == []


def test_home_search_definition_on_sqlite(page: Any, live_server: LiveServer, axe: Any) -> None:
    _journey(page, live_server, axe)


def test_home_search_definition_on_postgresql(
    page: Any, live_server_pg: LiveServer, axe: Any
) -> None:
    _journey(page, live_server_pg, axe)


def test_a_phone_sized_screen_keeps_everything_reachable(
    chromium: Any, live_server: LiveServer, axe: Any
) -> None:
    context = chromium.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(live_server.url + "/catalogue/acme/py-data")
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
        expect(phone.get_by_role("link", name="Verify", exact=True)).to_be_visible()
        axe(phone)
    finally:
        context.close()
