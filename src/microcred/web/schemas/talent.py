"""Request and response shapes of the employer (talent) API: checking a shared link and
finding learners by verified skill."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BackingOut",
    "CheckedCredentialOut",
    "LinkCheckIn",
    "LinkCheckOut",
    "MatchOut",
    "MatchSkillOut",
    "TalentPageOut",
]


class LinkCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    link: str = Field(
        min_length=1,
        max_length=2000,
        description="A shared link (https://.../share/<token>), its token, or the address of "
        "a presentation or credential elsewhere.",
    )


class CheckedCredentialOut(BaseModel):
    position: int
    name: str
    issuer: str
    issuer_registered: bool = Field(description="The issuer is registered on this platform.")
    outcome: Literal["verified", "failed"]
    reason: str = Field(
        description="verified, or why not: revoked, suspended, tampered, unsigned, expired, "
        "not_yet_valid, unknown_issuer_key, status_unavailable, malformed, failed."
    )
    message: str
    report: dict[str, Any] = Field(description="The full verification report.")


class LinkCheckOut(BaseModel):
    total: int
    verified: int
    failed: int
    all_verified: bool
    reasons: dict[str, int] = Field(description="How many credentials failed for each reason.")
    credentials: list[CheckedCredentialOut]


class BackingOut(BaseModel):
    title: str
    issuer_name: str
    issuer_registered: bool
    eqf_level: int | None
    issued_at: str
    valid_until: str | None
    source: Literal["platform", "imported"] = Field(
        description="platform: status read from the award at query time; imported: the "
        "verification result stored when the learner imported it."
    )
    credential_url: str | None = Field(description="Only when the learner's profile is public.")


class MatchSkillOut(BaseModel):
    uri: str
    label: str
    backed_by: list[BackingOut]


class MatchOut(BaseModel):
    name: str
    headline: str
    profile_url: str | None = Field(description="Only when the learner's profile is public.")
    skills: list[MatchSkillOut]


class TalentPageOut(BaseModel):
    total: int
    items: list[MatchOut]
    skills: list[dict[str, str]]
