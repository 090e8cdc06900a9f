"""Request and response shapes of the pathways API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "PathwayIn",
    "PathwayOut",
    "PathwayPatch",
    "ProgrammeIn",
    "ProgrammeItemModel",
    "ProgrammeOut",
    "ProgrammePatch",
    "WalletPathwayOut",
    "WalletProgrammeOut",
]

_RULES_HELP = (
    "The rule tree: {'type': 'component', 'definition': 'org/slug'} | {'type': 'all', "
    "'rules': [...]} | {'type': 'n_of', 'n': 2, 'rules': [...]} | {'type': 'credits', "
    "'min': 10, 'unit': 'ects'|'hours', 'from': ['org/slug', ...]} | {'type': 'skills', "
    "'skills': ['http://data.europa.eu/esco/skill/...']}"
)


class PathwayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(max_length=64)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    definition: str = Field(
        max_length=64, description="Slug of this organisation's published stacked definition."
    )
    rules: dict[str, Any] = Field(description=_RULES_HELP)


class PathwayPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    rules: dict[str, Any] | None = Field(default=None, description=_RULES_HELP)
    status: str | None = Field(default=None, description="active or retired")


class PathwayOut(BaseModel):
    id: str
    organisation: str
    slug: str
    title: str
    description: str
    definition: str
    rules: dict[str, Any]
    status: str
    awards: int
    created_at: str
    updated_at: str


class ProgrammeItemModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    definition: str = Field(max_length=130, description="'<organisation>/<definition>'")
    credits: float
    note: str = Field(default="", max_length=300)


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: str = Field(max_length=64)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    total_credits: float
    items: list[ProgrammeItemModel] = Field(default_factory=list, max_length=200)


class ProgrammePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    total_credits: float | None = None
    items: list[ProgrammeItemModel] | None = Field(default=None, max_length=200)
    status: str | None = None


class ProgrammeOut(BaseModel):
    id: str
    organisation: str
    slug: str
    title: str
    description: str
    total_credits: float
    status: str
    items: list[ProgrammeItemModel]


class ProgressNodeOut(BaseModel):
    label: str
    met: bool
    detail: str = ""
    credential_id: str | None = None
    children: list[ProgressNodeOut] = Field(default_factory=list)


class GapItemOut(BaseModel):
    definition: str
    title: str
    provider: str
    reason: str
    url: str


class WalletPathwayOut(BaseModel):
    organisation: str
    slug: str
    title: str
    credential: str = Field(description="Title of the stacked credential")
    met: bool
    percent: int
    awarded_credential_id: str | None
    progress: ProgressNodeOut
    gap: list[GapItemOut]


class ProgrammeCreditItemOut(BaseModel):
    definition: str
    title: str
    provider: str
    credits: float
    held: bool
    credential_id: str | None


class WalletProgrammeOut(BaseModel):
    organisation: str
    slug: str
    title: str
    total_credits: float
    earned: float
    items: list[ProgrammeCreditItemOut]
