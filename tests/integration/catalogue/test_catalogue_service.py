"""Definitions: create, edit, publish, retire, versions and permissions (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.catalogue import (
    BASE,
    SYSTEM,
    complete_fields,
    make_esco_skill,
    make_member,
    make_org,
    publish_definition,
)

from microcred.accounts import tokens
from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.service import principal_for_token
from microcred.accounts.types import Actor, Principal
from microcred.audit.models import AuditEvent
from microcred.catalogue import service
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.errors import (
    DefinitionImmutable,
    DefinitionIncomplete,
    DefinitionInvalid,
    DefinitionNotFound,
    DefinitionStateError,
    SkillNotFound,
)
from microcred.catalogue.skills import add_skill, create_framework
from microcred.errors import Conflict, PermissionDenied


def test_create_edit_publish_and_new_version(session: Session) -> None:
    org = make_org(session, "acme")
    skill = make_esco_skill(session, "s1", "Python (computer programming)")
    draft = service.create_definition(
        session,
        organisation=org,
        slug="py-101",
        data={"title": "Python 101", "description": "Intro"},
        principal=OPERATOR,
    )
    assert (draft.version, draft.status, draft.achievement_type) == (1, "draft", "MicroCredential")
    with pytest.raises(DefinitionIncomplete) as info:
        service.publish(session, organisation=org, slug="py-101", principal=OPERATOR)
    assert "learning_outcomes" in info.value.missing and "criteria" in info.value.missing

    fields = complete_fields(skills=[skill.uri])
    fields.pop("title")
    edited = service.update_definition(
        session, organisation=org, slug="py-101", data=fields, principal=OPERATOR
    )
    assert edited.id == draft.id and edited.version == 1
    assert [s.uri for s in edited.skills] == [skill.uri]
    assert edited.price_cents == 19900 and edited.duration_days == 42

    published = service.publish(session, organisation=org, slug="py-101", principal=OPERATOR)
    assert published.status == "published" and published.published_at is not None
    assert service.published_version(session, org, "py-101").id == published.id

    # A published version is immutable; editing the definition makes version 2.
    with pytest.raises(DefinitionImmutable) as immutable:
        service.edit_version(session, published, {"title": "Changed"}, principal=OPERATOR)
    assert "creates version 2" in immutable.value.message
    v2 = service.update_definition(
        session, organisation=org, slug="py-101", data={"title": "Python 102"}, principal=OPERATOR
    )
    assert (v2.version, v2.status, v2.title) == (2, "draft", "Python 102")
    assert v2.description == published.description and [s.id for s in v2.skills] == [skill.id]
    assert published.title == "Python 101"
    # The catalogue still shows version 1 until version 2 is published.
    assert service.published_version(session, org, "py-101").version == 1
    with pytest.raises(DefinitionStateError):
        service.published_version(session, org, "py-101", version=2)
    service.publish(session, organisation=org, slug="py-101", principal=OPERATOR)
    assert service.published_version(session, org, "py-101").version == 2
    assert service.published_version(session, org, "py-101", version=1).version == 1

    retired = service.retire(session, organisation=org, slug="py-101", principal=OPERATOR)
    assert retired.version == 2
    statuses = [
        v.status
        for v in service.list_versions(session, service.get_definition(session, org, "py-101"))
    ]
    assert statuses == ["retired", "retired"]
    with pytest.raises(DefinitionStateError):
        service.published_version(session, org, "py-101")
    with pytest.raises(DefinitionStateError):
        service.retire(session, organisation=org, slug="py-101", principal=OPERATOR)
    # Editing a retired definition starts a new draft that can be published again.
    v3 = service.update_definition(
        session, organisation=org, slug="py-101", data={}, principal=OPERATOR
    )
    assert v3.version == 3 and v3.status == "draft"

    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "definition")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "definition.create",
        "definition.update",
        "definition.publish",
        "definition.new_version",
        "definition.publish",
        "definition.retire",
        "definition.new_version",
    ]


def test_duplicates_unknowns_and_bad_input(session: Session) -> None:
    org = make_org(session, "acme")
    publish_definition(session, org, "one")
    with pytest.raises(Conflict) as info:
        service.create_definition(
            session, organisation=org, slug="one", data=complete_fields(), principal=OPERATOR
        )
    assert info.value.code == "definition_exists"
    with pytest.raises(DefinitionNotFound):
        service.get_definition(session, org, "nope")
    with pytest.raises(DefinitionNotFound):
        service.published_version(session, org, "one", version=9)
    with pytest.raises(DefinitionInvalid):
        service.create_definition(
            session, organisation=org, slug="Bad Slug", data=complete_fields(), principal=OPERATOR
        )
    with pytest.raises(SkillNotFound):
        service.create_definition(
            session,
            organisation=org,
            slug="two",
            data=complete_fields(skills=["http://data.europa.eu/esco/skill/missing"]),
            principal=OPERATOR,
        )
    with pytest.raises(DefinitionStateError):
        service.publish(session, organisation=org, slug="one", principal=OPERATOR)


def test_only_owners_issuers_and_manage_tokens_edit(session: Session) -> None:
    org = make_org(session, "acme")
    other = make_org(session, "other")
    publish_definition(session, org, "one")
    owner = make_member(session, org, "owner@example.org", "owner")
    issuer = make_member(session, org, "issuer@example.org", "issuer")
    viewer = make_member(session, org, "viewer@example.org", "viewer")
    outsider = make_member(session, other, "out@example.org", "owner")
    for allowed in (owner, issuer):
        service.update_definition(
            session, organisation=org, slug="one", data={"tags": ["x"]}, principal=allowed
        )
    for denied in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            service.update_definition(
                session, organisation=org, slug="one", data={"tags": ["y"]}, principal=denied
            )
    manage_row, _ = tokens.create_token(
        session, organisation=org, scopes={"manage"}, name="m", actor=SYSTEM
    )
    issue_row, _ = tokens.create_token(
        session, organisation=org, scopes={"issue"}, name="i", actor=SYSTEM
    )
    foreign_row, _ = tokens.create_token(
        session, organisation=other, scopes={"manage"}, name="f", actor=SYSTEM
    )
    service.publish(
        session, organisation=org, slug="one", principal=principal_for_token(session, manage_row)
    )
    for row, code in ((issue_row, "missing_scope"), (foreign_row, "wrong_organisation")):
        with pytest.raises(PermissionDenied) as info:
            service.retire(
                session, organisation=org, slug="one", principal=principal_for_token(session, row)
            )
        assert info.value.code == code
    nobody = Principal(actor=Actor(kind="user", id=None, label="nobody"))
    with pytest.raises(NotAuthenticated):
        service.retire(session, organisation=org, slug="one", principal=nobody)


def test_custom_framework_skills_stay_in_their_organisation(session: Session) -> None:
    org = make_org(session, "acme")
    other = make_org(session, "other")
    framework = create_framework(
        session, organisation=org, slug="internal", name="Acme skills", principal=OPERATOR
    )
    assert framework.slug == "acme:internal"
    skill = add_skill(
        session,
        framework=framework,
        organisation=org,
        label="Acme tooling",
        base_url=BASE,
        principal=OPERATOR,
    )
    assert skill.uri == f"{BASE}/skills/frameworks/acme:internal/1"
    with pytest.raises(Conflict):
        create_framework(
            session, organisation=org, slug="internal", name="Again", principal=OPERATOR
        )
    version = service.create_definition(
        session,
        organisation=org,
        slug="tooling",
        data=complete_fields(skills=[str(skill.id)]),
        principal=OPERATOR,
    )
    assert version.skills == [skill]
    with pytest.raises(SkillNotFound):
        service.create_definition(
            session,
            organisation=other,
            slug="tooling",
            data=complete_fields(skills=[skill.uri]),
            principal=OPERATOR,
        )
