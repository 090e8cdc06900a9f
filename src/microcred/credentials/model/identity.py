"""IdentityObject and salted identity hashes (OB 3.0 data model: IdentityObject,
IdentityHash; *Verification* §"Verify the Recipient Using an Identifier").

An IdentityHash is ``<algorithm>$<hex>`` where the hash is taken over the UTF-8 identifier
with the salt appended (``sha256`` or ``md5``). The spec's example: SHA-256 of
``a@example.comKosher`` is ``sha256$b5809d8a...f399``. The spec defines no case folding or
trimming: :func:`hash_email` hashes exactly what it is given. :func:`identity_matches`
compares the known e-mail as given and, failing that, trimmed and lower-cased, because
issuers commonly normalise addresses before hashing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from microcred.credentials.errors import MalformedDocument
from microcred.credentials.model.base import JsonModel

__all__ = ["IdentityObject", "hash_email", "hash_identity", "identity_matches"]

_ALGORITHMS = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def hash_identity(identity: str, salt: str | None = None, *, algorithm: str = "sha256") -> str:
    """``<algorithm>$<lowercase hex>`` of ``identity + salt`` (OB 3.0 IdentityHash)."""
    try:
        digest = _ALGORITHMS[algorithm]
    except KeyError:
        raise MalformedDocument(
            f"Identity hash algorithm {algorithm!r} is not supported; OB 3.0 allows only "
            "'sha256' and 'md5'."
        ) from None
    data = (identity + (salt or "")).encode("utf-8")
    return f"{algorithm}${digest(data, usedforsecurity=False).hexdigest()}"


def hash_email(email: str, salt: str) -> str:
    """``sha256$<hex>`` of the e-mail address followed by the salt, as OB 3.0 describes."""
    return hash_identity(email, salt)


@dataclass(frozen=True)
class IdentityObject(JsonModel):
    """OB 3.0 IdentityObject: a (usually hashed) identifier of the recipient."""

    identity_hash: str
    identity_type: str = "emailAddress"
    hashed: bool = True
    salt: str | None = None
    type: str = "IdentityObject"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def for_email(cls, email: str, salt: str) -> IdentityObject:
        """A hashed ``emailAddress`` identity for ``email`` with ``salt``."""
        return cls(identity_hash=hash_email(email, salt), salt=salt)


def _candidates(value: str) -> list[str]:
    normalised = value.strip().lower()
    return [value] if normalised == value else [value, normalised]


def identity_matches(
    identity: IdentityObject | Mapping[str, Any], known: str, *, identity_type: str = "emailAddress"
) -> bool:
    """Whether ``identity`` identifies ``known`` (OB 3.0 Verification, "Verify the
    Recipient Using an Identifier", steps 1-3)."""
    obj = identity if isinstance(identity, IdentityObject) else IdentityObject.from_json(identity)
    if obj.identity_type != identity_type:
        return False
    if not obj.hashed:
        return any(hmac.compare_digest(c, obj.identity_hash) for c in _candidates(known))
    algorithm, sep, expected = obj.identity_hash.partition("$")
    if not sep or algorithm.lower() not in _ALGORITHMS:
        return False
    for candidate in _candidates(known):
        computed = hash_identity(candidate, obj.salt, algorithm=algorithm.lower())
        if hmac.compare_digest(computed.partition("$")[2], expected.lower()):
            return True
    return False
