"""Request and response shapes of the quality API (accreditation, trust, endorsements)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AccreditationIn",
    "AccreditationOut",
    "EndorsementIn",
    "EndorsementOut",
    "QualityBodyIn",
    "RegistryIn",
    "RegistryOut",
    "TrustOut",
    "WithdrawIn",
]


class AccreditationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str = Field(max_length=64, description="Slug of the provider to accredit.")
    scope: str = Field(max_length=2000)
    definitions: list[str] = Field(default_factory=list, max_length=200)
    field_of_study: str | None = Field(default=None, max_length=200)
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    statement: str = Field(default="", max_length=10_000)


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class AccreditationOut(BaseModel):
    id: str
    body: str
    body_name: str
    body_did: str
    provider: str
    provider_name: str
    provider_did: str
    scope: str
    definitions: list[str]
    field_of_study: str | None
    statement: str
    valid_from: str
    valid_until: str | None
    status: str
    withdrawn_at: str | None = None
    withdrawn_reason: str | None = None


class QualityBodyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(max_length=64)


class RegistryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, description="https URL of a registry (any format).")
    name: str | None = Field(default=None, max_length=200)
    expected_publisher: str | None = Field(
        default=None, max_length=500, description="Pin the DID that must sign the registry."
    )


class RegistryOut(BaseModel):
    id: int
    name: str
    location: str
    kind: str
    format: str | None
    publisher: str | None
    expected_publisher: str | None
    entry_count: int
    refreshed_at: str | None
    last_error: str | None


class TrustOut(BaseModel):
    issuer: str
    status: Literal["accredited", "listed", "unknown"]
    message: str
    entries: list[dict[str, Any]]


class EndorsementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: Literal["definition", "organisation"]
    organisation: str = Field(max_length=64, description="The endorsed provider's slug.")
    definition: str | None = Field(
        default=None, max_length=64, description="The endorsed definition's slug."
    )
    comment: str = Field(max_length=5000)


class EndorsementOut(BaseModel):
    id: str
    credential_id: str
    endorser: str
    endorser_name: str
    endorser_did: str
    target: str
    target_key: str
    subject_id: str
    comment: str
    issued: str
    credential: dict[str, Any] | None = None
