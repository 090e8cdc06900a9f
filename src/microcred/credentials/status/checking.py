"""Checking a credential's ``credentialStatus`` entries.

:func:`check_status` returns one :class:`StatusCheck` per entry. Two entry types are read:

* ``BitstringStatusListEntry`` — W3C Bitstring Status List v1.0, *Validate Algorithm*
  (§3.2), plus the issuer and validity checks a verifier must add (§3.2 note: the verifier
  must trust the list's issuer);
* ``1EdTechRevocationList`` — 1EdTech VC Revocation List 1.0 (VCRL-10), as OB 3.0
  *Verification* §"Credential status" uses it: the entry ``id`` is the list URL and the
  credential is revoked when its ``id`` is listed with ``revoked`` true or absent.

The design is fail closed and keeps the network and proof checking outside:

``fetch_list(url) -> dict``
    returns the document at ``url`` (a list credential, or a plain VCRL JSON document) or
    raises a :class:`~microcred.errors.MicrocredError` (typically
    :class:`~microcred.credentials.errors.FetchError`). Any error gives a failed
    ``status_unavailable`` check.
``verify_list(document) -> bool``
    decides whether the list credential's proof verifies for its issuer (the caller runs the
    proof verification, e.g. with ``microcred.credentials.verify``). Without it, or when it
    returns false or raises a ``MicrocredError``, signed lists give a failed
    ``status_list_unverified`` check. A Bitstring list must always be verified (§3.2 step 4).
    Plain (unsigned) VCRL JSON documents cannot be verified; they are read with a warning
    that they are authenticated only by the transport they came over.

Failed codes: ``revoked``, ``suspended``, ``status_unavailable``, ``status_list_unverified``,
``status_list_issuer_mismatch``, ``status_purpose_mismatch``, ``status_list_not_yet_valid``,
``status_list_expired``, ``status_list_invalid``, ``status_index_out_of_range``,
``status_entry_invalid``. Passed codes: ``not_revoked``, ``not_suspended``, ``status_unset``,
``status_message``, ``refresh_available``. Skipped: ``status_type_unsupported``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from microcred.credentials.datamodel import issuer_id
from microcred.credentials.errors import StatusListError
from microcred.credentials.status.bitstring import MIN_BITS, Bitstring
from microcred.errors import MicrocredError

__all__ = [
    "ListFetcher",
    "ListVerifier",
    "StatusCheck",
    "check_status",
    "credential_issuer_id",
    "status_entries",
]

ListFetcher = Callable[[str], Mapping[str, Any]]
ListVerifier = Callable[[Mapping[str, Any]], bool]

BITSTRING_ENTRY = "BitstringStatusListEntry"
BITSTRING_LIST_CREDENTIAL = "BitstringStatusListCredential"
REVOCATION_LIST_ENTRY = "1EdTechRevocationList"

_DIGITS = re.compile(r"[0-9]+")
_MAX_STATUS_SIZE = 64


@dataclass(frozen=True)
class StatusCheck:
    """The outcome of one ``credentialStatus`` entry.

    ``status`` is ``passed``, ``failed`` or ``skipped``; ``code`` is stable. ``value`` is the
    status value read from a bitstring (0 = unset). ``warnings`` hold notes that did not fail
    the check (e.g. a ``statusListIndex`` given as a JSON number).
    """

    entry_index: int
    entry_type: str
    purpose: str | None
    status: Literal["passed", "failed", "skipped"]
    code: str
    message: str
    list_url: str | None = None
    value: int | None = None
    warnings: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class _Failure(Exception):
    """Internal: a check outcome that ends processing of one entry."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def status_entries(credential: Mapping[str, Any]) -> list[Any]:
    """The ``credentialStatus`` entries, as a list (VC 2.0 §4.10 allows one or many)."""
    value = credential.get("credentialStatus")
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]


def credential_issuer_id(document: Mapping[str, Any]) -> str | None:
    """The issuer id (VC 2.0 §4.7); see :func:`microcred.credentials.datamodel.issuer_id`."""
    return issuer_id(document)


def check_status(
    credential: Mapping[str, Any],
    fetch_list: ListFetcher,
    *,
    verify_list: ListVerifier | None = None,
    issuer_id: str | None = None,
    now: datetime | None = None,
) -> list[StatusCheck]:
    """Check every ``credentialStatus`` entry of ``credential``; one result per entry.

    ``issuer_id`` is the issuer the status lists must come from (default: the credential's
    own issuer). ``now`` (timezone-aware) is compared with the lists' validity windows.
    Each list URL is fetched and verified at most once per call.
    """
    when = now if now is not None else datetime.now(UTC)
    if when.tzinfo is None:
        raise StatusListError("now must be a timezone-aware datetime (e.g. datetime.now(UTC)).")
    expected_issuer = issuer_id if issuer_id is not None else credential_issuer_id(credential)
    session = _Session(fetch_list, verify_list)
    results: list[StatusCheck] = []
    for position, entry in enumerate(status_entries(credential)):
        if not isinstance(entry, Mapping):
            results.append(
                StatusCheck(
                    position,
                    "",
                    None,
                    "failed",
                    "status_entry_invalid",
                    "credentialStatus entries must be JSON objects.",
                )
            )
            continue
        entry_type = _type_names(entry.get("type"))
        if BITSTRING_ENTRY in entry_type:
            results.append(_check_bitstring(position, entry, session, expected_issuer, when))
        elif REVOCATION_LIST_ENTRY in entry_type:
            results.append(
                _check_revocation_list(
                    position, entry, credential, session, expected_issuer=expected_issuer, now=when
                )
            )
        else:
            shown = ", ".join(entry_type) or "(none)"
            results.append(
                StatusCheck(
                    position,
                    shown,
                    _str_or_none(entry.get("statusPurpose")),
                    "skipped",
                    "status_type_unsupported",
                    f"Status type {shown} is not supported; only BitstringStatusListEntry "
                    "and 1EdTechRevocationList are checked.",
                )
            )
    return results


# -- shared plumbing ----------------------------------------------------------------------


class _Session:
    """Fetches and verifies each list once per check_status call."""

    def __init__(self, fetch_list: ListFetcher, verify_list: ListVerifier | None) -> None:
        self._fetch = fetch_list
        self._verify = verify_list
        self._documents: dict[str, Mapping[str, Any] | _Failure] = {}
        self._verified: dict[str, bool] = {}

    def fetch(self, url: str) -> Mapping[str, Any]:
        if url not in self._documents:
            try:
                document: Mapping[str, Any] | _Failure = self._fetch(url)
            except MicrocredError as exc:
                document = _Failure(
                    "status_unavailable",
                    f"The status list {url} could not be obtained ({exc.message}); the status "
                    "is unknown, so the credential is not accepted. Retry when the list is "
                    "reachable, or supply it (CLI: --document URL=FILE).",
                )
            if not isinstance(document, (Mapping, _Failure)):
                document = _Failure(
                    "status_list_invalid", f"The status list {url} is not a JSON object."
                )
            self._documents[url] = document
        found = self._documents[url]
        if isinstance(found, _Failure):
            raise found
        return found

    def verify(self, url: str, document: Mapping[str, Any]) -> None:
        if self._verify is None:
            raise _Failure(
                "status_list_unverified",
                f"The status list {url} was not verified: no list verifier was supplied, and "
                "a status list is only trusted when its proof verifies.",
            )
        if url not in self._verified:
            try:
                self._verified[url] = bool(self._verify(document))
            except MicrocredError as exc:
                raise _Failure(
                    "status_list_unverified",
                    f"The status list {url} could not be verified: {exc.message}",
                ) from None
        if not self._verified[url]:
            raise _Failure(
                "status_list_unverified",
                f"The proof on the status list {url} does not verify; its content cannot be "
                "trusted, so the credential's status is unknown.",
            )


def _type_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _parse_time(value: Any, name: str, url: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Failure("status_list_invalid", f"{name} of the status list {url} is not a string.")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _Failure(
            "status_list_invalid",
            f"{name} of the status list {url} is not an XML Schema dateTime: {value!r}.",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _check_list_credential(
    url: str, document: Mapping[str, Any], expected_issuer: str | None, now: datetime
) -> None:
    """Issuer and validity window of a list credential (VC 2.0 §4.6, §4.7)."""
    list_issuer = credential_issuer_id(document)
    if expected_issuer is None or list_issuer != expected_issuer:
        raise _Failure(
            "status_list_issuer_mismatch",
            f"The status list {url} is issued by {list_issuer!r}, not by the credential's "
            f"issuer {expected_issuer!r}; a list from another issuer cannot change this "
            "credential's status.",
        )
    valid_from = _parse_time(
        document.get("validFrom", document.get("issuanceDate")), "validFrom", url
    )
    valid_until = _parse_time(
        document.get("validUntil", document.get("expirationDate")), "validUntil", url
    )
    if valid_from is not None and now < valid_from:
        raise _Failure(
            "status_list_not_yet_valid",
            f"The status list {url} is not valid until {valid_from.isoformat()}; its status "
            "information cannot be used yet.",
        )
    if valid_until is not None and now > valid_until:
        raise _Failure(
            "status_list_expired",
            f"The status list {url} expired at {valid_until.isoformat()}; the issuer must "
            "publish a current list before the status can be checked.",
        )


# -- BitstringStatusListEntry -------------------------------------------------------------


@dataclass(frozen=True)
class _BitstringEntry:
    purpose: str
    list_url: str
    index: int
    size: int
    messages: dict[int, str]
    warnings: tuple[str, ...]


def _parse_bitstring_entry(entry: Mapping[str, Any]) -> _BitstringEntry:
    """The entry fields of W3C Bitstring Status List §2.1, validated."""
    warnings: list[str] = []
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _Failure("status_entry_invalid", "The status entry has no statusPurpose string.")
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise _Failure("status_entry_invalid", "The status entry has no statusListCredential URL.")
    raw_index = entry.get("statusListIndex")
    if isinstance(raw_index, str) and _DIGITS.fullmatch(raw_index):
        index = int(raw_index)
    elif isinstance(raw_index, int) and not isinstance(raw_index, bool) and raw_index >= 0:
        index = raw_index
        warnings.append(
            "statusListIndex is a JSON number; the spec requires a base-10 string "
            f'("{raw_index}"). Accepted when verifying.'
        )
    else:
        raise _Failure(
            "status_entry_invalid",
            f"statusListIndex must be a base-10 string of digits; got {raw_index!r}.",
        )
    raw_size = entry.get("statusSize", 1)
    if (
        not isinstance(raw_size, int)
        or isinstance(raw_size, bool)
        or not 1 <= raw_size <= _MAX_STATUS_SIZE
    ):
        raise _Failure(
            "status_entry_invalid",
            f"statusSize must be an integer from 1 to {_MAX_STATUS_SIZE}; got {raw_size!r}.",
        )
    messages: dict[int, str] = {}
    raw_messages = entry.get("statusMessage")
    if raw_size > 1 and raw_messages is None:
        raise _Failure(
            "status_entry_invalid",
            f"statusSize is {raw_size} but statusMessage is missing (§2.1 requires it).",
        )
    if raw_messages is not None:
        if not isinstance(raw_messages, list) or len(raw_messages) != 1 << raw_size:
            raise _Failure(
                "status_entry_invalid",
                f"statusMessage must be an array of {1 << raw_size} objects for a statusSize "
                f"of {raw_size}.",
            )
        for item in raw_messages:
            status = item.get("status") if isinstance(item, Mapping) else None
            message = item.get("message") if isinstance(item, Mapping) else None
            if not isinstance(status, str) or not isinstance(message, str):
                raise _Failure(
                    "status_entry_invalid",
                    "Each statusMessage item needs a 'status' (hex string) and a 'message'.",
                )
            try:
                messages[int(status, 16)] = message
            except ValueError:
                raise _Failure(
                    "status_entry_invalid",
                    f"statusMessage status {status!r} is not a hexadecimal value like '0x1'.",
                ) from None
    return _BitstringEntry(purpose, url, index, raw_size, messages, tuple(warnings))


def _check_bitstring(
    position: int,
    entry: Mapping[str, Any],
    session: _Session,
    expected_issuer: str | None,
    now: datetime,
) -> StatusCheck:
    """W3C Bitstring Status List §3.2 Validate Algorithm, for one entry."""
    try:
        parsed = _parse_bitstring_entry(entry)
    except _Failure as failure:
        return StatusCheck(
            position,
            BITSTRING_ENTRY,
            _str_or_none(entry.get("statusPurpose")),
            "failed",
            failure.code,
            failure.message,
            _str_or_none(entry.get("statusListCredential")),
        )
    try:
        value = _read_bitstring_value(parsed, session, expected_issuer, now)
    except _Failure as failure:
        return StatusCheck(
            position,
            BITSTRING_ENTRY,
            parsed.purpose,
            "failed",
            failure.code,
            failure.message,
            parsed.list_url,
            None,
            parsed.warnings,
        )
    return _bitstring_outcome(position, parsed, value)


#: Decoded lists up to this size are remembered (a list is usually the 16 KB minimum).
_REMEMBERED_BYTES = 256 * 1024


@lru_cache(maxsize=128)
def _expanded_small(encoded: str) -> Bitstring | None:
    bits = Bitstring.decode(encoded)
    return bits if len(bits) <= _REMEMBERED_BYTES * 8 else None


def _expanded(encoded: Any) -> Bitstring:
    """The Bitstring Expansion Algorithm of ``encoded``, remembered for small lists: the
    result is a pure function of the string (a verifier checking many credentials against
    one list expands it once). Only read from, never changed. At most 128 lists of 256 KB
    are kept; larger ones are expanded every time. Errors are never remembered."""
    if not isinstance(encoded, str):
        return Bitstring.decode(encoded)  # raises the usual StatusListError
    return _expanded_small(encoded) or Bitstring.decode(encoded)


def _read_bitstring_value(
    parsed: _BitstringEntry, session: _Session, expected_issuer: str | None, now: datetime
) -> int:
    """§3.2 steps 4-9: the status value of the entry, or a :class:`_Failure`."""
    url = parsed.list_url
    # Step 4: dereference the list and verify its proofs.
    document = session.fetch(url)
    if BITSTRING_LIST_CREDENTIAL not in _type_names(document.get("type")):
        raise _Failure(
            "status_list_invalid",
            f"{url} is not a BitstringStatusListCredential (§2.1 statusListCredential).",
        )
    session.verify(url, document)
    _check_list_credential(url, document, expected_issuer, now)
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or "BitstringStatusList" not in _type_names(
        subject.get("type")
    ):
        raise _Failure(
            "status_list_invalid", f"The credentialSubject of {url} is not a BitstringStatusList."
        )
    # Step 5: the entry's purpose must be one of the list's purposes.
    list_purposes = _type_names(subject.get("statusPurpose"))
    if parsed.purpose not in list_purposes:
        raise _Failure(
            "status_purpose_mismatch",
            f"The entry's statusPurpose {parsed.purpose!r} is not a purpose of the status "
            f"list {url} ({', '.join(list_purposes) or 'none'}).",
        )
    # Steps 6-7: expand the bitstring.
    try:
        bits = _expanded(subject.get("encodedList"))
    except StatusListError as exc:
        raise _Failure("status_list_invalid", f"The status list {url}: {exc.message}") from None
    # Step 8: the list must hold at least the minimum number of entries.
    entries = bits.entries(parsed.size)
    if entries < MIN_BITS:
        raise _Failure(
            "status_list_invalid",
            f"The status list {url} holds {entries} entries of {parsed.size} bits; at least "
            f"{MIN_BITS} are required (STATUS_LIST_LENGTH_ERROR, §3.2).",
        )
    # Step 9: the status at index * size (RANGE_ERROR when outside).
    if parsed.index >= entries:
        raise _Failure(
            "status_index_out_of_range",
            f"statusListIndex {parsed.index} is outside the status list {url} ({entries} entries).",
        )
    return bits.get_value(parsed.index, parsed.size)


def _bitstring_outcome(position: int, entry: _BitstringEntry, value: int) -> StatusCheck:
    """Steps 10-12: turn the status value into a result for the entry's purpose."""
    message = entry.messages.get(value)
    where = f"entry {entry.index} of {entry.list_url}"
    status: Literal["passed", "failed", "skipped"]
    if entry.purpose == "revocation":
        status, code, text = (
            ("failed", "revoked", f"The issuer has revoked this credential ({where}).")
            if value
            else ("passed", "not_revoked", f"Not revoked ({where}).")
        )
    elif entry.purpose == "suspension":
        status, code, text = (
            ("failed", "suspended", f"The issuer has suspended this credential ({where}).")
            if value
            else ("passed", "not_suspended", f"Not suspended ({where}).")
        )
    elif entry.purpose == "refresh":
        status, code, text = (
            (
                "passed",
                "refresh_available",
                f"An updated credential is available from the refresh service ({where}).",
            )
            if value
            else ("passed", "status_unset", f"No refresh signalled ({where}).")
        )
    elif entry.purpose == "message":
        shown = message if message is not None else ("set" if value else "unset")
        status, code, text = ("passed", "status_message", f"Status {value:#x}: {shown} ({where}).")
    else:
        status, code, text = (
            (
                "skipped",
                "status_purpose_unknown",
                f"Status purpose {entry.purpose!r} has value {value:#x}, whose meaning is not "
                f"defined by the spec ({where}).",
            )
            if value
            else ("passed", "status_unset", f"Status {entry.purpose!r} is unset ({where}).")
        )
    return StatusCheck(
        position,
        BITSTRING_ENTRY,
        entry.purpose,
        status,
        code,
        text,
        entry.list_url,
        value,
        entry.warnings,
    )


# -- 1EdTechRevocationList ----------------------------------------------------------------


def _revoked_items(document: Mapping[str, Any]) -> list[Any] | None:
    """The revoked-credential items of a VCRL-10 list (top level or in credentialSubject)."""
    holders: list[Mapping[str, Any]] = [document]
    subject = document.get("credentialSubject")
    if isinstance(subject, Mapping):
        holders.append(subject)
    for holder in holders:
        for name in ("revokedCredential", "revokedCredentials"):
            if name in holder:
                value = holder[name]
                if value is None:
                    return []
                return value if isinstance(value, list) else [value]
    return None


def _check_revocation_list(
    position: int,
    entry: Mapping[str, Any],
    credential: Mapping[str, Any],
    session: _Session,
    *,
    expected_issuer: str | None,
    now: datetime,
) -> StatusCheck:
    """1EdTech Revocation List (VCRL-10): revoked when the credential id is listed."""
    url = _str_or_none(entry.get("id"))
    warnings: list[str] = []
    try:
        listed, reason = _look_up_revocation(
            url, credential, session, expected_issuer=expected_issuer, now=now, warnings=warnings
        )
    except _Failure as failure:
        return StatusCheck(
            position,
            REVOCATION_LIST_ENTRY,
            "revocation",
            "failed",
            failure.code,
            failure.message,
            url,
            None,
            tuple(warnings),
        )
    if listed:
        because = f" Reason: {reason}" if reason else ""
        return StatusCheck(
            position,
            REVOCATION_LIST_ENTRY,
            "revocation",
            "failed",
            "revoked",
            f"The issuer has revoked this credential (listed in {url}).{because}",
            url,
            1,
            tuple(warnings),
        )
    return StatusCheck(
        position,
        REVOCATION_LIST_ENTRY,
        "revocation",
        "passed",
        "not_revoked",
        f"Not revoked (not listed in {url}).",
        url,
        0,
        tuple(warnings),
    )


def _look_up_revocation(
    url: str | None,
    credential: Mapping[str, Any],
    session: _Session,
    *,
    expected_issuer: str | None,
    now: datetime,
    warnings: list[str],
) -> tuple[bool, str | None]:
    """Whether the credential is listed as revoked, and the published reason."""
    if not url:
        raise _Failure(
            "status_entry_invalid", "The 1EdTechRevocationList entry has no list URL in 'id'."
        )
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise _Failure(
            "status_entry_invalid",
            "The credential has no id, so it cannot be looked up in its revocation list.",
        )
    document = session.fetch(url)
    is_credential = "proof" in document or "VerifiableCredential" in _type_names(
        document.get("type")
    )
    if is_credential:
        session.verify(url, document)
        _check_list_credential(url, document, expected_issuer, now)
    else:
        warnings.append(
            f"The revocation list {url} is plain JSON without a proof; it is authenticated "
            "only by the connection it was fetched over."
        )
    items = _revoked_items(document)
    if items is None:
        raise _Failure(
            "status_list_invalid",
            f"{url} is not a 1EdTech revocation list (no revokedCredential member).",
        )
    for item in items:
        item_id = item if isinstance(item, str) else None
        revoked: Any = True
        reason: Any = None
        if isinstance(item, Mapping):
            item_id = _str_or_none(item.get("id"))
            revoked = item.get("revoked", True)
            reason = item.get("revocationReason")
        if item_id == credential_id and revoked is not False:
            return True, reason if isinstance(reason, str) and reason else None
    return False, None
