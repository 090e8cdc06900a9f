"""The operator CLI (`microcred db|org|token|user`) against a SQLite file and PostgreSQL."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy
from sqlalchemy import text

from db_fixtures import IN_CI, POSTGRES_URL
from microcred.accounts import service, tokens
from microcred.cli import main
from microcred.storage import create_engine, session_factory, transaction


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    monkeypatch.setenv("MICROCRED_MASTER_KEY", "cli-test-master-key-0123456789abcdefghij")
    monkeypatch.setenv("MICROCRED_BASE_URL", "https://issuers.example.org")
    monkeypatch.setenv("MICROCRED_DATA_DIR", str(tmp_path))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cli.db'}"
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
    schema = f"mc_cli_{uuid.uuid4().hex[:10]}"
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


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_upgrade_org_token_user(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "db", "upgrade")[0] == 0
    assert run(capsys, "db", "upgrade")[0] == 0  # idempotent

    code, out, _ = run(capsys, "org", "create", "acme", "--name", "Acme Academy")
    assert code == 0
    assert out.strip() == "did:web:issuers.example.org:orgs:acme"
    code, out, _ = run(capsys, "org", "create", "keyed", "--name", "Keyed", "--did-method", "key")
    assert code == 0 and out.strip().startswith("did:key:z6Mk")
    code, _, err = run(capsys, "org", "create", "acme", "--name", "Again")
    assert code == 2 and "slug_taken" in err

    code, out, err = run(
        capsys,
        "token",
        "create",
        "--org",
        "acme",
        "--scopes",
        "issue,revoke,verify",
        "--name",
        "w3c",
        "--expires-days",
        "7",
    )
    assert code == 0
    plain = out.strip()
    assert plain.startswith("mc_") and len(out.splitlines()) == 1
    assert "not shown again" in err
    code, _, err = run(capsys, "token", "create", "--org", "nope", "--scopes", "issue")
    assert code == 2 and "organisation_not_found" in err
    code, _, err = run(capsys, "token", "create", "--org", "acme", "--scopes", "issue,root")
    assert code == 2 and "invalid_scope" in err

    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery\n"))
    code, out, _ = run(capsys, "user", "create", "Admin@Example.org", "--password-stdin", "--admin")
    assert code == 0 and "admin@example.org" in out
    code, out, _ = run(capsys, "org", "add-member", "acme", "admin@example.org", "--role", "issuer")
    assert code == 0
    code, out, _ = run(capsys, "org", "rotate-key", "acme")
    assert code == 0 and out.strip() == "did:web:issuers.example.org:orgs:acme#key-2"
    code, _, err = run(capsys, "org", "rotate-key", "keyed")
    assert code == 2 and "did_key_rotation" in err

    engine = create_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            token = tokens.authenticate_token(session, plain)
            assert token.scope_set == {"issue", "revoke", "verify"} and token.name == "w3c"
            org = service.get_organisation(session, "acme")
            user = service.authenticate_user(
                session, email="admin@example.org", password="correct horse battery"
            )
            assert user.platform_role == "admin"
            assert service.role_of(session, user, org) == "issuer"
    finally:
        engine.dispose()


def test_unreachable_database_is_exit_code_3(
    tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    code, _, err = run(capsys, "db", "upgrade")
    assert code == 3 and "database_unavailable" in err


def test_commands_before_upgrade_say_what_to_do(
    tmp_path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROCRED_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    code, _, err = run(capsys, "org", "create", "acme", "--name", "Acme")
    assert code == 3 and "microcred db upgrade" in err
