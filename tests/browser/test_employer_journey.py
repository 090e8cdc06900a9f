"""The employer's journey in Chromium: check a candidate's shared link (all verified; then,
with one credential revoked, the summary shows it as failed) and find the learner by two
skills with the skill picker (suggestions from /api/skills). axe-core on every page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session
from tests.browser.conftest import MASTER_KEY, LiveServer
from tests.functional.pages.talent_support import PASSWORD, Talent, give, revoke, seed_talent

from microcred.accounts.models import User
from microcred.issuing.models import Award
from microcred.storage import session_factory
from microcred.wallet import service as wallet
from microcred.wallet import sharing
from microcred.wallet.models import Share

pytestmark = pytest.mark.browser


@dataclass
class Journey:
    talent: Talent
    share: Share  # Dana's Python credential and a second accessibility one
    second_a11y: Award  # revoked half-way through the test


@pytest.fixture(scope="module")
def journey(live_server: LiveServer) -> Journey:
    factory = session_factory(live_server.engine)
    keys = {"base_url": live_server.url, "master_key": MASTER_KEY.encode("utf-8")}
    with factory(expire_on_commit=False) as session, session.begin():
        talent = seed_talent(session, **keys)  # type: ignore[arg-type]
        second = give(session, talent.org, talent.web, talent.dana, **keys)  # type: ignore[arg-type]
        items = {i.award_id: i.public_id for i in wallet.list_items(session, talent.dana)}
        share = sharing.create_share(
            session, talent.dana, [items[talent.dana_python.id], items[second.id]]
        )
        return Journey(talent, share, second)


def _sign_in(page: Any, server: LiveServer, user: User, next_path: str) -> None:
    page.goto(f"{server.url}/signin?next={next_path}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _pick(page: Any, words: str, label: str) -> None:
    box = page.get_by_role("combobox", name="Find a skill")
    box.fill(words)
    option = page.get_by_role("option", name=label)
    expect(option).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.get_by_role("checkbox", name=label)).to_be_checked()


def test_an_employer_checks_a_link_and_finds_the_learner(
    page: Any, live_server: LiveServer, journey: Journey, axe: Any
) -> None:
    talent = journey.talent
    page.goto(live_server.url + "/employers")
    axe(page)
    page.get_by_role("link", name="Check a shared link").click()
    axe(page)
    page.get_by_role("textbox", name="Shared link").fill(
        f"{live_server.url}/share/{journey.share.token}"
    )
    page.get_by_role("button", name="Check the link").click()
    summary = page.locator("#link-summary")
    expect(summary.locator(".verdict")).to_have_text("All 2 credentials verified")
    expect(page.locator(".credential-result")).to_have_count(2)
    axe(page)

    # The issuer revokes one of the two: the same link now shows it as failed.
    factory = session_factory(live_server.engine)
    with factory() as session, session.begin():
        _revoke(session, journey.second_a11y, live_server)
    page.reload()
    expect(summary.locator(".verdict")).to_have_text("1 of 2 credentials verified, 1 failed")
    expect(summary).to_contain_text("1 revoked by the issuer")
    failed = page.locator(".credential-result", has_text="Accessible Web Pages")
    expect(failed).to_contain_text("Failed")
    expect(failed).to_contain_text("revoked by the issuer")
    axe(page)

    # Find the learner by two skills (sign-in first).
    _sign_in(page, live_server, talent.employer, "/employers/search")
    expect(page).to_have_url(live_server.url + "/employers/search")
    axe(page)
    _pick(page, "python comp", "Python (computer programming)")
    _pick(page, "accessibility stand", "ICT accessibility standards")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#talent-count")).to_have_text("1 person with all 2 skills.")
    result = page.locator(".talent-result")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Dana Discoverable")
    expect(result).to_contain_text("Python for Data Analysis")
    expect(result).to_contain_text("Accessible Web Pages")
    expect(page.get_by_text("Eve Hidden")).to_have_count(0)
    axe(page)
    assert page.errors == []


def _revoke(session: Session, given: Award, server: LiveServer) -> None:
    revoke(session, session.merge(given), base_url=server.url, master_key=MASTER_KEY.encode())
