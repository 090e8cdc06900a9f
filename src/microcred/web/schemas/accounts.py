"""Request and response shapes of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

__all__ = [
    "AuditEventOut",
    "AuditPage",
    "KeyOut",
    "MeOut",
    "MemberIn",
    "MemberOut",
    "MembershipOut",
    "OrganisationIn",
    "OrganisationOut",
    "SessionOut",
    "SignInIn",
    "SignUpIn",
    "TokenCreatedOut",
    "TokenIn",
    "TokenOut",
    "UserOut",
]


def _z(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SignUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320, examples=["ann@example.org"])
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(default="", max_length=200)


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class MembershipOut(BaseModel):
    slug: str
    name: str
    role: str


class UserOut(_Out):
    id: int
    email: str
    display_name: str
    did: str | None
    platform_role: str | None
    created_at: datetime
    organisations: list[MembershipOut] = []

    @field_serializer("created_at")
    def _ser_created(self, value: datetime) -> str | None:
        return _z(value)


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str
    expires_at: datetime

    @field_serializer("expires_at")
    def _ser_expires(self, value: datetime) -> str | None:
        return _z(value)


class MeOut(BaseModel):
    kind: Literal["user", "token"]
    user: UserOut | None = None
    organisation: str | None = None
    scopes: list[str] = []
    csrf_token: str | None = None


class OrganisationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(min_length=1, max_length=64, examples=["acme-academy"])
    name: str = Field(min_length=1, max_length=200)
    did_method: Literal["web", "key"] = "web"
    url: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", max_length=5000)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    email: str | None = Field(default=None, max_length=320)
    owner_email: str | None = Field(
        default=None, max_length=320, description="Admins only: create for this user."
    )


class KeyOut(_Out):
    key_id: str
    algorithm: str
    public_key_multibase: str
    status: str
    created_at: datetime
    retired_at: datetime | None

    @field_serializer("created_at", "retired_at")
    def _ser_times(self, value: datetime | None) -> str | None:
        return _z(value)


class OrganisationOut(_Out):
    slug: str
    name: str
    did: str
    did_method: str
    url: str | None
    description: str
    country: str | None
    email: str | None
    created_at: datetime
    did_document_url: str = ""
    profile_url: str = ""
    keys: list[KeyOut] = []

    @field_serializer("created_at")
    def _ser_created(self, value: datetime) -> str | None:
        return _z(value)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    role: Literal["owner", "issuer", "assessor", "viewer"]


class MemberOut(BaseModel):
    user_id: int
    email: str
    display_name: str
    role: str


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=200)
    scopes: list[Literal["issue", "revoke", "verify", "manage", "read"]] = Field(min_length=1)
    expires_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(_Out):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @field_serializer("created_at", "expires_at", "revoked_at", "last_used_at")
    def _ser_times(self, value: datetime | None) -> str | None:
        return _z(value)


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token; shown only in this response.")


class AuditEventOut(_Out):
    id: int
    occurred_at: datetime
    actor_kind: str
    actor_id: str | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: str
    details: dict[str, Any]

    @field_serializer("occurred_at")
    def _ser_occurred(self, value: datetime) -> str | None:
        return _z(value)


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_before_id: int | None = Field(
        description="Pass as before_id to get the next (older) page; null at the end."
    )
