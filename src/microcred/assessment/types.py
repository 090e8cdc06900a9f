"""Value types of the assessment domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "APPLICATION_STATUSES",
    "DECISIONS",
    "EDITABLE_STATUSES",
    "EVIDENCE_KINDS",
    "EVIDENCE_SOURCES",
    "OPEN_STATUSES",
    "RUBRIC_LEVELS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "ApplicationStatus",
    "Decision",
    "EvidenceDraft",
    "EvidenceKind",
    "RubricLevel",
    "RubricScore",
    "UploadedFile",
]

ApplicationStatus = Literal[
    "draft", "submitted", "more_evidence", "approved", "rejected", "withdrawn"
]
APPLICATION_STATUSES: Final[tuple[str, ...]] = (
    "draft",
    "submitted",
    "more_evidence",
    "approved",
    "rejected",
    "withdrawn",
)
#: Statuses in which the applicant may add or remove evidence.
EDITABLE_STATUSES: Final[tuple[str, ...]] = ("draft", "more_evidence")
#: Statuses of an application that is still going (one per learner and definition).
OPEN_STATUSES: Final[tuple[str, ...]] = ("draft", "submitted", "more_evidence")
STATUS_LABELS: Final[dict[str, str]] = {
    "draft": "Draft",
    "submitted": "Waiting for an assessor",
    "more_evidence": "More evidence requested",
    "approved": "Approved",
    "rejected": "Not approved",
    "withdrawn": "Withdrawn",
}

EvidenceKind = Literal["file", "link", "text"]
EVIDENCE_KINDS: Final[tuple[str, ...]] = ("file", "link", "text")

#: Where the learning behind a piece of evidence happened.
EVIDENCE_SOURCES: Final[tuple[str, ...]] = (
    "employment",
    "apprenticeship",
    "volunteering",
    "self-study",
    "prior-course",
    "other",
)
SOURCE_LABELS: Final[dict[str, str]] = {
    "employment": "Employment",
    "apprenticeship": "Apprenticeship",
    "volunteering": "Volunteering",
    "self-study": "Self-study",
    "prior-course": "Prior course",
    "other": "Other experience",
}

RubricLevel = Literal["not_met", "partially_met", "met"]
#: Rubric levels per learning outcome, lowest first, with their labels.
RUBRIC_LEVELS: Final[dict[str, str]] = {
    "not_met": "Not met",
    "partially_met": "Partially met",
    "met": "Met",
}

Decision = Literal["approve", "reject"]
DECISIONS: Final[tuple[str, ...]] = ("approve", "reject")


@dataclass(frozen=True)
class UploadedFile:
    """A file as received: the client's name (display only, never a path), the type the
    client claimed (may be empty) and the bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class EvidenceDraft:
    """One piece of evidence the applicant adds.

    ``criterion`` is the 0-based index of a learning outcome, or None for evidence about
    the application as a whole. ``text`` is the narrative (required for ``text``, optional
    description otherwise); ``url`` for ``link``; ``file`` for ``file``. ``shareable``
    means the applicant agrees that the file may be published with the credential.
    """

    kind: str
    source: str
    title: str
    criterion: int | None = None
    text: str = ""
    url: str | None = None
    file: UploadedFile | None = None
    shareable: bool = False


@dataclass(frozen=True)
class RubricScore:
    """An assessor's judgement of one learning outcome (0-based ``criterion``)."""

    criterion: int
    level: str
    comment: str = ""
