"""The /verify page: paste, upload (JSON, JWT-less bad input, baked PNG/SVG), URL, and the
plain-words report, over HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json

import httpx
from fastapi.testclient import TestClient
from tests.functional.pages.conftest import csrf_of
from tests.functional.pages.seeding import Demo
from tests.support.images import TINY_SVG, tiny_png

from microcred.credentials.baking import bake_png, bake_svg
from microcred.credentials.parsing import MAX_INPUT_BYTES


def _token(browser: TestClient) -> str:
    return csrf_of(browser.get("/verify").text)


def _paste(browser: TestClient, text: str) -> httpx.Response:
    return browser.post("/verify", data={"csrf_token": _token(browser), "credential": text})


def _upload(
    browser: TestClient, name: str, data: bytes, kind: str = "application/json"
) -> httpx.Response:
    return browser.post(
        "/verify",
        data={"csrf_token": _token(browser)},
        files={"file": (name, data, kind)},
    )


def test_the_form_offers_every_way(browser: TestClient) -> None:
    page = browser.get("/verify")
    assert page.status_code == 200
    text = page.text
    assert 'enctype="multipart/form-data"' in text and 'type="file"' in text
    assert '<textarea id="credential" name="credential"' in text
    assert '<input type="url" id="url" name="url"' in text
    assert 'id="scanner"' in text and "/static/verify.js" in text
    assert "<script>" not in text  # only external scripts (CSP)
    for field in ("file", "credential", "url"):
        assert f'<label for="{field}">' in text


def test_a_pasted_valid_credential_is_verified(browser: TestClient, demo: Demo) -> None:
    response = _paste(browser, demo.credential_text)
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Verified: this credential is genuine and valid" in page
    assert "The digital signature is valid." in page
    assert "Acme Academy signed it." in page
    assert "Acme Academy is a provider registered on this service." in page
    assert "The issuer has not revoked or suspended it." in page
    assert "It is valid today." in page
    assert '<dt>Credential</dt><dd class="break">Python for Data Analysis</dd>' in page
    assert "A learner identified by a hashed e-mail address" in page
    assert demo.org.did in page
    # The technical detail is one click away.
    assert "<summary>Technical details: every check" in page
    assert "issuer_controls_key" in page and demo.award.credential_id in page


def test_a_tampered_credential_fails_in_plain_words(browser: TestClient, demo: Demo) -> None:
    doc = demo.credential
    doc["credentialSubject"]["achievement"]["name"] = "Rocket Science"
    response = _upload(browser, "tampered.json", json.dumps(doc).encode())
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Not verified: do not trust this credential" in page
    assert "The digital signature does not match." in page
    assert "We checked the file tampered.json." in page


def test_a_revoked_credential_says_so(browser: TestClient, demo: Demo) -> None:
    response = _paste(browser, demo.revoked.credential_json)
    page = html.unescape(response.text)
    assert "Not verified" in page and "The issuer has revoked this credential." in page


def test_baked_images_are_verified(browser: TestClient, demo: Demo) -> None:
    png = bake_png(tiny_png(), demo.credential_text)
    response = _upload(browser, "badge.png", png, "image/png")
    assert "Verified: this credential is genuine" in response.text
    svg = bake_svg(TINY_SVG, demo.credential_text).encode()
    response = _upload(browser, "badge.svg", svg, "image/svg+xml")
    assert "Verified: this credential is genuine" in response.text


def test_things_that_are_not_credentials_get_a_clear_message(browser: TestClient) -> None:
    cases = [
        ("notes.txt", b"hello, this is not a credential", "text/plain"),
        ("photo.png", tiny_png(), "image/png"),
        ("array.json", b"[1, 2, 3]", "application/json"),
        ("binary.bin", bytes(range(256)) * 4, "application/octet-stream"),
        ("empty.json", b"   ", "application/json"),
    ]
    for name, data, kind in cases:
        response = _upload(browser, name, data, kind)
        assert response.status_code == 400, name
        page = html.unescape(response.text)
        assert "We could not verify that" in page, name
        assert "not a credential we can read" in page or "That is empty" in page, name
    nothing = browser.post("/verify", data={"csrf_token": _token(browser)})
    assert nothing.status_code == 400
    assert "Paste a credential, choose a file" in html.unescape(nothing.text)


def test_huge_uploads_get_a_clear_message(browser: TestClient) -> None:
    big = b"{" + b" " * (MAX_INPUT_BYTES + 10) + b"}"
    response = _upload(browser, "huge.json", big)
    assert response.status_code == 413
    assert "too large to be a credential: the limit is 2.0 MB" in response.text
    pasted = _paste(browser, big.decode())
    assert pasted.status_code == 413
    # Over the whole-request limit (MICROCRED_MAX_REQUEST_BYTES): an HTML 413 page for a
    # browser, problem+json for an API client.
    too_big = b"x" * (5 * 1024 * 1024 + 1)
    page = browser.post("/verify", content=too_big, headers={"Content-Type": "text/plain"})
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    assert "That is too large" in page.text
    api = browser.post(
        "/verify", content=too_big, headers={"Content-Type": "text/plain", "Accept": "*/*"}
    )
    assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"


def test_script_in_a_credential_is_shown_escaped(browser: TestClient, demo: Demo) -> None:
    doc = demo.credential
    evil = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"
    doc["name"] = evil
    doc["credentialSubject"]["achievement"]["name"] = evil
    response = _paste(browser, json.dumps(doc))
    text = response.text
    assert "<script>window" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    # Pasted text kept in the form after an error is escaped too.
    again = _paste(browser, "</textarea><script>window.__pwned=1</script>")
    assert "</textarea><script>" not in again.text


def test_a_url_of_this_app_is_read_from_the_database(browser: TestClient, demo: Demo) -> None:
    url = demo.credential["id"]
    assert url.startswith("http://localhost:8000/credentials/")
    response = browser.get("/verify", params={"url": url})
    assert response.status_code == 200, response.text[:2000]
    assert "Verified: this credential is genuine" in html.unescape(response.text)
    # A QR code's verify link works as the URL too (unwrapped once).
    wrapped = browser.post(
        "/verify",
        data={"csrf_token": _token(browser), "url": f"http://localhost:8000/verify?url={url}"},
    )
    assert "Verified: this credential is genuine" in html.unescape(wrapped.text)


def test_bad_urls_get_a_clear_message(browser: TestClient, demo: Demo) -> None:
    cases = {
        "ftp://example.org/x": 400,
        "not a url": 400,
        "http://10.0.0.1/credential.json": 400,
        "https://127.0.0.1:1/credential.json": 400,
        "http://localhost:8000/credentials/nope": 502,
    }
    for url, status in cases.items():
        response = browser.get("/verify", params={"url": url})
        assert response.status_code == status, (url, response.text[:300])
        page = html.unescape(response.text)
        assert "We could not verify that" in page, url
        assert f'value="{url}"' in page, url


def test_json_surfaces_keep_problem_json(browser: TestClient) -> None:
    for path in ("/api/nothing", "/credentials/unknown", "/orgs/nobody/did.json"):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json", path
    page = browser.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address" in page.text
