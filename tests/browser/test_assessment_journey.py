"""Recognition of prior learning in Chromium: an applicant with work experience applies
with a file and a written account, the assessor asks for more evidence, the applicant adds
a link and resubmits, the assessor approves, and the credential is in the applicant's
wallet; axe on every page. SQLite and once on PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import LiveServer
from tests.functional.pages.seeding import SYSTEM
from tests.support.assessment import PDF_BYTES

from microcred.accounts import service as accounts
from microcred.storage import session_factory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "sqlite" else "live_server_pg"
    found: LiveServer = request.getfixturevalue(name)
    return found


def _people(server: LiveServer) -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    applicant, assessor = f"chloe-{tag}@learners.example", f"assessor-{tag}@acme.example"
    factory = session_factory(server.engine)
    with factory() as session, session.begin():
        accounts.create_user(
            session, email=applicant, password=PASSWORD, display_name="Chloé Martin"
        )
        user = accounts.create_user(
            session, email=assessor, password=PASSWORD, display_name="Ava Assessor"
        )
        org = accounts.get_organisation(session, server.demo.org.slug)
        accounts.add_member(session, organisation=org, user=user, role="assessor", actor=SYSTEM)
    return applicant, assessor


def _sign_in(page: Any, server: LiveServer, email: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server.url}/signin?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def test_prior_learning_is_assessed_and_credentialed(
    page: Any, server: LiveServer, axe: Any, tmp_path: Path
) -> None:
    applicant, assessor = _people(server)
    letter = tmp_path / "reference-letter.pdf"
    letter.write_bytes(PDF_BYTES)

    # The applicant starts an application with her work experience.
    _sign_in(page, server, applicant, "/apply/acme/py-data")
    axe(page)
    page.get_by_label("Your experience in a few sentences (optional)").fill(
        "Three years cleaning shipment data at Acme Logistics."
    )
    page.get_by_role("button", name="Start my application").click()
    expect(page.get_by_text("Your application was started.")).to_be_visible()
    axe(page)
    application_url = page.url.split("?")[0]

    # A file for outcome 1 ...
    page.get_by_label("Learning outcome").select_option(index=0)
    page.get_by_label("Where you learned it").select_option("employment")
    page.get_by_label("A file").check()
    page.get_by_label("Title").fill("Reference letter from my manager")
    page.get_by_label("File", exact=True).set_input_files(str(letter))
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("The evidence was added.")).to_be_visible()
    # ... and a written account.
    page.get_by_label("A written account").check()
    page.get_by_label("Title").fill("How I clean carrier exports")
    page.get_by_label("Written account or description").fill(
        "Every week I load the carrier CSV exports and fix broken dates."
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(
        page.get_by_role("strong").filter(has_text="How I clean carrier exports")
    ).to_be_visible()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator(".application-status")).to_have_text("Waiting for an assessor")
    axe(page)

    # The assessor asks for more evidence.
    _sign_in(page, server, assessor, "/dashboard/acme/assessments")
    axe(page)
    page.get_by_role("link", name="Chloé Martin").first.click()
    expect(page.get_by_role("link", name="Download reference-letter.pdf")).to_be_visible()
    axe(page)
    page.get_by_label("Met").first.check()
    page.get_by_label("Feedback to the applicant").fill("Show a chart you made for outcome 2.")
    page.get_by_role("button", name="Ask for more evidence").click()
    expect(page.get_by_text("The applicant was asked for more evidence.")).to_be_visible()

    # The applicant adds a link and submits again.
    _sign_in(page, server, applicant, "/wallet/applications")
    axe(page)
    page.goto(application_url)
    expect(page.get_by_text("Show a chart you made for outcome 2.").first).to_be_visible()
    page.get_by_label("Learning outcome").select_option(index=1)
    page.get_by_label("Where you learned it").select_option("self-study")
    page.get_by_label("A link").check()
    page.get_by_label("Title").fill("My delivery-time dashboard")
    page.get_by_label("Link", exact=True).fill("https://chloe.example/dashboard")
    page.get_by_role("button", name="Add evidence").click()
    page.get_by_role("button", name="Submit again").click()
    expect(page.locator(".application-status")).to_have_text("Waiting for an assessor")

    # The assessor approves every outcome.
    _sign_in(page, server, assessor, "/dashboard/acme/assessments")
    page.get_by_role("link", name="Chloé Martin").first.click()
    for radio in page.get_by_label("Met", exact=True).all():
        radio.check()
    page.get_by_label("Feedback to the applicant").fill("Well evidenced from your job.")
    page.get_by_role("button", name="Approve and issue").click()
    expect(page.get_by_text("Approved: the credential was issued")).to_be_visible()

    # The credential is in the applicant's wallet.
    _sign_in(page, server, applicant, "/wallet")
    row = page.get_by_role("row").filter(has_text="Python for Data Analysis")
    expect(row).to_contain_text("Active")
    axe(page)
    page.goto(application_url)
    expect(page.locator(".application-status")).to_have_text("Approved")
    axe(page)
