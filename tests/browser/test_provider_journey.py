"""A provider's journey in Chromium: sign in, create and publish a definition aligned to two
ESCO skills (the completeness meter visible while editing), award one credential, bulk
upload a CSV with an error row (the per-row error shown, nothing issued), fix it and watch
the progress to done, revoke one credential with a reason, retire the definition; axe-core
on every page."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from tests.browser.conftest import LiveServer
from tests.functional.pages.seeding import SYSTEM

from microcred.accounts import service as accounts
from microcred.issuing.models import Award
from microcred.jobs.runner import run_task, task_context
from microcred.storage import session_factory

pytestmark = pytest.mark.browser
PASSWORD = "provider-journey-password"


def _provider(server: LiveServer) -> str:
    email = f"provider-{uuid.uuid4().hex[:8]}@acme.example"
    factory = session_factory(server.engine)
    with factory() as session, session.begin():
        user = accounts.create_user(
            session, email=email, password=PASSWORD, display_name="Pat Provider"
        )
        org = accounts.get_organisation(session, "acme")
        accounts.add_member(session, organisation=org, user=user, role="owner", actor=SYSTEM)
    return email


def _awards(server: LiveServer) -> int:
    with session_factory(server.engine)() as session:
        return session.scalar(select(func.count()).select_from(Award)) or 0


@contextmanager
def _worker(server: LiveServer) -> Iterator[None]:
    """A job worker for the PostgreSQL server (whose app defers jobs to procrastinate):
    sweeps queued batches until stopped."""
    stop = threading.Event()
    context = task_context(server.settings, session_factory(server.engine))

    def loop() -> None:
        while not stop.wait(0.3):
            run_task(context, "sweep")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _journey(page: Any, server: LiveServer, axe: Any, tmp_path: Path) -> None:
    email = _provider(server)
    tag = uuid.uuid4().hex[:6]
    slug = f"green-{tag}"

    # Sign in and open the dashboard.
    page.goto(server.url + "/signin?next=/dashboard")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    axe(page)
    page.get_by_role("link", name="Acme Academy").click()
    page.wait_for_url("**/dashboard/acme")
    expect(page.get_by_role("heading", name="Awards over time")).to_be_visible()
    axe(page)

    # A new definition with every required element and two ESCO skills.
    page.get_by_role("link", name="Definitions").click()
    axe(page)
    page.get_by_role("link", name="New definition").click()
    page.get_by_label("Short name for addresses (slug)").fill(slug)
    page.get_by_label("Title", exact=False).first.fill(f"Green Data Centres {tag}")
    page.get_by_label("Description").fill("Run data centres on less energy.")
    page.get_by_label("Learning outcomes").fill("Measure PUE\nPlan cooling")
    page.get_by_label("Criteria", exact=False).first.fill("Pass the practical assessment.")
    page.get_by_label("Type of assessment").fill("Practical assessment on site")
    page.get_by_label("Notional workload in hours").fill("30")
    page.get_by_label("Type of quality assurance").fill("External audit")
    page.get_by_label("Form of participation").select_option("blended")
    page.get_by_label("EQF level").select_option("5")
    for query, label in (
        ("python", "Python (computer programming)"),
        ("accessibility standards", "ICT accessibility standards"),
    ):
        page.get_by_label("Find a skill").fill(query)
        page.get_by_role("button", name=f"Add {label}").click()
        expect(page.locator("#chosen-skills")).to_contain_text(label)
    axe(page)
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"**/dashboard/acme/definitions/{slug}/edit?done=saved")
    expect(page.get_by_role("status")).to_contain_text("The draft was saved.")
    meter = page.locator("#completeness-meter")
    expect(meter).to_be_visible()
    assert 50 <= int(meter.get_attribute("value")) < 100
    expect(page.locator("#chosen-skills input:checked")).to_have_count(2)
    axe(page)
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_url("**?done=published")
    expect(page.locator("#new-draft-note")).to_contain_text("new draft")
    axe(page)

    # Award one.
    before = _awards(server)
    page.get_by_role("link", name="Award one").click()
    page.get_by_label("Credential").select_option(slug)
    page.get_by_label("Learner's e-mail address or DID").fill(f"dana-{tag}@example.org")
    page.get_by_label("Result (optional)").fill("Distinction")
    page.get_by_label("Expires on (optional)").fill("2040-06-30")
    axe(page)
    page.get_by_role("button", name="Award the credential").click()
    page.wait_for_url("**/awards?done=awarded*")
    expect(page.get_by_role("status").first).to_contain_text("The credential was awarded.")
    assert _awards(server) == before + 1
    axe(page)

    # Bulk: an error row is shown and nothing is issued.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"email,external_id,name\nerin-{tag}@example.org,{tag}-1,Erin\nnot-an-email,{tag}-2,Finn\n"
    )
    page.get_by_role("link", name="Bulk upload").click()
    axe(page)
    page.get_by_label("Credential").select_option(slug)
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#batch-result")).to_contain_text("nothing was issued")
    row = page.locator("#row-errors tbody tr").first
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("email")
    assert _awards(server) == before + 1
    axe(page)

    # Fixed: preview, confirm, watch the progress to done.
    good = tmp_path / "good.csv"
    good.write_text(
        f"email,external_id,name\nerin-{tag}@example.org,{tag}-1,Erin\n"
        f"finn-{tag}@example.org,{tag}-2,Finn\n"
    )
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#batch-result")).to_contain_text("All 2 rows are valid")
    assert _awards(server) == before + 1
    axe(page)
    page.get_by_role("button", name="Issue 2 credentials").click()
    expect(page.locator("#batch-result")).to_contain_text("Done", timeout=30_000)
    expect(page.locator("#count-issued")).to_have_text("2")
    assert _awards(server) == before + 3
    axe(page)

    # Revoke one with a reason.
    page.get_by_role("link", name="See the awards").click()
    page.get_by_role("link", name=f"Revoke finn-{tag}@example.org").click()
    axe(page)
    page.get_by_label("Reason").fill("Assessment was not completed")
    page.get_by_role("button", name="Revoke the credential").click()
    expect(page.get_by_role("status").first).to_contain_text("The credential was revoked.")
    page.get_by_label("Status").select_option("revoked")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table")).to_contain_text("Assessment was not completed")
    axe(page)

    # Retire the definition (the shared demo catalogue stays as the other journeys expect).
    page.goto(f"{server.url}/dashboard/acme/definitions/{slug}/edit")
    page.get_by_role("button", name="Retire this definition").click()
    expect(page.get_by_role("status").first).to_contain_text("retired")

    # Settings.
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("link", name="/orgs/acme/did.json")).to_be_visible()
    axe(page)
    assert page.errors == []


def test_provider_journey_on_sqlite(
    page: Any, live_server: LiveServer, axe: Any, tmp_path: Path
) -> None:
    _journey(page, live_server, axe, tmp_path)


def test_provider_journey_on_postgresql(
    page: Any, live_server_pg: LiveServer, axe: Any, tmp_path: Path
) -> None:
    with _worker(live_server_pg):
        _journey(page, live_server_pg, axe, tmp_path)
