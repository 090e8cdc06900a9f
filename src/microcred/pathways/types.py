"""Value types of the pathways domain: what a learner holds, as the rules see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

__all__ = [
    "CREDIT_UNITS",
    "PATHWAY_STATUSES",
    "CreditUnit",
    "HeldCredential",
    "Holdings",
]

CreditUnit = Literal["ects", "hours"]
CREDIT_UNITS: Final[tuple[str, ...]] = ("ects", "hours")
PATHWAY_STATUSES: Final[tuple[str, ...]] = ("active", "retired")


@dataclass(frozen=True)
class HeldCredential:
    """A credential in a learner's wallet that counts: verified now (signature, issuer,
    status, dates), neither revoked nor suspended nor expired.

    ``definition`` is ``"<org>/<slug>"`` when the credential is an award of a definition in
    this catalogue (a claimed award, or an import whose achievement id names the
    definition and whose issuer is that organisation's DID); ``None`` otherwise (an
    external credential: it can still carry skills). ``digest`` is the
    ``digestMultibase`` of the stored bytes (:func:`microcred.pathways.stacking.digest_multibase`).
    """

    credential_id: str
    title: str
    issuer: str
    definition: str | None
    ects: float | None = None
    hours: float | None = None
    skills: frozenset[str] = frozenset()
    digest: str = ""
    source: str = "claimed"
    item_id: str = ""


@dataclass(frozen=True)
class Holdings:
    """The learner's counting credentials indexed for rule evaluation."""

    credentials: tuple[HeldCredential, ...] = ()
    by_definition: dict[str, HeldCredential] = field(default_factory=dict)
    by_skill: dict[str, HeldCredential] = field(default_factory=dict)

    @classmethod
    def of(cls, credentials: list[HeldCredential] | tuple[HeldCredential, ...]) -> Holdings:
        """Index ``credentials``: one per definition and per skill (the first wins, so
        pass the newest first)."""
        by_definition: dict[str, HeldCredential] = {}
        by_skill: dict[str, HeldCredential] = {}
        for held in credentials:
            if held.definition is not None:
                by_definition.setdefault(held.definition, held)
            for skill in sorted(held.skills):
                by_skill.setdefault(skill, held)
        return cls(tuple(credentials), by_definition, by_skill)
