"""Request and response shapes of the W3C VC API endpoints (VC API v0.3: issue, verify,
presentations/verify, credentials/status)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "IssueRequest",
    "IssueResponse",
    "StatusItem",
    "UpdateStatusRequest",
    "VerifyOptions",
    "VerifyPresentationRequest",
    "VerifyRequest",
    "VerifyResponse",
]


class IssueRequest(BaseModel):
    credential: dict[str, Any]
    options: dict[str, Any] = Field(default_factory=dict)


class IssueResponse(BaseModel):
    verifiableCredential: dict[str, Any]  # noqa: N815 - VC API member name


class VerifyOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    challenge: str | None = Field(default=None, max_length=500)
    domain: str | None = Field(default=None, max_length=500)


class VerifyRequest(BaseModel):
    verifiableCredential: dict[str, Any] | str  # noqa: N815
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyPresentationRequest(BaseModel):
    verifiablePresentation: dict[str, Any] | str  # noqa: N815
    options: VerifyOptions = Field(default_factory=VerifyOptions)


class VerifyResponse(BaseModel):
    verified: bool
    checks: list[str]
    warnings: list[str]
    errors: list[str]
    report: dict[str, Any]


class StatusItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str | None = None
    status: str | bool | int | None = None
    statusPurpose: str | None = None  # noqa: N815


class UpdateStatusRequest(BaseModel):
    credentialId: str = Field(max_length=600)  # noqa: N815
    credentialStatus: list[StatusItem] = Field(min_length=1, max_length=4)  # noqa: N815
    reason: str | None = Field(default=None, max_length=1000)
