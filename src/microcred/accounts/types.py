"""Value types of the accounts domain: actors, principals, roles, scopes and actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from microcred.accounts.models import ApiToken, Organisation, User

__all__ = [
    "ACTIONS",
    "ORG_ROLES",
    "PLATFORM_ROLES",
    "SCOPES",
    "Action",
    "Actor",
    "OrgRole",
    "PlatformRole",
    "Principal",
    "Scope",
]

OrgRole = Literal["owner", "issuer", "assessor", "viewer"]
PlatformRole = Literal["admin", "quality_body"]
Scope = Literal["issue", "revoke", "verify", "manage", "read"]

ORG_ROLES: Final[tuple[str, ...]] = ("owner", "issuer", "assessor", "viewer")
PLATFORM_ROLES: Final[tuple[str, ...]] = ("admin", "quality_body")
SCOPES: Final[tuple[str, ...]] = ("issue", "revoke", "verify", "manage", "read")

Action = Literal[
    "org.read",
    "org.update",
    "member.manage",
    "token.manage",
    "key.rotate",
    "audit.read",
    "definition.read",
    "definition.manage",
    "award.read",
    "award.issue",
    "award.revoke",
    "evidence.review",
    "credential.verify",
]


@dataclass(frozen=True)
class Rule:
    """Who may perform an action inside one organisation."""

    roles: frozenset[str]
    scopes: frozenset[str]
    platform_roles: frozenset[str] = frozenset({"admin"})


def _rule(roles: str, scopes: str, platform: str = "admin") -> Rule:
    return Rule(frozenset(roles.split()), frozenset(scopes.split()), frozenset(platform.split()))


#: The permission table (see :func:`microcred.accounts.service.authorize`): organisation
#: roles a user needs, scopes a token needs, and platform roles that may act in any
#: organisation. Tokens never manage tokens, so a token cannot widen its own scopes.
ACTIONS: Final[dict[str, Rule]] = {
    "org.read": _rule(
        "owner issuer assessor viewer", "read manage issue revoke", "admin quality_body"
    ),
    "org.update": _rule("owner", "manage"),
    "member.manage": _rule("owner", "manage"),
    "token.manage": _rule("owner", ""),
    "key.rotate": _rule("owner", "manage"),
    "audit.read": _rule("owner", "manage"),
    "definition.read": _rule(
        "owner issuer assessor viewer", "read manage issue revoke", "admin quality_body"
    ),
    "definition.manage": _rule("owner issuer", "manage"),
    "award.read": _rule(
        "owner issuer assessor viewer", "read manage issue revoke", "admin quality_body"
    ),
    "award.issue": _rule("owner issuer", "issue"),
    "award.revoke": _rule("owner issuer", "revoke"),
    "evidence.review": _rule("owner assessor", "manage"),
    "credential.verify": _rule(
        "owner issuer assessor viewer", "verify issue read manage", "admin quality_body"
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who did something, as written to the audit log."""

    kind: Literal["user", "token", "system"]
    id: str | None
    label: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(kind="system", id=None, label=label)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a signed-in user, or an API token of one organisation.

    ``organisation`` is the token's organisation (None for users); ``scopes`` are the
    token's scopes (empty for users, whose rights come from their memberships).
    """

    actor: Actor
    user: User | None = None
    token: ApiToken | None = None
    organisation: Organisation | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.platform_role == "admin"
