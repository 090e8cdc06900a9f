"""Value types of the issuing domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

__all__ = [
    "AWARD_STATUSES",
    "LIST_SIZE",
    "STATUS_PURPOSES",
    "AwardStatus",
    "BatchCounts",
    "BatchStatus",
    "EvidenceInput",
    "Recipient",
    "RowError",
    "RowStatus",
    "StatusChange",
    "StatusPurpose",
]

AwardStatus = Literal["active", "suspended", "revoked", "superseded"]
AWARD_STATUSES: Final[tuple[str, ...]] = ("active", "suspended", "revoked", "superseded")

StatusPurpose = Literal["revocation", "suspension"]
STATUS_PURPOSES: Final[tuple[str, ...]] = ("revocation", "suspension")

#: Entries per Bitstring Status List (16 KB uncompressed, the spec's minimum size, §6.1).
LIST_SIZE: Final[int] = 131_072

BatchStatus = Literal["invalid", "preview", "queued", "running", "completed"]
RowStatus = Literal["pending", "issued", "failed", "skipped"]


@dataclass(frozen=True)
class Recipient:
    """Who gets the credential: an e-mail address (hashed into the credential) or a DID."""

    email: str | None = None
    did: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class EvidenceInput:
    """Evidence of the work that led to the award (OB 3.0 Evidence)."""

    url: str | None = None
    narrative: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class RowError:
    """One problem in a bulk CSV: 1-based physical ``line``, the ``column`` name or ``""``
    for the whole line or file, and a message that says how to fix it."""

    line: int
    column: str
    message: str
    code: str = "invalid_value"


@dataclass(frozen=True)
class BatchCounts:
    total: int
    pending: int
    issued: int
    failed: int
    skipped: int

    @property
    def done(self) -> int:
        return self.issued + self.failed + self.skipped


@dataclass(frozen=True)
class StatusChange:
    """The outcome of revoke/suspend/unsuspend: ``changed`` is False for a repeat."""

    award_id: int
    status: str
    changed: bool
    at: datetime | None
