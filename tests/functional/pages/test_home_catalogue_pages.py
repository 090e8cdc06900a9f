"""Home and catalogue pages over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from tests.functional.pages.seeding import ACCESSIBILITY_SKILL, PYTHON_SKILL, Demo, publish

from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.web.security import CONTENT_SECURITY_POLICY

ESCO_LINE = "This service uses the ESCO classification of the European Commission."


def _titles(page: str) -> list[str]:
    """The demo titles listed as results, in page order."""
    found = [
        (page.index(f">{title}</a></h3>"), title)
        for title in ("Python for Data Analysis", "Accessible Web Pages")
        if f">{title}</a></h3>" in page
    ]
    return [title for _, title in sorted(found)]


def test_home_shows_featured_definitions_and_the_layout(browser: TestClient, demo: Demo) -> None:
    response = browser.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="en">' in page and 'href="#main"' in page and '<main id="main"' in page
    assert sorted(_titles(page)) == ["Accessible Web Pages", "Python for Data Analysis"]
    assert 'action="/catalogue"' in page and 'name="q"' in page
    for link in ('href="/catalogue"', 'href="/verify"', 'href="/wallet"', 'href="/dashboard"'):
        assert link in page
    assert f'<a href="https://esco.ec.europa.eu/">{ESCO_LINE}</a>' in page
    assert 'href="/signin"' in page


def test_security_headers_on_pages_api_and_static(browser: TestClient, demo: Demo) -> None:
    for path in ("/", "/catalogue", "/verify", "/static/microcred.css", "/api/catalogue"):
        headers = browser.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    # Swagger UI needs its inline script: no CSP there, the other headers stay.
    docs = browser.get("/docs").headers
    assert "content-security-policy" not in docs and docs["x-content-type-options"] == "nosniff"


def test_catalogue_search_and_filters(browser: TestClient, demo: Demo) -> None:
    everything = browser.get("/catalogue")
    assert everything.status_code == 200 and "2 credentials found" in everything.text
    assert _titles(everything.text) == ["Accessible Web Pages", "Python for Data Analysis"]
    cases = {
        "q=python": ["Python for Data Analysis"],
        "q=wcag": ["Accessible Web Pages"],
        f"skill={PYTHON_SKILL}": ["Python for Data Analysis"],
        f"skill={ACCESSIBILITY_SKILL}": ["Accessible Web Pages"],
        "provider=acme": ["Accessible Web Pages", "Python for Data Analysis"],
        "eqf=4": ["Accessible Web Pages"],
        "min_hours=30": ["Python for Data Analysis"],
        "max_hours=30": ["Accessible Web Pages"],
        "max_ects=1": ["Accessible Web Pages"],
        "max_price=0": ["Accessible Web Pages"],
        "max_days=7": [],
        "max_days=20": ["Accessible Web Pages"],
        "max_days=60": ["Accessible Web Pages", "Python for Data Analysis"],
        "mode=online": ["Python for Data Analysis"],
        "pace=scheduled": ["Accessible Web Pages"],
        "language=fr": ["Accessible Web Pages"],
        "q=python&mode=onsite": [],
    }
    for query, expected in cases.items():
        response = browser.get(f"/catalogue?{query}")
        assert response.status_code == 200, (query, response.text[:500])
        assert _titles(response.text) == expected, query
    # The form keeps what was chosen.
    kept = browser.get("/catalogue?eqf=4&mode=onsite&q=web").text
    assert '<option value="4" selected>' in kept and '<option value="onsite" selected>' in kept
    assert 'value="web"' in kept
    # Skills offered as filters are the ones published definitions use, ESCO labels shown.
    assert f'<option value="{PYTHON_SKILL}">Python (computer programming)</option>' in kept


def test_catalogue_pagination(browser: TestClient, session: Session, demo: Demo) -> None:
    for number in range(12):
        publish(session, demo.org, f"extra-{number:02d}", title=f"Extra course {number:02d}")
    session.commit()
    first = browser.get("/catalogue?q=extra")
    assert "12 credentials found" in first.text
    assert first.text.count('<article class="card">') == 10
    assert 'href="/catalogue?q=extra&amp;page=2"' in first.text
    second = browser.get("/catalogue?q=extra&page=2")
    assert second.status_code == 200 and second.text.count('<article class="card">') == 2
    assert "Extra course 11" in second.text and "Extra course 00" not in second.text
    assert '<span aria-current="page">Page 2</span>' in second.text
    beyond = browser.get("/catalogue?q=extra&page=99")
    assert beyond.status_code == 200 and beyond.text.count('<article class="card">') == 0


def test_bad_filters_are_explained_on_the_page(browser: TestClient, demo: Demo) -> None:
    cases = {
        "eqf=9": "EQF level: choose a level from 1 to 8.",
        "eqf=abc": "EQF level: enter a number",
        "min_hours=-1": "Minimum workload: enter a number of 0 or more.",
        "max_price=lots": "Maximum cost: enter a number",
        "mode=teleport": "Mode: choose one of online, onsite, blended.",
        "sort=random": "Sort: choose by title or newest first.",
        "skill=http://example.org/nope": "Skill: no skill matches that value",
    }
    for query, message in cases.items():
        response = browser.get(f"/catalogue?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html")
        assert html.escape(message, quote=False) in response.text or message in html.unescape(
            response.text
        ), query


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "skill",
                "provider",
                "eqf",
                "min_hours",
                "max_hours",
                "max_ects",
                "max_price",
                "max_days",
                "mode",
                "pace",
                "language",
                "sort",
                "page",
            ]
        ),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_query_string_gives_a_page(browser: TestClient, params: dict[str, str]) -> None:
    response = browser.get("/catalogue", params=params)
    assert response.status_code in (200, 400)
    assert response.headers["content-type"].startswith("text/html")
    assert "<script" not in response.text.split("</footer>")[0]


def test_definition_page_shows_every_element(browser: TestClient, demo: Demo) -> None:
    response = browser.get("/catalogue/acme/py-data")
    assert response.status_code == 200
    page = html.unescape(response.text)
    for text in (
        "Python for Data Analysis",
        "Clean, analyse and visualise tabular data with Python.",
        "Load and clean CSV data",
        "Pass the final project, reviewed by an assessor.",
        "EQF level",
        "50 hours",
        "ECTS credits",
        "P6W (about 42 days)",
        "199.00 EUR",
        "self-paced",
        "Project reviewed by an assessor",
        "Internal QA by the faculty board",
        "supervised-online; the learner's identity is verified",
        "Basic programming",
        "stackable",
        "Computer science",
        "Acme Academy",
        demo.org.did,
        ESCO_LINE,
    ):
        assert text in page, text
    assert f'<a href="{PYTHON_SKILL}" rel="noopener">Python (computer programming)</a>' in page
    assert 'href="/orgs/acme/profile"' in page and 'href="/orgs/acme/did.json"' in page
    assert "http://localhost:8000/definitions/acme/py-data/v1" in page
    assert '<meter id="completeness-meter"' in page


def test_definition_page_errors_are_html(browser: TestClient, session: Session, demo: Demo) -> None:
    missing = browser.get("/catalogue/acme/nope")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "We could not find that page" in missing.text
    assert browser.get("/catalogue/nobody/py-data").status_code == 404
    catalogue.create_definition(
        session,
        organisation=demo.org,
        slug="draft-only",
        data={"title": "Draft", "description": "Not yet."},
        principal=OPERATOR,
    )
    session.commit()
    draft = browser.get("/catalogue/acme/draft-only")
    assert draft.status_code == 409 and "<h1" in draft.text


def test_text_from_the_database_is_escaped(
    browser: TestClient, session: Session, demo: Demo
) -> None:
    evil = "<script>window.__pwned=1</script><img src=x onerror=alert(1)>"
    publish(
        session,
        demo.org,
        "evil",
        title=evil[:190],
        description=evil,
        learning_outcomes=[evil],
        tags=[evil[:40]],
    )
    session.commit()
    for path in ("/", "/catalogue?q=script", "/catalogue/acme/evil", f"/catalogue?q={evil}"):
        page = browser.get(path).text
        assert "<script>window.__pwned" not in page, path
        assert "<img src=x" not in page, path
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page, path
