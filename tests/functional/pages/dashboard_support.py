"""Helpers for the provider dashboard page tests: members of the demo organisation with
each role, an outsider, and signing a test client in as one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.functional.pages.seeding import SYSTEM, Demo

from microcred.accounts import service as accounts
from microcred.accounts import sessions as browser_sessions
from microcred.accounts.models import User
from microcred.web.deps import SESSION_COOKIE

ROLES = ("owner", "issuer", "assessor", "viewer")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Team:
    demo: Demo
    users: dict[str, User]  # role -> user, plus "outsider" (member of another org only)


def make_team(session: Session, demo: Demo, *, base_url: str, master_key: bytes) -> Team:
    users: dict[str, User] = {}
    for role in ROLES:
        user = accounts.create_user(
            session, email=f"{role}@acme.example", password=None, display_name=role.title()
        )
        accounts.add_member(session, organisation=demo.org, user=user, role=role, actor=SYSTEM)
        users[role] = user
    outsider = accounts.create_user(session, email="outsider@other.example", password=None)
    other = accounts.create_organisation(
        session,
        slug="other",
        name="Other Org",
        base_url=base_url,
        master_key=master_key,
        actor=SYSTEM,
        owner=outsider,
    )
    del other
    users["outsider"] = outsider
    session.commit()
    return Team(demo=demo, users=users)


def sign_in(client: TestClient, session: Session, user: User) -> str:
    """Sign ``client`` in as ``user`` (a fresh browser session); returns its CSRF token."""
    row, cookie = browser_sessions.start_session(session, user)
    session.commit()
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie)
    return row.csrf_token


def csrf(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)
