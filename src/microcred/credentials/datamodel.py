"""The structural rules of the W3C Verifiable Credentials Data Model 2.0.

These are the MUSTs of VC DM 2.0 section 4 ("Basic Concepts") and 5 ("Advanced
Concepts") that can be checked on the JSON alone, before any JSON-LD processing:
contexts (4.3), identifiers (4.4), types (4.5), issuer (4.7), credential subject (4.8),
validity period (4.9), status (4.10), data schemas (4.11), presentations (4.13), refresh
(5.4), terms of use (5.5), evidence (5.6) and the integrity of related resources (5.3).

Issuers call :func:`credential_problems` before signing (a credential that breaks them is
refused); the verifier reports them in its ``well_formed`` check. VC 1.1-shaped documents
(first context ``https://www.w3.org/2018/credentials/v1``) are checked against the 1.1
names (``issuanceDate``/``expirationDate``) when ``allow_v1`` is true.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

__all__ = [
    "VC1_CONTEXT",
    "VC2_CONTEXT",
    "credential_problems",
    "is_date_time_stamp",
    "is_url",
    "issuer_id",
    "presentation_problems",
]

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

#: An absolute URL: a scheme (RFC 3986 section 3.1) followed by ':' and something.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
#: XML Schema 1.1 dateTimeStamp: a dateTime whose time zone is required.
_DATE_TIME_STAMP = re.compile(
    r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$"
)
#: XML Schema dateTime (time zone optional), allowed by VC 1.1.
_DATE_TIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
#: Members whose objects MUST each state a ``type`` (VC DM 2.0 section 4.5, table).
_TYPED_MEMBERS = (
    "credentialStatus",
    "termsOfUse",
    "evidence",
    "refreshService",
    "credentialSchema",
)


def is_url(value: Any) -> bool:
    """Whether ``value`` is a single absolute URL (VC DM 2.0 section 4.4)."""
    return isinstance(value, str) and bool(_URL.match(value))


def is_date_time_stamp(value: Any) -> bool:
    """Whether ``value`` is an XML Schema dateTimeStamp that denotes a real instant."""
    return isinstance(value, str) and bool(_DATE_TIME_STAMP.match(value)) and _parses(value)


def _parses(value: str) -> bool:
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The issuer's id: ``issuer`` as a string or ``issuer.id`` (VC DM 2.0 section 4.7);
    None when absent or empty."""
    issuer = document.get("issuer")
    ident = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return ident if isinstance(ident, str) and ident else None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _types(value: Any) -> list[Any]:
    return _as_list(value) if value is not None else []


def _first_context(document: Mapping[str, Any]) -> Any:
    contexts = document.get("@context")
    if isinstance(contexts, list):
        return contexts[0] if contexts else None
    return contexts


def credential_problems(document: Mapping[str, Any], *, allow_v1: bool = True) -> list[str]:
    """Every VC DM structural rule ``document`` breaks, as messages for people.

    An empty list means the credential is well formed (its proof and meaning are checked
    elsewhere).
    """
    problems: list[str] = []
    first = _first_context(document)
    v1 = allow_v1 and first == VC1_CONTEXT
    if "@context" not in document:
        problems.append(f"@context is missing; it must start with {VC2_CONTEXT!r}")
    elif first != VC2_CONTEXT and not v1:
        problems.append(f"the first @context must be {VC2_CONTEXT!r} (4.3)")
    if "id" in document and not is_url(document["id"]):
        problems.append("id must be a single URL (4.4)")
    types = _types(document.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type must include 'VerifiableCredential' (4.5)")
    if any(not isinstance(t, str) or not t for t in types):
        problems.append("every type must be a non-empty string (4.5)")
    problems.extend(_issuer_problems(document.get("issuer")))
    problems.extend(_subject_problems(document.get("credentialSubject")))
    problems.extend(_validity_problems(document, v1=v1))
    problems.extend(_typed_member_problems(document))
    problems.extend(_schema_problems(document.get("credentialSchema")))
    problems.extend(_related_resource_problems(document))
    problems.extend(_proof_problems(document.get("proof")))
    return problems


def presentation_problems(document: Mapping[str, Any], *, allow_v1: bool = True) -> list[str]:
    """Every VC DM structural rule the presentation ``document`` breaks (section 4.13)."""
    problems: list[str] = []
    first = _first_context(document)
    v1 = allow_v1 and first == VC1_CONTEXT
    if "@context" not in document:
        problems.append(f"@context is missing; it must start with {VC2_CONTEXT!r}")
    elif first != VC2_CONTEXT and not v1:
        problems.append(f"the first @context must be {VC2_CONTEXT!r} (4.3)")
    if "id" in document and not is_url(document["id"]):
        problems.append("id must be a single URL (4.4)")
    if "VerifiablePresentation" not in _types(document.get("type")):
        problems.append("type must include 'VerifiablePresentation' (4.13)")
    if "holder" in document:
        holder = document["holder"]
        holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
        if not is_url(holder_id):
            problems.append("holder must be a URL or an object whose id is a URL (4.13)")
    if "verifiableCredential" in document:
        for index, item in enumerate(_as_list(document["verifiableCredential"])):
            if not isinstance(item, Mapping):
                problems.append(
                    f"verifiableCredential[{index}] must be a credential object or an "
                    "EnvelopedVerifiableCredential, not a string or number (4.13)"
                )
            elif not item.get("type"):
                problems.append(f"verifiableCredential[{index}] has no type (4.5)")
    problems.extend(_proof_problems(document.get("proof")))
    return problems


def _issuer_problems(issuer: Any) -> list[str]:
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if not is_url(issuer_id):
        return ["issuer must be a URL or an object whose id is a URL (4.7)"]
    return []


def _subject_problems(subject: Any) -> list[str]:
    if subject is None:
        return ["credentialSubject is missing (4.8)"]
    subjects = _as_list(subject)
    if not subjects:
        return ["credentialSubject must not be empty (4.8)"]
    problems: list[str] = []
    for index, item in enumerate(subjects):
        label = (
            "credentialSubject" if not isinstance(subject, list) else f"credentialSubject[{index}]"
        )
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be an object (4.8)")
        elif not item:
            problems.append(f"{label} makes no claims (4.8)")
        elif "id" in item and not is_url(item["id"]):
            problems.append(f"{label}.id must be a single URL (4.4)")
    return problems


def _validity_problems(document: Mapping[str, Any], *, v1: bool) -> list[str]:
    problems: list[str] = []
    names = ("issuanceDate", "expirationDate") if v1 else ("validFrom", "validUntil")
    check = _DATE_TIME.match if v1 else _DATE_TIME_STAMP.match
    values: dict[str, str] = {}
    for name in (*names, "validFrom", "validUntil"):
        if name in document and name not in values:
            value = document[name]
            if not (isinstance(value, str) and check(value) and _parses(value)):
                problems.append(
                    f"{name} must be an XML Schema dateTimeStamp such as 2025-01-31T12:00:00Z (4.9)"
                )
            else:
                values[name] = value
    start = values.get("validFrom")
    end = values.get("validUntil")
    if start and end and _instant(end) < _instant(start):
        problems.append("validUntil is before validFrom (4.9)")
    return problems


def _instant(value: str) -> datetime:
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    return datetime.fromisoformat(text)


def _typed_member_problems(document: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for member in _TYPED_MEMBERS:
        if member not in document:
            continue
        for index, item in enumerate(_as_list(document[member])):
            label = member if not isinstance(document[member], list) else f"{member}[{index}]"
            if not isinstance(item, Mapping):
                problems.append(f"{label} must be an object (4.5)")
                continue
            if not item.get("type"):
                problems.append(f"{label} must have a type (4.5)")
            elif any(not isinstance(t, str) or not t for t in _types(item["type"])):
                problems.append(f"{label}.type must be one or more strings (4.5)")
            if "id" in item and not is_url(item["id"]):
                problems.append(f"{label}.id must be a single URL (4.4)")
    return problems


def _schema_problems(schemas: Any) -> list[str]:
    if schemas is None:
        return []
    problems: list[str] = []
    for index, item in enumerate(_as_list(schemas)):
        label = (
            "credentialSchema" if not isinstance(schemas, list) else f"credentialSchema[{index}]"
        )
        if isinstance(item, Mapping) and not is_url(item.get("id")):
            problems.append(f"{label} must have an id that is a URL (4.11)")
    return problems


def _related_resource_problems(document: Mapping[str, Any]) -> list[str]:
    if "relatedResource" not in document:
        return []
    problems: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(_as_list(document["relatedResource"])):
        label = f"relatedResource[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be an object with id and a digest (5.3)")
            continue
        ident = item.get("id")
        if not isinstance(ident, str) or not is_url(ident):
            problems.append(f"{label} must have an id that is a URL (5.3)")
        elif ident in seen:
            problems.append(f"{label}.id {ident!r} appears more than once (5.3)")
        else:
            seen.add(ident)
        if not (item.get("digestSRI") or item.get("digestMultibase")):
            problems.append(f"{label} must have a digestSRI or a digestMultibase (5.3)")
    return problems


def _proof_problems(proof: Any) -> list[str]:
    if proof is None:
        return []
    problems: list[str] = []
    for index, item in enumerate(_as_list(proof)):
        label = "proof" if not isinstance(proof, list) else f"proof[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{label} must be an object")
        elif not item.get("type"):
            problems.append(f"{label} must have a type (4.5)")
    return problems
