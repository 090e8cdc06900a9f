"""Accessibility basics on every page (axe-core) and keyboard-only use."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/catalogue",
    "/catalogue?q=data&eqf=5",
    "/catalogue?eqf=99",
    "/catalogue/acme/py-data",
    "/catalogue/acme/web-a11y",
    "/verify",
    "/verify?url=ftp://example.org/x",
    "/signin",
    "/signup",
    "/signout",
    "/no-such-page",
    "/catalogue/acme/no-such-definition",
]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_problem(
    page: Any, live_server: LiveServer, axe: Any, path: str
) -> None:
    page.goto(live_server.url + path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main#main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    axe(page)
    assert page.errors == []


def test_the_verify_form_is_reachable_by_keyboard_only(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/")
    # The first Tab lands on the skip link, which becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # Tab through the header to "Verify" and follow it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Verify":
            break
    expect(page.get_by_role("link", name="Verify", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/verify")
    # Skip the header, then Tab into the first form field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "file":
            break
    expect(page.locator("#file")).to_be_focused()
    # Focus is visible: the focused control has an outline.
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # Keyboard-only verification of a pasted credential.
    page.locator("#credential").focus()
    page.keyboard.insert_text(live_server.demo.award.credential_json)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Verify the text")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".verdict")).to_have_text("Verified: this credential is genuine and valid")
