"""Request and response shapes of the assessment API (recognition of prior learning)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "ApplicationIn",
    "ApplicationOut",
    "DecisionIn",
    "EvidenceOut",
    "MoreEvidenceIn",
    "ReviewOut",
    "RubricScoreIn",
]


class ApplicationIn(BaseModel):
    organisation: str = Field(max_length=64, description="The provider's slug.")
    definition: str = Field(max_length=64, description="The definition's slug.")
    version: int | None = Field(default=None, ge=1, description="Default: the published one.")
    statement: str = Field(default="", max_length=10_000)


class EvidenceOut(BaseModel):
    id: str
    kind: str
    source: str
    title: str
    criterion: int | None = Field(description="0-based learning outcome; null = whole application")
    text: str
    url: str | None
    file_name: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    shareable: bool
    download: str | None = Field(description="Path of the file (access-controlled)")
    round: int
    added: str


class RubricScoreIn(BaseModel):
    criterion: int = Field(ge=0, le=1000)
    level: Literal["not_met", "partially_met", "met"]
    comment: str = Field(default="", max_length=2000)


class ReviewOut(BaseModel):
    round: int
    outcome: str
    feedback: str
    rubric: list[RubricScoreIn]
    reviewer: str
    at: str


class ApplicationOut(BaseModel):
    id: str
    status: str
    organisation: str
    definition: str
    version: int
    title: str
    learning_outcomes: list[str]
    statement: str
    feedback: str
    round: int
    applicant: str | None = None
    created: str
    submitted: str | None
    decided: str | None
    credential_id: str | None
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]


class MoreEvidenceIn(BaseModel):
    feedback: str = Field(min_length=1, max_length=10_000)
    rubric: list[RubricScoreIn] = Field(default_factory=list, max_length=100)


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    feedback: str = Field(default="", max_length=10_000)
    rubric: list[RubricScoreIn] = Field(default_factory=list, max_length=100)
