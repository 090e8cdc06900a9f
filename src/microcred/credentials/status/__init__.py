"""Credential status: W3C Bitstring Status List v1.0 and 1EdTech Revocation List 1.0.

* :class:`Bitstring` — the status bits, ``encode()`` / ``Bitstring.decode()`` (§3.3, §3.4);
* :func:`status_entry`, :func:`status_list_credential` — the two documents (§2.1, §2.2);
* :class:`StatusListCache`, :class:`MemoryStatusListCache` — lists that already passed
  verification, by the hash of their exact bytes (see :mod:`.cache`);
* :func:`check_status` — one :class:`StatusCheck` per ``credentialStatus`` entry, fail
  closed (§3.2 Validate Algorithm; VCRL-10 for ``1EdTechRevocationList``).
"""

from __future__ import annotations

from microcred.credentials.status.bitstring import (
    MAX_DECODED_BYTES,
    MAX_ENCODED_CHARS,
    MIN_BITS,
    Bitstring,
)
from microcred.credentials.status.cache import (
    MemoryStatusListCache,
    StatusListCache,
    status_list_key,
)
from microcred.credentials.status.checking import (
    ListFetcher,
    ListVerifier,
    StatusCheck,
    check_status,
    credential_issuer_id,
    status_entries,
)
from microcred.credentials.status.documents import (
    PURPOSES,
    status_entry,
    status_list_credential,
)

__all__ = [
    "MAX_DECODED_BYTES",
    "MAX_ENCODED_CHARS",
    "MIN_BITS",
    "PURPOSES",
    "Bitstring",
    "ListFetcher",
    "ListVerifier",
    "MemoryStatusListCache",
    "StatusCheck",
    "StatusListCache",
    "check_status",
    "credential_issuer_id",
    "status_entries",
    "status_entry",
    "status_list_credential",
    "status_list_key",
]
