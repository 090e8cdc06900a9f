"""Typed OB 3.0 / VC 2.0 data model: frozen dataclasses with ``to_json()`` / ``from_json()``.

``to_json`` emits the OB 3.0 / VC 2.0 member names (camelCase, ``@context``), omits unset
members and writes times in UTC with ``Z``. ``from_json`` accepts VC 1.1 shapes
(``issuanceDate``/``expirationDate``, single values for arrays, ``issuer`` as a string) and
keeps members it does not model in ``extra``.
"""

from __future__ import annotations

from microcred.credentials.model.achievement import (
    Achievement,
    AchievementSubject,
    Alignment,
    Criteria,
    Evidence,
    Image,
    Profile,
    Result,
    ResultDescription,
    eqf_alignment,
)
from microcred.credentials.model.base import JsonModel, format_datetime, parse_datetime
from microcred.credentials.model.contexts import (
    EXTENSION_CONTEXTS,
    OB3_CONTEXT,
    OB3_CONTEXTS,
    VC_V2_CONTEXT,
)
from microcred.credentials.model.credential import (
    AchievementCredential,
    EndorsementCredential,
    EndorsementSubject,
    OpenBadgeCredential,
    VerifiablePresentation,
    build_achievement_credential,
)
from microcred.credentials.model.identity import (
    IdentityObject,
    hash_email,
    hash_identity,
    identity_matches,
)

__all__ = [
    "EXTENSION_CONTEXTS",
    "OB3_CONTEXT",
    "OB3_CONTEXTS",
    "VC_V2_CONTEXT",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Alignment",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "IdentityObject",
    "Image",
    "JsonModel",
    "OpenBadgeCredential",
    "Profile",
    "Result",
    "ResultDescription",
    "VerifiablePresentation",
    "build_achievement_credential",
    "eqf_alignment",
    "format_datetime",
    "hash_email",
    "hash_identity",
    "identity_matches",
    "parse_datetime",
]
