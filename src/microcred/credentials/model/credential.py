"""Credentials and presentations: AchievementCredential (OpenBadgeCredential),
EndorsementCredential, VerifiablePresentation (OB 3.0 data model; VC 2.0 §4, §4.13).

VC 1.1-shaped documents parse too: ``issuanceDate`` / ``expirationDate`` are kept in their
own fields (and emitted under their own names), and :attr:`starts` / :attr:`ends` give the
validity window whichever names the document used. Proofs, status entries, schemas, refresh
services, terms of use, embedded endorsements and the credentials inside a presentation are
kept exactly as given: they are signed data and must not be re-serialized.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microcred.credentials.model.achievement import (
    Achievement,
    AchievementSubject,
    Evidence,
    Image,
    Profile,
    Result,
)
from microcred.credentials.model.base import JsonModel
from microcred.credentials.model.contexts import OB3_CONTEXTS, VC_V2_CONTEXT
from microcred.credentials.model.identity import IdentityObject

__all__ = [
    "AchievementCredential",
    "EndorsementCredential",
    "EndorsementSubject",
    "OpenBadgeCredential",
    "VerifiablePresentation",
    "build_achievement_credential",
]


@dataclass(frozen=True)
class _Credential(JsonModel):
    @property
    def starts(self) -> datetime | None:
        """``validFrom``, or the VC 1.1 ``issuanceDate``."""
        value: datetime | None = getattr(self, "valid_from", None)
        return value if value is not None else getattr(self, "issuance_date", None)

    @property
    def ends(self) -> datetime | None:
        """``validUntil``, or the VC 1.1 ``expirationDate``."""
        value: datetime | None = getattr(self, "valid_until", None)
        return value if value is not None else getattr(self, "expiration_date", None)


@dataclass(frozen=True)
class AchievementCredential(_Credential):
    """OB 3.0 AchievementCredential / OpenBadgeCredential (the ``type`` says which)."""

    id: str
    issuer: Profile
    credential_subject: AchievementSubject
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    name: str | None = None
    description: str | None = None
    image: Image | None = None
    awarded_date: datetime | None = None
    evidence: tuple[Evidence, ...] = ()
    credential_status: Any = None
    credential_schema: Any = None
    refresh_service: Any = None
    terms_of_use: Any = None
    endorsement: tuple[Any, ...] = ()
    endorsement_jwt: tuple[str, ...] = ()
    proof: Any = None
    issuance_date: datetime | None = None
    expiration_date: datetime | None = None
    context: tuple[Any, ...] = field(default=OB3_CONTEXTS, metadata={"json": "@context"})
    type: tuple[str, ...] = ("VerifiableCredential", "OpenBadgeCredential")
    extra: Mapping[str, Any] = field(default_factory=dict)


#: OB 3.0 names the same class both ways.
OpenBadgeCredential = AchievementCredential


@dataclass(frozen=True)
class EndorsementSubject(JsonModel):
    """OB 3.0 EndorsementSubject: what is endorsed (``id``) and the comment."""

    id: str
    endorsement_comment: str | None = None
    type: tuple[str, ...] = ("EndorsementSubject",)
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EndorsementCredential(_Credential):
    """OB 3.0 EndorsementCredential."""

    id: str
    name: str
    issuer: Profile
    credential_subject: EndorsementSubject
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    description: str | None = None
    awarded_date: datetime | None = None
    credential_status: Any = None
    credential_schema: Any = None
    refresh_service: Any = None
    terms_of_use: Any = None
    proof: Any = None
    issuance_date: datetime | None = None
    expiration_date: datetime | None = None
    context: tuple[Any, ...] = field(default=OB3_CONTEXTS, metadata={"json": "@context"})
    type: tuple[str, ...] = ("VerifiableCredential", "EndorsementCredential")
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiablePresentation(JsonModel):
    """VC 2.0 §4.13 VerifiablePresentation. ``verifiable_credential`` items (objects or
    enveloped/JWT forms) are kept exactly as given."""

    holder: Any = None
    verifiable_credential: tuple[Any, ...] = ()
    id: str | None = None
    proof: Any = None
    context: tuple[Any, ...] = field(default=(VC_V2_CONTEXT,), metadata={"json": "@context"})
    type: tuple[str, ...] = ("VerifiablePresentation",)
    extra: Mapping[str, Any] = field(default_factory=dict)


def build_achievement_credential(
    *,
    id: str,  # noqa: A002 - the JSON member name
    issuer: Profile,
    achievement: Achievement,
    valid_from: datetime,
    subject_id: str | None = None,
    identifier: Sequence[IdentityObject] = (),
    valid_until: datetime | None = None,
    name: str | None = None,
    description: str | None = None,
    awarded_date: datetime | None = None,
    result: Sequence[Result] = (),
    credits_earned: float | None = None,
    activity_start_date: datetime | None = None,
    activity_end_date: datetime | None = None,
    term: str | None = None,
    evidence: Sequence[Evidence] = (),
    credential_status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    image: Image | None = None,
    credential_type: str = "OpenBadgeCredential",
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential as JSON, valid against the official schema.

    The recipient is ``subject_id`` (a DID or URL) and/or hashed ``identifier`` objects
    (e.g. :meth:`IdentityObject.for_email`); at least one is required. ``name`` defaults to
    the achievement's name. Only terms of the VC 2.0 and OB 3.0.3 contexts are used.
    """
    if subject_id is None and not identifier:
        raise ValueError(
            "An AchievementSubject needs an id (DID or URL) or an identifier; pass "
            "subject_id=... or identifier=[IdentityObject.for_email(email, salt)]."
        )
    if credential_type not in ("OpenBadgeCredential", "AchievementCredential"):
        raise ValueError("credential_type must be OpenBadgeCredential or AchievementCredential.")
    status: Any = None
    if credential_status is not None:
        status = (
            dict(credential_status)
            if isinstance(credential_status, Mapping)
            else [dict(entry) for entry in credential_status]
        )
    subject = AchievementSubject(
        achievement=achievement,
        id=subject_id,
        identifier=tuple(identifier),
        result=tuple(result),
        credits_earned=credits_earned,
        activity_start_date=activity_start_date,
        activity_end_date=activity_end_date,
        term=term,
    )
    credential = AchievementCredential(
        id=id,
        issuer=issuer,
        credential_subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        name=name if name is not None else achievement.name,
        description=description,
        image=image,
        awarded_date=awarded_date,
        evidence=tuple(evidence),
        credential_status=status,
        type=("VerifiableCredential", credential_type),
    )
    return credential.to_json()
