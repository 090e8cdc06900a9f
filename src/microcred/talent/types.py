"""Values of the talent domain: link checks and skill search results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from microcred.credentials.report import VerificationReport

__all__ = [
    "ISSUER_STANDINGS",
    "MAX_SKILLS",
    "Backing",
    "CheckedCredential",
    "IssuerStanding",
    "LinkCheck",
    "Match",
    "SharedItem",
    "TalentPage",
    "TalentQuery",
]

#: ``any``: every verified credential counts; ``registered``: only credentials whose
#: issuer is an organisation registered on this platform. (Accreditation by a quality
#: body is a later standing; it is not invented here.)
IssuerStanding = Literal["any", "registered"]
ISSUER_STANDINGS: Final[tuple[str, ...]] = ("any", "registered")

#: At most this many skills in one search (every one must be backed: AND).
MAX_SKILLS: Final = 10

Outcome = Literal["verified", "failed"]


@dataclass(frozen=True)
class SharedItem:
    """One credential found in a shared link: a JSON-LD document or a compact VC-JWT."""

    document: dict[str, Any] | str
    label: str = ""


@dataclass(frozen=True)
class CheckedCredential:
    """One credential of a link, verified: its outcome, the main reason and the report."""

    position: int
    name: str
    issuer: str
    outcome: Outcome
    #: ``verified``, or why not: ``revoked``, ``suspended``, ``expired``, ``not_yet_valid``,
    #: ``tampered``, ``unsigned``, ``unknown_issuer_key``, ``status_unavailable``,
    #: ``malformed``.
    reason: str
    message: str
    report: VerificationReport
    issuer_registered: bool = False


@dataclass(frozen=True)
class LinkCheck:
    """The summary of a shared link: every credential checked at once."""

    credentials: list[CheckedCredential]
    #: The presentation's own report when the link offered a signed presentation.
    presentation: VerificationReport | None = None

    @property
    def total(self) -> int:
        return len(self.credentials)

    @property
    def verified(self) -> int:
        return sum(1 for c in self.credentials if c.outcome == "verified")

    @property
    def failed(self) -> int:
        return self.total - self.verified

    @property
    def all_verified(self) -> bool:
        return self.total > 0 and self.failed == 0

    @property
    def reasons(self) -> dict[str, int]:
        """How many credentials failed for each reason (in order of first appearance)."""
        counts: dict[str, int] = {}
        for checked in self.credentials:
            if checked.outcome == "failed":
                counts[checked.reason] = counts.get(checked.reason, 0) + 1
        return counts


@dataclass(frozen=True)
class TalentQuery:
    """A search for learners: every skill (URI) must be backed by a qualifying credential."""

    skills: tuple[str, ...]
    #: The backing credential's EQF level is at least this.
    min_eqf_level: int | None = None
    #: The backing credential was issued within this many months.
    issued_within_months: int | None = None
    standing: IssuerStanding = "any"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Backing:
    """A credential that backs a skill of a match (only what the learner shares by being
    discoverable: title, issuer, level, dates; never e-mail, results or evidence)."""

    title: str
    issuer_name: str
    issuer_registered: bool
    eqf_level: int | None
    issued_at: datetime
    valid_until: datetime | None
    #: ``platform``: issued here, status read from the award (revocation, suspension,
    #: expiry at query time); ``imported``: the verification result stored at import.
    source: Literal["platform", "imported"]
    credential_url: str | None = None


@dataclass(frozen=True)
class Match:
    """One learner and, for each requested skill, the credentials that back it."""

    user_id: int
    name: str
    headline: str
    #: A link to the learner's public profile, if they made one public.
    profile_url: str | None
    skills: list[tuple[str, str, list[Backing]]] = field(
        default_factory=list
    )  # uri, label, backing

    @property
    def latest(self) -> datetime:
        return max(b.issued_at for _, _, backing in self.skills for b in backing)


@dataclass(frozen=True)
class TalentPage:
    items: list[Match]
    total: int
    skills: list[tuple[str, str]]  # the requested skills found: (uri, label)
