"""Quality in the browser, from the real demo data (``microcred demo``): a Northbridge
credential shows who accredited Northbridge and until when, a Skillforge credential
verifies with a warning that no quality body vouches for Skillforge, and Northbridge's
definition page shows Acme's endorsement; axe-core on every page."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import expect
from sqlalchemy import select

from microcred.accounts.models import Organisation
from microcred.config import Settings
from microcred.demo.loader import load_demo_data
from microcred.issuing.models import Award
from microcred.storage import create_engine, session_factory
from microcred.storage.migrate import upgrade
from microcred.web.app import create_app

pytestmark = pytest.mark.browser

MASTER_KEY = "browser-quality-master-key-0123456789abcdef"


@dataclass
class DemoServer:
    url: str
    credentials: dict[str, str]  # provider slug -> an active credential's JSON


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    tmp = tmp_path_factory.mktemp("browser-quality")
    engine = create_engine(f"sqlite:///{tmp / 'microcred.db'}")
    upgrade(engine, "heads")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        environment="test",
        data_dir=tmp,
        base_url=url,
        master_key=MASTER_KEY,
        allow_network=False,
        rate_limit_per_minute=10_000,
    )
    credentials: dict[str, str] = {}
    with session_factory(engine)(expire_on_commit=False) as session, session.begin():
        load_demo_data(session, base_url=url, master_key=MASTER_KEY.encode("utf-8"))
        session.flush()
        for slug in ("northbridge-university", "skillforge-academy"):
            org_id = session.scalar(select(Organisation.id).where(Organisation.slug == slug))
            credentials[slug] = (
                session.scalars(
                    select(Award.credential_json)
                    .where(Award.organisation_id == org_id, Award.status == "active")
                    .order_by(Award.id)
                ).first()
                or ""
            )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, engine=engine),
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield DemoServer(url=url, credentials=credentials)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


def _verify(page: Any, server: DemoServer, slug: str) -> None:
    page.goto(server.url + "/verify")
    page.get_by_label("Credential", exact=True).fill(server.credentials[slug])
    page.get_by_role("button", name="Verify the text").click()
    expect(page.locator(".verdict")).to_have_text("Verified: this credential is genuine and valid")


def test_accredited_and_unaccredited_issuers_on_the_verify_page(
    page: Any, demo_server: DemoServer, axe: Any
) -> None:
    assert all(demo_server.credentials.values())
    _verify(page, demo_server, "northbridge-university")
    expect(page.locator(".finding-ok", has_text="Accreditation")).to_contain_text(
        "accredited by European Quality Assurance Agency until "
    )
    expect(page.locator(".finding-ok", has_text="Endorsements")).to_contain_text(
        "Acme Logistics Learning"
    )
    axe(page)
    _verify(page, demo_server, "skillforge-academy")
    warning = page.locator(".finding-warn", has_text="Accreditation")
    expect(warning).to_contain_text("No quality body we know of vouches for this issuer.")
    page.get_by_text("Technical details: every check").click()
    expect(page.locator("td.status-warning")).to_have_text("warning")
    axe(page)
    assert page.errors == []


def test_definition_page_shows_the_endorsement(
    page: Any, demo_server: DemoServer, axe: Any
) -> None:
    page.goto(demo_server.url + "/catalogue/northbridge-university/python-data-analysis")
    section = page.locator("section", has=page.get_by_role("heading", name="Endorsements"))
    expect(section).to_contain_text("it teaches the data skills we hire for")
    expect(section).to_contain_text("Acme Logistics Learning")
    axe(page)
    page.goto(demo_server.url + "/trust")
    expect(page.get_by_role("cell", name="European Quality Assurance Agency")).to_be_visible()
    axe(page)
    page.goto(demo_server.url + "/providers/northbridge-university")
    expect(page.get_by_text("Accredited", exact=True)).to_be_visible()
    axe(page)
    assert page.errors == []
