"""The permission table and the parts of authorize() that need no database."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.service import authorize
from microcred.accounts.types import ACTIONS, ORG_ROLES, SCOPES, Actor, Principal
from microcred.errors import PermissionDenied


def _token_principal(org_id: int, scopes: set[str]) -> Principal:
    token = SimpleNamespace(organisation_id=org_id)
    org = SimpleNamespace(id=org_id, slug=f"org{org_id}")
    return Principal(
        actor=Actor("token", "1", "t"),
        token=cast(Any, token),
        organisation=cast(Any, org),
        scopes=frozenset(scopes),
    )


ORG_A = cast(Any, SimpleNamespace(id=1, slug="a"))
ORG_B = cast(Any, SimpleNamespace(id=2, slug="b"))
NO_DB = cast(Any, None)


def test_table_uses_known_roles_and_scopes() -> None:
    for rule in ACTIONS.values():
        assert rule.roles <= set(ORG_ROLES)
        assert rule.scopes <= set(SCOPES)
        assert "admin" in rule.platform_roles


def test_tokens_never_manage_tokens() -> None:
    assert not ACTIONS["token.manage"].scopes
    with pytest.raises(PermissionDenied) as info:
        authorize(NO_DB, _token_principal(1, set(SCOPES)), ORG_A, "token.manage")
    assert info.value.code == "missing_scope"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_token_never_acts_for_another_organisation(action: str) -> None:
    with pytest.raises(PermissionDenied) as info:
        authorize(NO_DB, _token_principal(1, set(SCOPES)), ORG_B, action)  # type: ignore[arg-type]
    assert info.value.code == "wrong_organisation"


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_scopes_decide_within_the_own_organisation(action: str) -> None:
    rule = ACTIONS[action]
    for scope in SCOPES:
        principal = _token_principal(1, {scope})
        if scope in rule.scopes:
            authorize(NO_DB, principal, ORG_A, action)  # type: ignore[arg-type]
        else:
            with pytest.raises(PermissionDenied):
                authorize(NO_DB, principal, ORG_A, action)  # type: ignore[arg-type]


def test_anonymous_is_not_authenticated() -> None:
    with pytest.raises(NotAuthenticated):
        authorize(NO_DB, None, ORG_A, "org.read")
