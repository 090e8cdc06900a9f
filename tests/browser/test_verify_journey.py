"""Verifying in the browser: paste, upload, bad and huge input, script never runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def test_a_pasted_valid_credential_is_verified(
    page: Any, live_server: LiveServer, axe: Any
) -> None:
    page.goto(live_server.url + "/verify")
    axe(page)
    page.get_by_label("Credential", exact=True).fill(live_server.demo.award.credential_json)
    page.get_by_role("button", name="Verify the text").click()
    verdict = page.locator(".verdict")
    expect(verdict).to_have_text("Verified: this credential is genuine and valid")
    expect(page.get_by_text("The digital signature is valid.")).to_be_visible()
    expect(
        page.get_by_text("Acme Academy is a provider registered on this service.")
    ).to_be_visible()
    expect(page.get_by_text("The issuer has not revoked or suspended it.")).to_be_visible()
    # Technical detail is one click away.
    details = page.get_by_text("Technical details: every check")
    expect(page.get_by_role("cell", name="issuer_controls_key")).to_be_hidden()
    details.click()
    expect(page.get_by_role("cell", name="issuer_controls_key")).to_be_visible()
    axe(page)
    assert page.errors == []


def test_a_tampered_upload_fails_in_plain_words(
    page: Any, live_server: LiveServer, axe: Any
) -> None:
    doc = json.loads(live_server.demo.award.credential_json)
    doc["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    page.goto(live_server.url + "/verify")
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "tampered.json",
                "mimeType": "application/json",
                "buffer": json.dumps(doc).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Verify the file").click()
    expect(page.locator(".verdict")).to_have_text("Not verified: do not trust this credential")
    expect(page.locator(".result")).to_contain_text("The digital signature does not match.")
    expect(page.get_by_text("We checked the file tampered.json.")).to_be_visible()
    axe(page)


def test_a_revoked_credential_shows_as_revoked(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/verify")
    page.get_by_label("Credential", exact=True).fill(live_server.demo.revoked.credential_json)
    page.get_by_role("button", name="Verify the text").click()
    expect(page.locator(".result")).to_contain_text("The issuer has revoked this credential.")


def test_a_file_that_is_not_a_credential_gets_a_clear_message(
    page: Any, live_server: LiveServer, axe: Any
) -> None:
    page.goto(live_server.url + "/verify")
    page.set_input_files(
        "#file",
        files=[{"name": "holiday.txt", "mimeType": "text/plain", "buffer": b"Dear diary"}],
    )
    page.get_by_role("button", name="Verify the file").click()
    alert = page.locator("#verify-error")
    expect(alert).to_contain_text("We could not verify that")
    expect(alert).to_contain_text("That is not a credential we can read.")
    axe(page)


def test_a_huge_upload_gets_a_clear_message(
    page: Any, chromium: Any, live_server: LiveServer
) -> None:
    huge = {
        "name": "huge.json",
        "mimeType": "application/json",
        "buffer": b"{" + b" " * 3_000_000 + b"}",
    }
    # With JavaScript: refused before uploading.
    page.goto(live_server.url + "/verify")
    page.set_input_files("#file", files=[huge])
    expect(page.locator("#file-error")).to_contain_text("too large to be a credential")
    page.get_by_role("button", name="Verify the file").click()
    expect(page).to_have_url(live_server.url + "/verify")
    expect(page.locator("#file")).to_be_focused()
    # Without JavaScript: the server says the same.
    context = chromium.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(live_server.url + "/verify")
        plain.set_input_files("#file", files=[huge])
        plain.get_by_role("button", name="Verify the file").click()
        expect(plain.locator("#verify-error")).to_contain_text(
            "That is too large to be a credential: the limit is 2.0 MB."
        )
    finally:
        context.close()


def test_script_in_text_fields_never_runs(page: Any, live_server: LiveServer) -> None:
    doc = json.loads(live_server.demo.award.credential_json)
    doc["name"] = EVIL
    doc["credentialSubject"]["achievement"]["name"] = EVIL
    doc["credentialSubject"]["achievement"]["description"] = EVIL
    page.goto(live_server.url + "/verify")
    page.get_by_label("Credential", exact=True).fill(json.dumps(doc))
    page.get_by_role("button", name="Verify the text").click()
    expect(page.locator(".verdict")).to_contain_text("Not verified")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(EVIL)  # shown as text
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("dl.facts img").count() == 0

    # A sign-up name with markup is shown as text in the header.
    page.goto(live_server.url + "/signup")
    page.get_by_label("Your name").fill(EVIL)
    page.get_by_label("E-mail address").fill("mallory@example.org")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_label("Password again").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".signed-in-as")).to_contain_text(EVIL)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("header img").count() == 0
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_scanning_a_qr_code_opens_the_verification_of_its_link(
    page: Any, live_server: LiveServer
) -> None:
    """The camera path of /verify: headless Chromium has neither a camera nor the
    BarcodeDetector API, so the test gives the page both (a canvas stream as the camera, a
    detector that "sees" the credential's link) and checks what our script does with them."""
    link = live_server.demo.award.credential_id
    fake_camera = """
        (() => {
          window.BarcodeDetector = class {
            async detect() { return [{rawValue: LINK}]; }
          };
          const canvas = document.createElement("canvas");
          canvas.width = 64; canvas.height = 64;
          const paint = () => canvas.getContext("2d").fillRect(0, 0, 64, 64);
          paint();
          setInterval(paint, 50);
          Object.defineProperty(navigator, "mediaDevices", {
            value: {getUserMedia: async () => canvas.captureStream(10)},
          });
        })();
    """
    page.add_init_script(fake_camera.replace("LINK", json.dumps(link)))
    page.goto(live_server.url + "/verify")
    expect(page.get_by_text("To scan a QR code, use your phone's camera app")).to_be_hidden()
    page.get_by_role("button", name="Start the camera").click()
    expect(page.get_by_text("Verified: this credential is genuine and valid")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text(f"We checked the address {link}.")).to_be_visible()
    assert "/verify?url=" in page.url
    assert page.errors == []
