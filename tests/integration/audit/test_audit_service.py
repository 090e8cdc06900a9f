"""The audit log records organisation, member, token and key changes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from microcred.accounts import keys, service, tokens
from microcred.accounts.types import Actor
from microcred.audit.service import list_events, record
from microcred.errors import InvalidInput

MASTER = b"integration-master-key-0123456789abcdef"


def test_changes_are_recorded_with_who_and_what(session: Session) -> None:
    cli = Actor.system("cli")
    ann = service.create_user(session, email="ann@example.org", password=None)
    bob = service.create_user(session, email="bob@example.org", password=None)
    org = service.create_organisation(
        session,
        slug="acme",
        name="Acme",
        base_url="https://x.example.org",
        master_key=MASTER,
        actor=cli,
        owner=ann,
    )
    as_ann = service.actor_for_user(ann)
    service.add_member(session, organisation=org, user=bob, role="viewer", actor=as_ann)
    service.add_member(session, organisation=org, user=bob, role="issuer", actor=as_ann)
    token, _ = tokens.create_token(
        session, organisation=org, scopes={"issue"}, name="ci", actor=as_ann
    )
    tokens.revoke_token(session, organisation=org, token_id=token.id, actor=as_ann)
    keys.rotate_key(session, org, master_key=MASTER, actor=as_ann)
    service.remove_member(session, organisation=org, user=bob, actor=as_ann)

    events = list(reversed(list_events(session, organisation_id=org.id)))
    assert [e.action for e in events] == [
        "organisation.create",
        "member.add",
        "member.add",
        "member.role_change",
        "token.create",
        "token.revoke",
        "key.rotate",
        "member.remove",
    ]
    create, owner_add = events[0], events[1]
    assert (create.actor_kind, create.actor_label, create.details["did"]) == (
        "system",
        "cli",
        org.did,
    )
    assert owner_add.details == {"email": "ann@example.org", "role": "owner", "previous_role": None}
    change = events[3]
    assert (change.actor_kind, change.actor_id, change.actor_label) == (
        "user",
        str(ann.id),
        "ann@example.org",
    )
    assert change.details["previous_role"] == "viewer" and change.details["role"] == "issuer"
    assert events[4].details["scopes"] == ["issue"] and "secret" not in str(events[4].details)
    assert events[6].details["retired"] == [f"{org.did}#key-1"]
    assert all(e.occurred_at.tzinfo is not None for e in events)


def test_pagination_and_isolation(session: Session) -> None:
    actor = Actor.system()
    org_a = service.create_organisation(
        session,
        slug="a",
        name="A",
        base_url="https://x.example.org",
        master_key=MASTER,
        actor=actor,
    )
    org_b = service.create_organisation(
        session,
        slug="b",
        name="B",
        base_url="https://x.example.org",
        master_key=MASTER,
        actor=actor,
    )
    for i in range(5):
        record(
            session,
            actor=actor,
            action="award.issue",
            organisation_id=org_a.id,
            subject_type="award",
            subject_id=str(i),
            details={"n": i},
        )
    first = list_events(session, organisation_id=org_a.id, limit=3, action="award.issue")
    assert [e.subject_id for e in first] == ["4", "3", "2"]
    rest = list_events(
        session, organisation_id=org_a.id, limit=3, before_id=first[-1].id, action="award.issue"
    )
    assert [e.subject_id for e in rest] == ["1", "0"]
    assert all(
        e.organisation_id == org_b.id for e in list_events(session, organisation_id=org_b.id)
    )
    with pytest.raises(InvalidInput):
        list_events(session, organisation_id=org_a.id, limit=0)
