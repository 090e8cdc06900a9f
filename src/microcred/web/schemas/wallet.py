"""Request and response shapes of the wallet API (``/api/wallet/...``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "ItemOut",
    "ProfileIn",
    "ProfileOut",
    "ShareIn",
    "ShareOut",
    "SkillBackingOut",
    "SkillGroupOut",
    "SkillOut",
]


class ItemOut(BaseModel):
    id: str = Field(description="The wallet item's id (used in /wallet/credentials/<id>)")
    title: str
    issuer: str
    source: str = Field(description="claimed or imported")
    format: str = Field(description="ob3-json, vc-jwt or ob2")
    container: str = Field(description="plain, png or svg (how an import came)")
    credential_id: str | None
    status: str = Field(
        description="Verified now: active, revoked, suspended, expired, not-yet-valid, "
        "unverified, ob2-unverified"
    )
    issued: str | None
    expires: str | None
    import_summary: str = ""
    credential: Any | None = Field(
        default=None, description="The stored credential (JSON object, or the JWT string)"
    )
    report: dict[str, Any] | None = None


class SkillBackingOut(BaseModel):
    item: str
    title: str
    status: str
    evidence: list[str]


class SkillOut(BaseModel):
    name: str
    url: str
    verified: bool
    backing: list[SkillBackingOut]


class SkillGroupOut(BaseModel):
    framework: str
    skills: list[SkillOut]


class ShareIn(BaseModel):
    items: list[str] = Field(min_length=1, max_length=50)
    title: str = Field(default="", max_length=200)
    expires_in_days: int | None = Field(default=30, ge=1, le=3650)


class ShareOut(BaseModel):
    id: str
    url: str
    title: str
    state: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None
    view_count: int
    items: list[str]


class ProfileIn(BaseModel):
    handle: str | None = Field(default=None, max_length=40)
    public: bool | None = None
    discoverable: bool | None = None
    headline: str | None = Field(default=None, max_length=200)


class ProfileOut(BaseModel):
    handle: str
    public: bool
    discoverable: bool
    headline: str
    url: str | None = Field(description="The public profile address, when public")
