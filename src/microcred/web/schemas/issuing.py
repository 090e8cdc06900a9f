"""Request and response shapes of the issuing API (awards, bulk batches, claims)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AwardIn",
    "AwardOut",
    "AwardPageOut",
    "BatchOut",
    "ChallengeOut",
    "ClaimIn",
    "ClaimOut",
    "EvidenceIn",
    "RecipientIn",
    "RowErrorOut",
    "StatusChangeIn",
]


class RecipientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=320, examples=["learner@example.org"])
    did: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=200)


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2000)
    narrative: str | None = Field(default=None, max_length=5000)
    name: str | None = Field(default=None, max_length=200)


class AwardIn(BaseModel):
    """Award one published definition to one learner."""

    model_config = ConfigDict(extra="forbid")

    definition: str = Field(max_length=64, description="The definition's slug.")
    version: int | None = Field(default=None, ge=1, description="Default: the published one.")
    recipient: RecipientIn
    result: str | None = Field(default=None, max_length=200)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    valid_until: str | None = Field(
        default=None,
        max_length=40,
        description="Expiry (validUntil): a date (valid through that day, UTC) or a date-time "
        "with time zone.",
        examples=["2030-12-31", "2030-12-31T23:59:59Z"],
    )
    external_id: str | None = Field(
        default=None, max_length=200, description="Your id for this award; makes it idempotent."
    )
    notify: bool = Field(default=True, description="E-mail the learner a claim link.")


class AwardOut(BaseModel):
    id: str = Field(description="The award's uuid (the last segment of its credential id).")
    credential_id: str
    organisation: str
    definition: str | None
    definition_version: int | None
    external_id: str | None
    recipient_email: str | None
    recipient_did: str | None
    status: str
    status_reason: str | None
    status_changed_at: str | None
    valid_from: str
    valid_until: str | None
    issued_at: str
    source: str
    claimed: bool
    superseded_by: str | None = None
    credential: dict[str, Any] | None = None


class AwardPageOut(BaseModel):
    items: list[AwardOut]
    total: int
    offset: int
    limit: int


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=1000)


class RowErrorOut(BaseModel):
    line: int
    column: str
    code: str
    message: str


class BatchOut(BaseModel):
    id: str
    organisation: str
    definition: str
    definition_version: int
    filename: str
    sha256: str
    status: str
    total: int
    pending: int
    issued: int
    failed: int
    skipped: int
    error_count: int
    errors: list[RowErrorOut] = Field(default_factory=list)
    errors_url: str | None = None
    created_at: str
    started_at: str | None
    finished_at: str | None


class ChallengeOut(BaseModel):
    challenge: str
    domain: str
    expires_at: str


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    presentation: dict[str, Any] | None = Field(
        default=None,
        description="Optional DID-auth VerifiablePresentation (holder = your DID, signed "
        "with proofPurpose authentication, the challenge from POST /api/claims/challenge "
        "and the domain it returned).",
    )


class ClaimOut(BaseModel):
    award: AwardOut
    superseded: str | None = None
