"""Provider dashboard pages over HTTP, on SQLite and PostgreSQL: overview, awards list,
award one, revoke / suspend / unsuspend; access rules (viewers see, assessors cannot award,
other organisations' dashboards are a 404), CSRF, bad input and escaping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.pages.dashboard_support import Team, make_team, sign_in
from tests.functional.pages.seeding import Demo

from microcred.config import Settings


@pytest.fixture
def team(session: Session, demo: Demo, settings: Settings) -> Team:
    return make_team(
        session,
        demo,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )


def test_dashboard_needs_sign_in(browser: TestClient, team: Team) -> None:
    for path in ("/dashboard", "/dashboard/acme", "/dashboard/acme/awards"):
        page = browser.get(path)
        assert page.status_code == 401 and 'href="/signin' in page.text


def test_index_lists_my_organisations(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard")
    assert page.status_code == 200
    assert 'href="/dashboard/acme"' in page.text and "Acme Academy" in page.text
    assert "/dashboard/other" not in page.text


def test_overview_shows_counts_months_and_revocations(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard/acme")
    assert page.status_code == 200
    text = page.text
    assert "Awards over time" in text and text.count('<th scope="row">') == 12
    assert "Issued by mistake" in text  # the demo's revoked credential
    assert "bar-100" in text  # this month has the most awards
    assert '<span class="stat-value">2</span> <span class="stat-label">credentials awarded' in text


def test_other_organisations_dashboards_are_not_found(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["outsider"])
    unknown = browser.get("/dashboard/nope")
    for path in (
        "/dashboard/acme",
        "/dashboard/acme/awards",
        "/dashboard/acme/award",
        f"/dashboard/acme/awards/{team.demo.award.public_id}/revoke",
    ):
        page = browser.get(path)
        assert page.status_code == 404, path
        assert "Acme" not in page.text
    assert unknown.status_code == 404
    assert browser.get("/dashboard/other").status_code == 200
