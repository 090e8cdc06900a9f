"""Browser tests: the real app under uvicorn, driven by Debian's Chromium through Playwright.

* ``live_server``: :func:`microcred.web.app.create_app` served by uvicorn on 127.0.0.1 (a
  random free port, in a thread) against a migrated SQLite database in a temporary
  directory, seeded once per session through the real services (ESCO loaded with the
  catalogue's loader, an organisation with published definitions, one awarded and one
  revoked credential: :func:`tests.functional.pages.seeding.seed_demo`).
  ``live_server_pg``: the same on PostgreSQL (its own schema, dropped afterwards).
* ``page``: a fresh browser context and page per test (Chromium is started once per
  session with Playwright's ``launch()``, which gives it a fresh temporary user-data-dir).
  The CSP stays on, so pages are tested as served. A failing test leaves a full-page
  screenshot in ``test-results/<test name>.png``.
* ``axe(page)``: runs axe-core (tests/browser/node, ``npm ci``) on the current page and
  fails on any serious or critical violation.

Chromium is ``/usr/bin/chromium`` (``apt-get install chromium``; never ``playwright
install``) or ``MICROCRED_CHROMIUM``. Missing Chromium, Playwright or axe-core skips these
tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import Engine
from tests.functional.pages.seeding import Demo, seed_demo

from microcred.config import Settings
from microcred.storage import create_engine, session_factory
from microcred.storage.migrate import upgrade
from microcred.web.app import create_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("MICROCRED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
MASTER_KEY = "browser-test-master-key-0123456789abcdef0123"
POSTGRES_URL = os.environ.get(
    "MICROCRED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


try:
    import playwright.sync_api  # noqa: F401 (is Playwright installed?)
except ImportError:
    if IN_CI:
        raise
    # Locally, without Playwright, the browser tests are not collected at all.
    collect_ignore_glob = ["test_*.py"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the pages in headless Chromium")


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " (CI=true: browser tests must run)")
    pytest.skip(message)


# -- the app under uvicorn ---------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    demo: Demo
    engine: Engine
    settings: Settings


def _serve(engine: Engine, tmp: Path) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    settings = Settings(
        environment="test",
        data_dir=tmp,
        base_url=url,
        master_key=MASTER_KEY,
        allow_network=False,
        rate_limit_per_minute=10_000,
    )
    factory = session_factory(engine)
    # Committed rows stay readable after the session closes (the tests read their columns).
    with factory(expire_on_commit=False) as session, session.begin():
        demo = seed_demo(
            session, base_url=url, master_key=MASTER_KEY.encode("utf-8"), full_esco=True
        )
    app = create_app(settings, engine=engine)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=url, demo=demo, engine=engine, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on SQLite, seeded with the demo data."""
    tmp = tmp_path_factory.mktemp("browser-sqlite")
    engine = create_engine(f"sqlite:///{tmp / 'microcred.db'}")
    upgrade(engine, "heads")
    try:
        yield from _serve(engine, tmp)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def live_server_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on PostgreSQL (a schema of its own), seeded with the demo data."""
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    schema = f"mc_browser_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine, "heads")
        yield from _serve(engine, tmp_path_factory.mktemp("browser-pg"))
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# -- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, started once per session through Playwright."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _missing(f"Chromium is not installed at {CHROMIUM}; run `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh context and page; a screenshot in test-results/ when the test fails."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.errors = errors
    try:
        yield tab
    finally:
        failed = getattr(request.node, "report_call", None)
        if failed is not None and failed.failed:
            RESULTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
            tab.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
        context.close()


# -- accessibility -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _missing(f"axe-core is not installed at {AXE_JS}; run `npm ci` in tests/browser/node")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source: str) -> Callable[[Any], list[dict[str, Any]]]:
    """``axe(page)``: run axe-core on the page; fail on serious or critical violations.

    axe-core is evaluated through the DevTools protocol, which the page's CSP does not
    govern, so the pages keep their real CSP during the run.
    """

    def run(page: Any) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            """async () => {
                const r = await window.axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a',
                                                    'wcag21aa', 'best-practice']},
                });
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
                }));
            }"""
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not serious, f"axe found on {page.url}:\n" + json.dumps(serious, indent=2)
        return list(result)

    return run
