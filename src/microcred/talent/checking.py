"""Check a candidate's shared link: every credential at once, one summary.

The caller supplies what the link holds (:class:`~microcred.talent.types.SharedItem`: the
credentials of a share on this platform, or those embedded in a presentation fetched from
elsewhere) and a :class:`~microcred.credentials.documents.Fetcher` for DID documents and
status lists. Each credential gets its own full report from
:func:`microcred.credentials.verify.verify`; :func:`check_items` adds the one reason that
matters most to a person (revoked before expired before tampered...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from microcred.credentials.documents import Fetcher
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.verify import verify
from microcred.talent.types import CheckedCredential, LinkCheck, SharedItem

__all__ = ["REASONS", "check_items", "credentials_of", "issuer_id", "reason_of"]

#: Reasons a credential fails, most telling first, with the words shown to people.
REASONS: Final[dict[str, str]] = {
    "revoked": "revoked by the issuer",
    "suspended": "suspended by the issuer",
    "tampered": "changed after it was signed (the signature does not match)",
    "unsigned": "not signed",
    "expired": "expired",
    "not_yet_valid": "not valid yet",
    "unknown_issuer_key": "not signed with a key of the issuer it names",
    "status_unavailable": "its revocation status could not be checked",
    "malformed": "not a well-formed credential",
    "failed": "a check failed",
}


def reason_of(report: VerificationReport) -> tuple[str, str]:
    """``("verified", "")`` or the main reason a report failed and its first message."""
    if report.verified:
        return "verified", ""
    failed = report.failures
    codes = {(c.name, c.code) for c in failed}

    def first(name: str, code: str | None = None) -> str:
        for check in failed:
            if check.name == name and (code is None or check.code == code):
                return check.message
        return ""

    if ("status", "revoked") in codes:
        return "revoked", first("status", "revoked")
    if ("status", "suspended") in codes:
        return "suspended", first("status", "suspended")
    if ("proof", "no_proof") in codes:
        return "unsigned", first("proof", "no_proof")
    if any(name == "proof" for name, _ in codes):
        return "tampered", first("proof")
    if ("validity", "expired") in codes:
        return "expired", first("validity", "expired")
    if any(name == "validity" for name, _ in codes):
        return "not_yet_valid", first("validity")
    if any(name == "issuer_key" for name, _ in codes):
        return "unknown_issuer_key", first("issuer_key")
    if any(name == "status" for name, _ in codes):
        return "status_unavailable", first("status")
    if any(name in ("well_formed", "contexts", "terms", "schema") for name, _ in codes):
        name = next(n for n, _ in codes if n in ("well_formed", "contexts", "terms", "schema"))
        return "malformed", first(name)
    if not any(c.name == "proof" and c.status is CheckStatus.PASSED for c in report.checks):
        return "unsigned", "No valid proof was found."
    return "failed", failed[0].message if failed else ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("en", "name", "@value"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return ""


def _names(report: VerificationReport, item: SharedItem) -> tuple[str, str]:
    doc = report.document or {}
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = (_text(achievement.get("name")) if isinstance(achievement, Mapping) else "") or _text(
        doc.get("name")
    )
    issuer = doc.get("issuer")
    issuer_name = ""
    if isinstance(issuer, Mapping):
        issuer_name = _text(issuer.get("name")) or _text(issuer.get("id"))
    elif isinstance(issuer, str):
        issuer_name = issuer
    return (name or item.label or "A credential"), issuer_name


def issuer_id(report: VerificationReport) -> str | None:
    issuer = (report.document or {}).get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def check_items(
    items: Iterable[SharedItem],
    *,
    fetcher: Fetcher,
    now: datetime | None = None,
    registered: Callable[[str], bool] | None = None,
    presentation: VerificationReport | None = None,
) -> LinkCheck:
    """Verify every item (each on its own) and summarise. ``registered(issuer_did)`` says
    whether an issuer is an organisation of this platform (shown next to each result)."""
    checked: list[CheckedCredential] = []
    for position, item in enumerate(items, start=1):
        report = verify(item.document, fetcher=fetcher, now=now)
        reason, message = reason_of(report)
        name, issuer = _names(report, item)
        did = issuer_id(report)
        checked.append(
            CheckedCredential(
                position=position,
                name=name,
                issuer=issuer,
                outcome="verified" if reason == "verified" else "failed",
                reason=reason,
                message=message,
                report=report,
                issuer_registered=bool(did and registered is not None and registered(did)),
            )
        )
    return LinkCheck(credentials=checked, presentation=presentation)


def credentials_of(document: Mapping[str, Any]) -> list[SharedItem]:
    """The credentials a fetched document holds: those of a presentation
    (``verifiableCredential``, JSON or enveloped JWT), else the document itself."""
    types = document.get("type")
    type_list = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" not in type_list:
        return [SharedItem(dict(document))]
    embedded = document.get("verifiableCredential")
    entries = embedded if isinstance(embedded, list) else [embedded] if embedded else []
    items: list[SharedItem] = []
    for entry in entries:
        if isinstance(entry, str):
            items.append(SharedItem(entry))
        elif isinstance(entry, Mapping):
            if "EnvelopedVerifiableCredential" in (entry.get("type") or []):
                data = entry.get("id")
                if isinstance(data, str) and "," in data:
                    items.append(SharedItem(data.split(",", 1)[1]))
                    continue
            items.append(SharedItem(dict(entry)))
    return items
