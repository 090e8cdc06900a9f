"""Building the two documents of W3C Bitstring Status List v1.0.

* :func:`status_entry` — a ``BitstringStatusListEntry`` for a credential's
  ``credentialStatus`` (§2.1);
* :func:`status_list_credential` — an unsigned ``BitstringStatusListCredential`` (§2.2,
  *Generate Algorithm* §3.1). Sign it with :func:`microcred.credentials.proofs.sign`.

Only terms the VC 2.0 context defines are emitted (it holds the Bitstring Status List terms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from microcred.credentials.errors import StatusListError
from microcred.credentials.status.bitstring import Bitstring

__all__ = [
    "PURPOSES",
    "VC_V2_CONTEXT",
    "format_datetime",
    "status_entry",
    "status_list_credential",
]

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

#: The status purposes §2.1 names; other strings are allowed by the spec but get no meaning.
PURPOSES = ("revocation", "suspension", "refresh", "message")


def format_datetime(value: datetime) -> str:
    """An XML Schema dateTimeStamp in UTC with a ``Z`` suffix (VC 2.0 §4.6)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise StatusListError(
            f"Time {value.isoformat()} has no time zone; pass a timezone-aware datetime "
            "(e.g. datetime.now(UTC))."
        )
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _check_purpose(purpose: str) -> None:
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError(
            f"statusPurpose must be a non-empty string such as {', '.join(PURPOSES)}; "
            f"got {purpose!r}."
        )


def status_entry(
    *,
    list_url: str,
    index: int,
    purpose: str = "revocation",
    status_size: int = 1,
    status_messages: Sequence[tuple[str, str]] | None = None,
    status_reference: str | None = None,
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` (W3C Bitstring Status List §2.1).

    ``id`` is ``<list_url>#<index>``; ``statusListIndex`` is the base-10 string the spec
    requires. For ``status_size`` > 1 the spec requires ``statusMessage``: pass one
    ``(status, message)`` pair per possible value, e.g. ``[("0x0", "valid"), ...]``.
    """
    _check_purpose(purpose)
    if not isinstance(list_url, str) or not list_url or "#" in list_url:
        raise StatusListError(
            f"list_url must be the URL of the status list credential, without a fragment; "
            f"got {list_url!r}."
        )
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise StatusListError(f"statusListIndex must be an integer >= 0; got {index!r}.")
    if not isinstance(status_size, int) or isinstance(status_size, bool) or status_size < 1:
        raise StatusListError(f"statusSize must be an integer > 0; got {status_size!r}.")
    entry: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if status_size != 1:
        entry["statusSize"] = status_size
    if status_size > 1 and status_messages is None:
        raise StatusListError(
            f"A statusSize of {status_size} needs statusMessage with {1 << status_size} "
            "(status, message) pairs (W3C Bitstring Status List §2.1)."
        )
    if status_messages is not None:
        if len(status_messages) != 1 << status_size:
            raise StatusListError(
                f"statusMessage must have exactly {1 << status_size} entries for a statusSize "
                f"of {status_size}; got {len(status_messages)}."
            )
        entry["statusMessage"] = [
            {"status": status, "message": message} for status, message in status_messages
        ]
    if status_reference is not None:
        entry["statusReference"] = status_reference
    return entry


def status_list_credential(
    *,
    id: str,  # noqa: A002 - the JSON member name
    issuer: str,
    purpose: str,
    bitstring: Bitstring,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (§2.2, Generate Algorithm §3.1).

    The subject's id is ``<id>#list``. ``issuer`` is the issuer's DID or URL; verifiers
    require it to be the same issuer as the credentials that point into the list.
    """
    _check_purpose(purpose)
    if not isinstance(id, str) or not id or "#" in id:
        raise StatusListError(
            f"The status list credential id must be its URL without a fragment; got {id!r}."
        )
    if not isinstance(issuer, str) or not issuer:
        raise StatusListError("The status list credential needs an issuer id (DID or URL).")
    if valid_until is not None and valid_until <= valid_from:
        raise StatusListError("valid_until must be later than valid_from.")
    subject: dict[str, Any] = {
        "id": f"{id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        if not isinstance(ttl_ms, int) or isinstance(ttl_ms, bool) or ttl_ms < 0:
            raise StatusListError(f"ttl must be a number of milliseconds >= 0; got {ttl_ms!r}.")
        subject["ttl"] = ttl_ms
    document: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    document["credentialSubject"] = subject
    return document
