"""Sign up, sign in and sign out pages: CSRF on every form, sessions, safe redirects."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.functional.pages.conftest import csrf_of

from microcred.web.deps import SESSION_COOKIE
from microcred.web.pages.auth import safe_next
from microcred.web.pages.csrf import CSRF_COOKIE

PASSWORD = "correct horse battery staple"


def _signup(browser: TestClient, **overrides: str) -> httpx.Response:
    form = browser.get("/signup").text
    data = {
        "csrf_token": csrf_of(form),
        "email": "ann@example.org",
        "display_name": "Ann <b>Learner</b>",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "next": "/catalogue",
    }
    data.update(overrides)
    return browser.post("/signup", data=data, follow_redirects=False)


def test_sign_up_sign_out_sign_in(browser: TestClient) -> None:
    page = browser.get("/signup")
    assert page.status_code == 200 and browser.cookies.get(CSRF_COOKIE)
    assert '<label for="email">' in page.text and 'autocomplete="new-password"' in page.text

    created = _signup(browser)
    assert created.status_code == 303 and created.headers["location"] == "/catalogue"
    assert browser.cookies.get(SESSION_COOKIE)
    home = browser.get("/").text
    assert "Signed in as <strong>Ann &lt;b&gt;Learner&lt;/b&gt;</strong>" in home
    assert 'action="/signout"' in home

    # Signed in, forms carry the session's token; the anonymous one is refused.
    session_token = csrf_of(home)
    refused = browser.post("/signout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403 and "This form has expired" in refused.text
    out = browser.post("/signout", data={"csrf_token": session_token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert 'href="/signin"' in browser.get("/").text

    signin_page = browser.get("/signin?next=/verify")
    assert 'name="next" value="/verify"' in signin_page.text
    wrong = browser.post(
        "/signin",
        data={
            "csrf_token": csrf_of(signin_page.text),
            "email": "ann@example.org",
            "password": "not the password",
            "next": "/verify",
        },
    )
    assert wrong.status_code == 401 and "The e-mail address or the password is wrong" in wrong.text
    assert 'value="ann@example.org"' in wrong.text
    right = browser.post(
        "/signin",
        data={
            "csrf_token": csrf_of(wrong.text),
            "email": "ann@example.org",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/"


def test_forms_without_the_csrf_token_are_refused(browser: TestClient) -> None:
    browser.get("/signup")
    for path in ("/signup", "/signin", "/verify", "/signout"):
        for token in (None, "", "x" * 64):
            data = {"email": "a@example.org", "password": PASSWORD, "credential": "{}"}
            if token is not None:
                data["csrf_token"] = token
            response = browser.post(path, data=data)
            assert response.status_code == 403, (path, token)
            assert response.headers["content-type"].startswith("text/html")
            assert "csrf_failed" in response.text
    # A token minted for another browser (another cookie) does not work either.
    other = TestClient(browser.app, base_url=str(browser.base_url))
    stolen = csrf_of(other.get("/signin").text)
    response = browser.post("/signin", data={"csrf_token": stolen, "email": "a@example.org"})
    assert response.status_code == 403


def test_sign_up_problems_are_shown_on_the_form(browser: TestClient) -> None:
    short = _signup(browser, password="short", password_confirm="short")
    assert short.status_code == 400 and "too short" in short.text
    different = _signup(browser, password_confirm=PASSWORD + "!")
    assert "The two passwords are different" in different.text
    bad = _signup(browser, email="not-an-email")
    assert bad.status_code == 400 and "is not an email address" in bad.text
    assert _signup(browser).status_code == 303
    browser.cookies.clear()
    taken = _signup(browser)
    assert taken.status_code == 400 and "already exists" in taken.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/wallet", "/wallet"),
        ("/catalogue?q=x", "/catalogue?q=x"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("", "/"),
        (None, "/"),
        ("/" + "a" * 600, "/"),
    ],
)
def test_next_is_a_local_path(value: object, expected: str) -> None:
    assert safe_next(value) == expected


def test_signed_in_pages_need_a_session(browser: TestClient) -> None:
    browser.cookies.set(SESSION_COOKIE, "expired-or-forged")
    page = browser.get("/")
    assert page.status_code == 200 and 'href="/signin"' in page.text
