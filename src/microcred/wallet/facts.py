"""What a page needs to know about a credential document: title, issuer, dates, recipient,
skills (alignments) and evidence, read defensively from untrusted JSON (OB 3.0, with VC 1.1
and OB 2.0 fallbacks). Nothing here verifies anything."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from microcred.credentials.report import CheckStatus, VerificationReport

__all__ = [
    "Alignment",
    "CredentialFacts",
    "Evidence",
    "facts_of",
    "jwt_payload",
    "live_status",
    "parse_datetime",
]


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str
    framework: str
    code: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Evidence:
    name: str
    url: str
    narrative: str


@dataclass
class CredentialFacts:
    title: str = "Untitled credential"
    description: str = ""
    issuer_name: str = ""
    issuer_id: str = ""
    issuer_url: str = ""
    credential_id: str = ""
    issued: datetime | None = None
    expires: datetime | None = None
    recipient_name: str = ""
    recipient_id: str = ""
    achievement_id: str = ""
    image: str = ""
    alignments: list[Alignment] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    criteria: str = ""
    ects: str = ""


def _text(value: Any, limit: int = 2000) -> str:
    """A display string from a JSON value (a string, or a language map's first value)."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, dict):
        for key in ("@value", "en", "name"):
            if isinstance(value.get(key), str):
                return str(value[key])[:limit]
        for item in value.values():
            if isinstance(item, str):
                return item[:limit]
    if isinstance(value, list) and value:
        return _text(value[0], limit)
    return ""


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def jwt_payload(token: str) -> dict[str, Any]:
    """The (unverified) JSON payload of a compact JWT, for display only; {} if unreadable."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    inner = value.get("vc")
    return inner if isinstance(inner, dict) else value


def _image(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


def facts_of(doc: dict[str, Any]) -> CredentialFacts:
    """The displayable facts of an OB 3.0 credential (or an OB 2.0 assertion, roughly)."""
    facts = CredentialFacts()
    subject = _first(doc.get("credentialSubject"))
    achievement = _first(subject.get("achievement")) or _first(doc.get("badge"))
    facts.title = _text(achievement.get("name"), 300) or _text(doc.get("name"), 300) or facts.title
    facts.description = _text(achievement.get("description")) or _text(doc.get("description"))
    issuer = doc.get("issuer") or achievement.get("issuer")
    if isinstance(issuer, str):
        facts.issuer_id = issuer[:500]
    elif isinstance(issuer, dict):
        facts.issuer_id = _text(issuer.get("id"), 500)
        facts.issuer_name = _text(issuer.get("name"), 300)
        facts.issuer_url = _text(issuer.get("url"), 2000)
    facts.credential_id = _text(doc.get("id"), 600)
    facts.issued = parse_datetime(
        doc.get("validFrom") or doc.get("issuanceDate") or doc.get("issuedOn")
    )
    facts.expires = parse_datetime(
        doc.get("validUntil") or doc.get("expirationDate") or doc.get("expires")
    )
    facts.recipient_name = _text(subject.get("name"), 200)
    facts.recipient_id = _text(subject.get("id"), 500)
    facts.achievement_id = _text(achievement.get("id"), 600)
    facts.image = _image(achievement.get("image")) or _image(doc.get("image"))
    criteria = achievement.get("criteria")
    if isinstance(criteria, dict):
        facts.criteria = _text(criteria.get("narrative"))
    ects = achievement.get("creditsAvailable")
    if isinstance(ects, int | float) and not isinstance(ects, bool):
        facts.ects = f"{ects:g}"
    for item in _list(achievement.get("alignment"))[:200]:
        if not isinstance(item, dict):
            continue
        name = _text(item.get("targetName"), 300)
        if not name:
            continue
        facts.alignments.append(
            Alignment(
                name=name,
                url=_text(item.get("targetUrl"), 2000),
                framework=_text(item.get("targetFramework"), 200) or "Other",
                code=_text(item.get("targetCode"), 100),
                kind=_text(item.get("targetType"), 100),
            )
        )
    for item in _list(doc.get("evidence"))[:100]:
        if isinstance(item, str):
            facts.evidence.append(Evidence(name="", url=item[:2000], narrative=""))
        elif isinstance(item, dict):
            facts.evidence.append(
                Evidence(
                    name=_text(item.get("name"), 300),
                    url=_text(item.get("id"), 2000),
                    narrative=_text(item.get("narrative")) or _text(item.get("description")),
                )
            )
    return facts


def live_status(report: VerificationReport) -> str:
    """One word for a verification report: active, revoked, suspended, expired,
    not-yet-valid, or unverified (the signature, issuer or format failed)."""
    failed = [c for c in report.checks if c.status is CheckStatus.FAILED]
    codes = {c.code for c in failed if c.name == "status"}
    if "revoked" in codes:
        return "revoked"
    if "suspended" in codes:
        return "suspended"
    if report.verified:
        return "active"
    other = [c for c in failed if c.name != "validity"]
    validity = [c for c in failed if c.name == "validity"]
    if validity and not other:
        return "expired" if validity[0].code == "expired" else "not-yet-valid"
    return "unverified"
