"""Accounts services on SQLite and PostgreSQL (each test in a rolled-back transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from microcred.accounts import passwords, service, sessions, tokens
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import ACTIONS, Actor, Principal
from microcred.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from microcred.storage import utcnow

MASTER = b"integration-master-key-0123456789abcdef"
BASE = "https://issuers.example.org"
SYSTEM = Actor.system("test")


def _user(session: Session, email: str, password: str | None = None, **kw: object) -> User:
    """Users without a password unless a test signs in (argon2 is slow on purpose)."""
    return service.create_user(session, email=email, password=password, **kw)  # type: ignore[arg-type]


def _org(
    session: Session, slug: str, owner: User | None = None, method: str = "web"
) -> Organisation:
    return service.create_organisation(
        session,
        slug=slug,
        name=slug.title(),
        base_url=BASE,
        did_method=method,
        master_key=MASTER,
        actor=SYSTEM,
        owner=owner,
    )


def test_email_is_normalised_and_unique(session: Session) -> None:
    user = _user(session, "  Ann.Smith@Example.ORG ", password="correct horse battery")
    assert user.email == "ann.smith@example.org"
    assert user.password_hash and user.password_hash.startswith("$argon2id$")
    with pytest.raises(Conflict) as info:
        _user(session, "ANN.SMITH@example.org")
    assert info.value.code == "email_taken"


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@x.org", "sp ace@x.org"])
def test_bad_emails(session: Session, email: str) -> None:
    with pytest.raises(InvalidInput):
        _user(session, email)


def test_authenticate_and_rehash(session: Session) -> None:
    user = _user(session, "bob@example.org", password="correct horse battery")
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    user.password_hash = passwords.hash_password("correct horse battery", cheap)
    session.flush()
    found = service.authenticate_user(
        session, email="BOB@example.org", password="correct horse battery"
    )
    assert found.id == user.id
    assert not passwords.needs_rehash(found.password_hash or "")
    assert found.password_hash != passwords.hash_password("correct horse battery", cheap)
    for email, password in [("bob@example.org", "wrong password!"), ("nobody@example.org", "x")]:
        with pytest.raises(NotAuthenticated) as info:
            service.authenticate_user(session, email=email, password=password)
        assert info.value.code == "invalid_credentials"


def test_organisation_did_web_and_owner(session: Session) -> None:
    ann = _user(session, "ann@example.org")
    org = _org(session, "acme", owner=ann)
    assert org.did == "did:web:issuers.example.org:orgs:acme"
    assert service.role_of(session, ann, org) == "owner"
    assert service.get_organisation(session, "acme").id == org.id
    with pytest.raises(Conflict):
        _org(session, "acme")
    with pytest.raises(NotFound) as info:
        service.get_organisation(session, "nope")
    assert "microcred org create" in info.value.message


def test_organisation_did_key(session: Session) -> None:
    org = _org(session, "keyed", method="key")
    assert org.did.startswith("did:key:z6Mk")
    with pytest.raises(InvalidInput):
        _org(session, "bad", method="ion")


def test_members_and_last_owner(session: Session) -> None:
    ann, bob = _user(session, "ann@example.org"), _user(session, "bob@example.org")
    org = _org(session, "acme", owner=ann)
    service.add_member(session, organisation=org, user=bob, role="issuer", actor=SYSTEM)
    assert {u.email: r for u, r in service.list_members(session, org)} == {
        "ann@example.org": "owner",
        "bob@example.org": "issuer",
    }
    with pytest.raises(Conflict) as info:
        service.add_member(session, organisation=org, user=ann, role="viewer", actor=SYSTEM)
    assert info.value.code == "last_owner"
    with pytest.raises(Conflict):
        service.remove_member(session, organisation=org, user=ann, actor=SYSTEM)
    service.add_member(session, organisation=org, user=bob, role="owner", actor=SYSTEM)
    service.remove_member(session, organisation=org, user=ann, actor=SYSTEM)
    assert service.role_of(session, ann, org) is None
    with pytest.raises(InvalidInput):
        service.add_member(session, organisation=org, user=ann, role="superuser", actor=SYSTEM)


@pytest.fixture
def two_orgs(session: Session) -> dict[str, object]:
    users = {
        r: _user(session, f"{r}@a.example.org") for r in ("owner", "issuer", "assessor", "viewer")
    }
    b_owner = _user(session, "owner@b.example.org")
    org_a = _org(session, "org-a", owner=users["owner"])
    org_b = _org(session, "org-b", owner=b_owner)
    for role in ("issuer", "assessor", "viewer"):
        service.add_member(session, organisation=org_a, user=users[role], role=role, actor=SYSTEM)
    return {"users": users, "a": org_a, "b": org_b}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_users_follow_the_role_table_and_never_reach_another_org(
    session: Session, two_orgs: dict, action: str
) -> None:
    org_a, org_b = two_orgs["a"], two_orgs["b"]
    for role, user in two_orgs["users"].items():
        principal = service.principal_for_user(user)
        if role in ACTIONS[action].roles:
            service.authorize(session, principal, org_a, action)  # type: ignore[arg-type]
        else:
            with pytest.raises(PermissionDenied):
                service.authorize(session, principal, org_a, action)  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied) as info:
            service.authorize(session, principal, org_b, action)  # type: ignore[arg-type]
        assert info.value.code == "forbidden"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_tokens_of_org_a_never_act_for_org_b(session: Session, two_orgs: dict, action: str) -> None:
    _token, plain = tokens.create_token(
        session,
        organisation=two_orgs["a"],
        scopes={"issue", "revoke", "verify", "manage", "read"},
        name="all",
        actor=SYSTEM,
    )
    principal = service.principal_for_token(session, tokens.authenticate_token(session, plain))
    assert principal.organisation is not None and principal.organisation.slug == "org-a"
    with pytest.raises(PermissionDenied) as info:
        service.authorize(session, principal, two_orgs["b"], action)  # type: ignore[arg-type]
    assert info.value.code == "wrong_organisation"


def test_platform_roles(session: Session, two_orgs: dict) -> None:
    admin = _user(session, "root@example.org", platform_role="admin")
    qb = _user(session, "qa@example.org", platform_role="quality_body")
    for action in ACTIONS:
        service.authorize(session, service.principal_for_user(admin), two_orgs["b"], action)  # type: ignore[arg-type]
    service.authorize(session, service.principal_for_user(qb), two_orgs["b"], "award.read")
    with pytest.raises(PermissionDenied):
        service.authorize(session, service.principal_for_user(qb), two_orgs["b"], "award.issue")
    with pytest.raises(InvalidInput):
        _user(session, "x@example.org", platform_role="god")


def test_principal_without_user_or_token(session: Session, two_orgs: dict) -> None:
    with pytest.raises(NotAuthenticated):
        service.authorize(session, Principal(actor=SYSTEM), two_orgs["a"], "org.read")


def test_token_lifecycle(session: Session) -> None:
    org = _org(session, "acme")
    token, plain = tokens.create_token(
        session, organisation=org, scopes=["issue", "verify"], name="ci", actor=SYSTEM
    )
    assert plain.startswith(f"mc_{token.prefix}_")
    assert plain.split("_", 2)[2] not in (token.secret_hash, token.prefix)
    assert token.scope_set == {"issue", "verify"}
    assert token.last_used_at is None
    found = tokens.authenticate_token(session, plain)
    assert found.id == token.id and found.last_used_at is not None
    wrong = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    with pytest.raises(NotAuthenticated) as info:
        tokens.authenticate_token(session, wrong)
    assert info.value.code == "invalid_token"
    tokens.revoke_token(session, organisation=org, token_id=token.id, actor=SYSTEM)
    tokens.revoke_token(session, organisation=org, token_id=token.id, actor=SYSTEM)  # idempotent
    with pytest.raises(NotAuthenticated) as info:
        tokens.authenticate_token(session, plain)
    assert info.value.code == "token_revoked"


def test_token_expiry(session: Session) -> None:
    org = _org(session, "acme")
    expires = utcnow() + timedelta(hours=1)
    _token, plain = tokens.create_token(
        session, organisation=org, scopes={"read"}, name="", actor=SYSTEM, expires_at=expires
    )
    tokens.authenticate_token(session, plain)
    with pytest.raises(NotAuthenticated) as info:
        tokens.authenticate_token(session, plain, now=expires + timedelta(seconds=1))
    assert info.value.code == "token_expired"
    with pytest.raises(InvalidInput):
        tokens.create_token(
            session,
            organisation=org,
            scopes={"read"},
            name="",
            actor=SYSTEM,
            expires_at=utcnow() - timedelta(days=1),
        )


def test_revoking_another_orgs_token_is_not_found(session: Session) -> None:
    org_a, org_b = _org(session, "org-a"), _org(session, "org-b")
    token, _plain = tokens.create_token(
        session, organisation=org_a, scopes={"read"}, name="", actor=SYSTEM
    )
    with pytest.raises(NotFound):
        tokens.revoke_token(session, organisation=org_b, token_id=token.id, actor=SYSTEM)
    assert token.revoked_at is None


def test_browser_sessions_and_csrf(session: Session) -> None:
    user = _user(session, "ann@example.org")
    row, cookie = sessions.start_session(session, user)
    assert row.token_hash != cookie
    found_row, found_user = sessions.authenticate_session(session, cookie)
    assert (found_row.id, found_user.id) == (row.id, user.id)
    sessions.check_csrf(row, row.csrf_token)
    for bad in (None, "", row.csrf_token + "x", "x"):
        with pytest.raises(PermissionDenied) as info:
            sessions.check_csrf(row, bad)
        assert info.value.code == "csrf_failed"
    with pytest.raises(NotAuthenticated):
        sessions.authenticate_session(session, cookie, now=row.expires_at + timedelta(seconds=1))
    with pytest.raises(NotAuthenticated):
        sessions.authenticate_session(session, cookie + "x")
    sessions.end_session(session, row)
    with pytest.raises(NotAuthenticated):
        sessions.authenticate_session(session, cookie)
