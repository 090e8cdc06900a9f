"""Checks for the fields of an award (single awards, the VC API and bulk CSV rows).

Every check returns the cleaned value or raises :class:`AwardInputInvalid` with a message
that says what a valid value looks like.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from microcred.issuing.errors import AwardInputInvalid

__all__ = [
    "FORMULA_PREFIXES",
    "check_did",
    "check_email",
    "check_external_id",
    "check_text",
    "check_url",
    "check_valid_until",
    "is_formula",
]

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")
# DID Core §3.1: did:<method-name>:<method-specific-id>, idchar = ALPHA/DIGIT/./-/_/pct.
_DID = re.compile(
    r"^did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})$"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)%?$")

#: A cell starting with one of these is read as a formula by spreadsheet programs
#: (OWASP "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: str) -> bool:
    """Whether a spreadsheet would treat ``value`` as a formula (plain numbers are fine)."""
    return value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value)


def check_email(value: str, *, field: str = "email") -> str:
    email = value.strip()
    if len(email) > 320 or not _EMAIL.match(email):
        raise AwardInputInvalid(
            f"{field}: {value[:80]!r} is not an e-mail address (like learner@example.org)."
        )
    # Lower-cased as a whole: what is hashed into the credential and what claims and
    # listings compare with (OB 3.0 verifiers also try the lower-cased address).
    return email.lower()


def check_did(value: str, *, field: str = "did") -> str:
    did = value.strip()
    if len(did) > 500 or not _DID.match(did):
        raise AwardInputInvalid(
            f"{field}: {value[:80]!r} is not a DID (like did:key:z6Mk... or "
            "did:web:example.org), without fragment or query."
        )
    return did


def check_text(value: str, *, field: str, max_length: int, multiline: bool = False) -> str:
    text = value.strip()
    if len(text) > max_length:
        raise AwardInputInvalid(f"{field}: at most {max_length} characters, got {len(text)}.")
    bad = _CONTROL.search(text) or (not multiline and ("\n" in text or "\r" in text))
    if bad:
        raise AwardInputInvalid(f"{field}: contains control characters or line breaks.")
    return text


def check_external_id(value: str) -> str:
    text = check_text(value, field="external_id", max_length=200)
    if not text:
        raise AwardInputInvalid(
            "external_id: must not be empty; it makes the award idempotent (a second award "
            "with the same external id returns the first)."
        )
    return text


def check_url(value: str, *, field: str = "evidence_url") -> str:
    url = value.strip()
    parts = urlsplit(url)
    if (
        len(url) > 2000
        or parts.scheme not in ("https", "http")
        or not parts.hostname
        or _CONTROL.search(url)
        or " " in url
    ):
        raise AwardInputInvalid(f"{field}: {value[:80]!r} is not an http(s) URL.")
    return url


def check_valid_until(
    value: str | datetime | date, *, now: datetime, field: str = "valid_until"
) -> datetime:
    """A date (valid through the end of that day, UTC) or a datetime with a time zone, in
    the future."""
    when: datetime
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time(23, 59, 59), tzinfo=UTC)
    else:
        text = value.strip()
        try:
            if len(text) == 10:
                when = datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=UTC)
            else:
                when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise AwardInputInvalid(
                f"{field}: {text[:40]!r} is not a date (2030-12-31) or a date and time with "
                "a time zone (2030-12-31T23:59:59Z)."
            ) from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise AwardInputInvalid(
            f"{field}: add a time zone (like 2030-12-31T23:59:59Z); local times are ambiguous."
        )
    when = when.astimezone(UTC).replace(microsecond=0)
    if when <= now:
        raise AwardInputInvalid(f"{field}: must be in the future, got {when.isoformat()}.")
    return when
