"""Issue 3 "done when", end to end through the CLI on SQLite and PostgreSQL: a provider is
created, publishes an ESCO-aligned definition, awards one and a bulk CSV of credentials,
revokes one; then anyone fetches them through the HTTP API (the app in-process on the same
database) and verifies them through ``POST /credentials/verify`` and through
``microcred credential verify`` with the documents fetched from the API: the revoked one
fails, every other one passes.

(The 1,000-row bulk case runs in tests/integration/issuing; 200 rows keep this fast.)
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from db_fixtures import IN_CI, POSTGRES_URL
from microcred.catalogue.models import Skill
from microcred.cli import main
from microcred.config import Settings
from microcred.storage import create_engine, session_factory
from microcred.web.app import create_app

BASE = "https://issuers.example.org"
BULK_ROWS = 200


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("MICROCRED_ENVIRONMENT", "test")
    monkeypatch.setenv("MICROCRED_MASTER_KEY", "platform-cli-master-key-0123456789abcdefgh")
    monkeypatch.setenv("MICROCRED_BASE_URL", BASE)
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MICROCRED_RATE_LIMIT_PER_MINUTE", "100000")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'platform.db'}"
        monkeypatch.setenv("MICROCRED_DATABASE_URL", url)
        yield url
        return
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable under CI=true: {exc.orig}")
        pytest.skip(f"PostgreSQL unreachable: {exc.orig}")
    schema = f"mc_platform_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("MICROCRED_DATABASE_URL", url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cli(capsys: pytest.CaptureFixture[str], *args: str, expect: int = 0) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == expect, f"microcred {' '.join(args)} -> {code}\n{out}\n{err}"
    return out


def _esco_uri(url: str, label: str) -> str:
    engine = create_engine(url)
    try:
        with session_factory(engine)() as session:
            uri = session.scalar(select(Skill.uri).where(Skill.label == label))
    finally:
        engine.dispose()
    assert uri is not None
    return uri


def _definition(skill: str) -> dict[str, Any]:
    return {
        "slug": "sql-101",
        "title": "SQL Fundamentals",
        "description": "Query and model relational data with SQL.",
        "learning_outcomes": ["Write joins and aggregates", "Design a normalised schema"],
        "criteria_narrative": "Pass the final online exam.",
        "skills": [skill],
        "eqf_level": 5,
        "workload_hours": 50,
        "ects": 2,
        "duration": "P4W",
        "price": "299.00",
        "currency": "EUR",
        "delivery_mode": "online",
        "pace": "self-paced",
        "language": "en",
        "assessment_type": "Online exam",
        "participation_form": "online",
        "quality_assurance": "ISO 21001 certified provider",
    }


def test_provider_to_verification_through_the_cli(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, "db", "upgrade")
    did = cli(capsys, "org", "create", "acme", "--name", "Acme Academy").strip()
    assert did == "did:web:issuers.example.org:orgs:acme"
    cli(capsys, "skills", "load-esco")
    definition = tmp_path / "definition.json"
    definition.write_text(json.dumps(_definition(_esco_uri(database_url, "SQL"))))
    cli(capsys, "catalogue", "create", "--org", "acme", "--file", str(definition))
    cli(capsys, "catalogue", "publish", "acme/sql-101")
    token = cli(
        capsys, "token", "create", "--org", "acme", "--scopes", "issue,revoke,verify,read"
    ).strip()
    assert token.startswith("mc_")

    single = cli(
        capsys,
        "award", "one", "--org", "acme", "--definition", "sql-101",
        "--email", "ann@example.org", "--name", "Ann", "--result", "Passed",
        "--external-id", "single-1", "--no-notify",
    ).strip()  # fmt: skip
    assert single.startswith(f"{BASE}/credentials/")
    rows = tmp_path / "learners.csv"
    rows.write_text(
        "email,external_id,name\n"
        + "".join(f"l{i}@example.org,row-{i},Learner {i}\n" for i in range(BULK_ROWS)),
        encoding="utf-8",
    )
    bulk_args = ["award", "bulk", str(rows), "--org", "acme", "--definition", "sql-101"]
    out = cli(capsys, *bulk_args, "--no-notify")
    assert f"{BULK_ROWS} issued, 0 already issued, 0 failed" in out
    out = cli(capsys, *bulk_args, "--no-notify")  # a re-upload issues nothing twice
    assert f"0 issued, {BULK_ROWS} already issued" in out

    app = create_app(Settings.load())
    try:
        with TestClient(app, base_url=BASE) as client:
            auth = {"Authorization": f"Bearer {token}"}
            listed = client.get("/api/orgs/acme/awards?limit=200", headers=auth)
            assert listed.status_code == 200, listed.text
            assert listed.json()["total"] == BULK_ROWS + 1
            ids = [item["credential_id"] for item in listed.json()["items"]]
            ids += [
                item["credential_id"]
                for item in client.get(
                    "/api/orgs/acme/awards?limit=200&offset=200", headers=auth
                ).json()["items"]
            ]
            assert len(set(ids)) == BULK_ROWS + 1 and single in ids
            revoked = next(i for i in ids if i != single)
            assert cli(
                capsys, "award", "revoke", revoked, "--reason", "Awarded in error"
            ).strip() == (f"{revoked}: revoked")

            # Anyone: fetch every credential as hosted, verify through the API.
            credentials: dict[str, bytes] = {}
            for credential_id in ids:
                hosted = client.get(credential_id)
                assert hosted.status_code == 200
                credentials[credential_id] = hosted.content
            sample = [single, revoked, *ids[-5:]]
            for credential_id in sample:
                body = {"verifiableCredential": json.loads(credentials[credential_id])}
                result = client.post("/credentials/verify", json=body)
                if credential_id == revoked:
                    assert result.status_code == 400
                    errors = result.json()["errors"]
                    assert len(errors) == 1
                    assert errors[0].startswith("status: The issuer has revoked this credential")
                else:
                    assert result.status_code == 200, result.text
                    assert {"proof", "status", "issuer_key"} <= set(result.json()["checks"])

            # The documents a verifier needs, fetched from the API.
            documents = {
                f"{BASE}/orgs/acme/did.json": client.get("/orgs/acme/did.json"),
                f"{BASE}/status/acme/revocation/1": client.get("/status/acme/revocation/1"),
                f"{BASE}/status/acme/suspension/1": client.get("/status/acme/suspension/1"),
            }
            assert all(response.status_code == 200 for response in documents.values())
    finally:
        app.state.engine.dispose()

    files: dict[str, str] = {}
    for n, (credential_id, content) in enumerate(credentials.items()):
        path = tmp_path / f"credential-{n}.json"
        path.write_bytes(content)
        files[str(path)] = credential_id
    document_args: list[str] = []
    for n, (url, response) in enumerate(documents.items()):
        path = tmp_path / f"document-{n}.json"
        path.write_bytes(response.content)
        document_args += ["--document", f"{url}={path}"]
    out = cli(
        capsys,
        "credential", "verify", *files, "--offline", "--json", *document_args,
        expect=1,
    )  # fmt: skip
    reports = [json.loads(line) for line in out.splitlines()]
    assert len(reports) == BULK_ROWS + 1
    failed = [files[r["file"]] for r in reports if not r["verified"]]
    assert failed == [revoked]
    revoked_report = next(r for r in reports if files[r["file"]] == revoked)
    assert [c["check"] for c in revoked_report["checks"] if c["status"] == "failed"] == ["status"]
    # The good ones alone: exit 0.
    good = [path for path, cid in files.items() if cid != revoked][:3]
    cli(capsys, "credential", "verify", *good, "--offline", *document_args)


def test_demo_and_domain_commands_through_the_cli(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`microcred demo` twice changes nothing; the trust, pathways and assessment command
    groups work on the demo data (issue 5: "through API, CLI and pages")."""
    cli(capsys, "db", "upgrade")
    first = cli(capsys, "demo")
    assert "Demo data loaded" in first
    assert "nothing changed" in cli(capsys, "demo")

    accredited = cli(capsys, "trust", "list")
    assert "northbridge-university by european-qa-agency" in accredited
    assert "skillforge-academy" not in accredited
    registry_file = tmp_path / "registry.json"
    cli(capsys, "trust", "export", "--out", str(registry_file))
    registry = json.loads(registry_file.read_text())
    assert [e["issuer"] for e in registry["entries"]] == [
        "did:web:issuers.example.org:orgs:northbridge-university"
    ]
    # Consume that file as a registry; read it again only when due.
    assert "1 issuers" in cli(capsys, "trust", "add-registry", str(registry_file))
    assert "No registry is due." in cli(capsys, "trust", "refresh", "--due")
    assert "1 issuers" in cli(capsys, "trust", "refresh")

    assert "northbridge-university/data-foundations" in cli(capsys, "pathways", "list")
    assert "0 awarded" in cli(capsys, "pathways", "evaluate")  # already awarded by the demo

    queue = cli(
        capsys,
        "assessment",
        "queue",
        "--org",
        "skillforge-academy",
        "--as",
        "owner@skillforge.example",
    )
    assert "chloe@learners.example" in queue
    # Another organisation's owner cannot read Skillforge's queue.
    cli(
        capsys,
        "assessment",
        "queue",
        "--org",
        "skillforge-academy",
        "--as",
        "registrar@northbridge.example",
        expect=2,
    )


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _worker_is_replaced(server: int, port: int, log: Path) -> None:
    """`serve --workers 2` starts a new worker when one is killed, and keeps serving."""
    import signal
    import time

    import httpx

    deadline = time.monotonic() + 60
    # Both workers serving (one killed before it serves would stop the server instead).
    while log.read_bytes().count(b"Application startup complete") < 2:
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-2000:]
        time.sleep(0.1)
    time.sleep(0.5)
    workers: set[int] = set()
    while len(workers) < 2:  # the supervisor's children (the workers; maybe a tracker)
        assert time.monotonic() < deadline, "two workers did not start"
        workers = {p for p in _children(server) if "spawn_main" in _cmdline(p)}
        time.sleep(0.2)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    while True:
        now = {p for p in _children(server) if "spawn_main" in _cmdline(p)}
        if len(now) == 2 and victim not in now:
            break
        assert time.monotonic() < deadline, (
            f"no worker replaced {victim}: {now}\n" + log.read_text(errors="replace")[-2000:]
        )
        time.sleep(0.2)
    for _ in range(5):
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_serve_and_worker_commands(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`microcred serve` answers on the port it was given (with one process and with
    ``--workers 2``); `microcred worker --once` does the pending work (none here) and exits."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    cli(capsys, "db", "upgrade")
    command = str(Path(sys.executable).parent / "microcred")
    # A process of its own, as an operator runs it (procrastinate's worker calls
    # asyncio.run(), which an event loop left by browser tests in this pytest worker forbids).
    worker = subprocess.run(
        [command, "worker", "--once"],
        check=False,
        env=os.environ.copy(),
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    for workers in ("1", "2"):  # one process, and uvicorn's supervisor with two workers
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = tmp_path / f"serve-{workers}.log"
        log_file = log.open("wb")
        server = subprocess.Popen(
            [
                command,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                workers,
            ],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None, log.read_text(errors="replace")[-2000:]
                    assert time.monotonic() < deadline, "microcred serve did not start"
                    time.sleep(0.2)
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
            if workers == "2":
                _worker_is_replaced(server.pid, port, log)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log_file.close()
    # A port taken by another program: a clear message and exit code 1, no worker loop.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = subprocess.run(
            [
                command,
                "serve",
                "--port",
                str(taken.getsockname()[1]),
                "--workers",
                "2",
            ],
            env=os.environ.copy(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    assert busy.returncode == 1, busy.stderr.decode()[-2000:]
    assert b"Cannot listen on 127.0.0.1:" in busy.stderr
