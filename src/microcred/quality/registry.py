"""Trust registries: publish this platform's, consume others'.

Published (``GET /trust/registry.json``), microcred's trust registry format::

    {
      "format": "https://w3id.org/microcred/trust-registry/v1",
      "name": "<registry name>",
      "publisher": {"id": "<DID of the publishing quality body>", "name": "..."},
      "updated": "2026-01-01T00:00:00Z",
      "entries": [
        {"issuer": "<issuer DID>", "name": "<issuer name>", "url": "...",
         "accreditedBy": {"id": "<quality body DID>", "name": "..."},
         "scope": "...", "validFrom": "...Z", "validUntil": "...Z" | null}
      ]
    }

The same content as a signed credential (``GET /trust/registry.vc.json``): a VC 2.0
``TrustRegistryCredential`` issued by the publisher (``eddsa-rdfc-2022``) whose
``credentialSubject`` is a ``TrustRegistry`` with ``registryName`` and one
``trustedIssuer`` per entry (``id``, ``issuerName``, ``issuerUrl``, ``accreditedBy``,
``accreditedByName``, ``accreditationScope``, ``accreditedFrom``, ``accreditedUntil``:
terms of microcred's extension context, ``docs/extension-context.md``).

Consumed: either of those, or the Digital Credentials Consortium's issuer registry
(``{"meta": {...}, "registry": {"<DID>": {"name", "url", "location"}}}``, as published
at digitalcredentials.github.io/issuer-registry/registry.json). A signed registry must
verify (:func:`microcred.credentials.verify.verify`) before any entry is believed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor
from microcred.audit.service import record
from microcred.credentials.documents import Fetcher
from microcred.credentials.errors import FetchError
from microcred.credentials.keys import KeyFile
from microcred.credentials.proofs import sign
from microcred.credentials.verify import verify
from microcred.errors import Conflict, InvalidInput
from microcred.quality.accreditation import current_accreditations
from microcred.quality.errors import InvalidRegistry, RegistryNotFound
from microcred.quality.models import TrustRegistry, TrustRegistryEntry
from microcred.quality.types import REGISTRY_FORMAT, RegistryFormat, TrustEntry, z
from microcred.storage import utcnow

__all__ = [
    "MAX_ENTRIES",
    "MAX_REGISTRY_BYTES",
    "REGISTRY_CONTEXTS",
    "ParsedRegistry",
    "add_registry",
    "due_registries",
    "get_registry",
    "list_registries",
    "parse_registry",
    "refresh_due",
    "refresh_registry",
    "registry_credential",
    "registry_json",
    "registry_name",
    "remove_registry",
]

MAX_REGISTRY_BYTES: Final = 5 * 1024 * 1024
MAX_ENTRIES: Final = 20_000
REGISTRY_CONTEXTS: Final[list[str]] = [
    "https://www.w3.org/ns/credentials/v2",
    "https://w3id.org/microcred/v1",
]
_ACCEPT: Final = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.9"


# -- publishing ----------------------------------------------------------------------------
def registry_name(base_url: str) -> str:
    return f"microcred trust registry ({base_url.rstrip('/')})"


def _entries(session: Session, now: datetime) -> list[dict[str, Any]]:
    out = []
    for accreditation, provider, body in current_accreditations(session, now=now):
        out.append(
            {
                "issuer": provider.did,
                "name": provider.name,
                "url": provider.url,
                "accreditedBy": {"id": body.did, "name": body.name},
                "scope": accreditation.scope,
                "validFrom": z(accreditation.valid_from),
                "validUntil": z(accreditation.valid_until),
            }
        )
    return out


def registry_json(
    session: Session, *, base_url: str, publisher: Organisation | None, now: datetime | None = None
) -> dict[str, Any]:
    """This platform's trust registry: every accreditation that holds now."""
    moment = now or utcnow()
    return {
        "format": REGISTRY_FORMAT,
        "name": registry_name(base_url),
        "publisher": (
            {"id": publisher.did, "name": publisher.name} if publisher is not None else None
        ),
        "updated": z(moment),
        "entries": _entries(session, moment),
    }


def registry_credential(
    session: Session,
    *,
    base_url: str,
    publisher: Organisation,
    key: KeyFile,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The registry as a ``TrustRegistryCredential`` signed by ``publisher``'s ``key``."""
    moment = now or utcnow()
    registry = registry_json(session, base_url=base_url, publisher=publisher, now=moment)
    moment = moment.replace(microsecond=0)
    issuers = []
    for entry in registry["entries"]:
        item: dict[str, Any] = {
            "id": entry["issuer"],
            "type": ["TrustedIssuer"],
            "issuerName": entry["name"],
            "accreditedBy": entry["accreditedBy"]["id"],
            "accreditedByName": entry["accreditedBy"]["name"],
            "accreditationScope": entry["scope"],
            "accreditedFrom": entry["validFrom"],
        }
        if entry["url"]:
            item["issuerUrl"] = entry["url"]
        if entry["validUntil"]:
            item["accreditedUntil"] = entry["validUntil"]
        issuers.append(item)
    document: dict[str, Any] = {
        "@context": list(REGISTRY_CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "TrustRegistryCredential"],
        "name": registry["name"],
        "issuer": {"id": publisher.did, "name": publisher.name},
        "validFrom": z(moment),
        "credentialSubject": {
            "id": f"{base_url.rstrip('/')}/trust/registry.json",
            "type": ["TrustRegistry"],
            "registryName": registry["name"],
            "trustedIssuer": issuers,
        },
    }
    return sign(document, key.key, verification_method=key.id, created=moment)


# -- consuming ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedRegistry:
    format: RegistryFormat
    name: str
    publisher: str | None
    entries: list[TrustEntry] = field(default_factory=list)


def _text(value: Any, limit: int = 500) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


def _did(value: Any) -> str | None:
    text = _text(value)
    if text is None or not text.startswith("did:") or len(text) > 500:
        return None
    return text


def _time(value: Any) -> datetime | None:
    text = _text(value, 64)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRegistry(f"{text!r} is not a date and time (ISO 8601).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _accredited_by(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, Mapping):
        return _did(value.get("id")), _text(value.get("name"))
    return _did(value), None


def _own(doc: Mapping[str, Any], label: str) -> ParsedRegistry:
    raw = doc.get("entries")
    if not isinstance(raw, list):
        raise InvalidRegistry("A microcred trust registry needs an `entries` list.")
    name = _text(doc.get("name")) or label
    entries = []
    for item in raw[:MAX_ENTRIES]:
        if not isinstance(item, Mapping) or _did(item.get("issuer")) is None:
            continue
        by, by_name = _accredited_by(item.get("accreditedBy"))
        entries.append(
            TrustEntry(
                issuer=str(_did(item.get("issuer"))),
                name=_text(item.get("name")) or "",
                registry=name,
                accredited_by=by,
                accredited_by_name=by_name,
                scope=_text(item.get("scope"), 2000),
                valid_from=_time(item.get("validFrom")),
                valid_until=_time(item.get("validUntil")),
                url=_text(item.get("url"), 2000),
            )
        )
    publisher = doc.get("publisher")
    publisher_id = _did(publisher.get("id")) if isinstance(publisher, Mapping) else None
    return ParsedRegistry("microcred", name, publisher_id, entries)


def _dcc(doc: Mapping[str, Any], label: str) -> ParsedRegistry:
    raw = doc.get("registry")
    assert isinstance(raw, Mapping)
    entries = []
    for did, item in list(raw.items())[:MAX_ENTRIES]:
        if _did(did) is None or not isinstance(item, Mapping):
            continue
        entries.append(
            TrustEntry(
                issuer=str(did),
                name=_text(item.get("name")) or "",
                registry=label,
                url=_text(item.get("url"), 2000),
                location=_text(item.get("location")),
            )
        )
    return ParsedRegistry("dcc", label, None, entries)


def _signed(
    doc: dict[str, Any],
    label: str,
    *,
    fetcher: Fetcher | None,
    expected_publisher: str | None,
    now: datetime | None,
) -> ParsedRegistry:
    report = verify(doc, fetcher=fetcher, now=now)
    if not report.verified:
        reasons = "; ".join(c.message for c in report.failures[:3]) or "no valid proof"
        raise InvalidRegistry(f"The signed trust registry does not verify: {reasons}")
    issuer = doc.get("issuer")
    publisher = _did(issuer.get("id") if isinstance(issuer, Mapping) else issuer)
    if expected_publisher is not None and publisher != expected_publisher:
        raise InvalidRegistry(
            f"The registry is signed by {publisher}, not by the expected publisher "
            f"{expected_publisher}."
        )
    subject = doc.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, Mapping):
        raise InvalidRegistry("The registry credential has no credentialSubject.")
    name = _text(subject.get("registryName")) or _text(doc.get("name")) or label
    raw = subject.get("trustedIssuer")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, Mapping) else []
    entries = []
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, Mapping) or _did(item.get("id")) is None:
            continue
        entries.append(
            TrustEntry(
                issuer=str(_did(item.get("id"))),
                name=_text(item.get("issuerName")) or "",
                registry=name,
                accredited_by=_did(item.get("accreditedBy")),
                accredited_by_name=_text(item.get("accreditedByName")),
                scope=_text(item.get("accreditationScope"), 2000),
                valid_from=_time(item.get("accreditedFrom")),
                valid_until=_time(item.get("accreditedUntil")),
                url=_text(item.get("issuerUrl"), 2000),
            )
        )
    return ParsedRegistry("microcred-vc", name, publisher, entries)


def parse_registry(
    data: bytes,
    *,
    label: str,
    fetcher: Fetcher | None = None,
    expected_publisher: str | None = None,
    now: datetime | None = None,
) -> ParsedRegistry:
    """Read a registry in any supported format (detected from its shape).

    ``label`` names the registry when the document does not; ``fetcher`` resolves the
    signer's DID for a signed registry; ``expected_publisher`` pins its signer. A plain
    JSON registry carries no proof: it is believed because the operator configured it.
    """
    if len(data) > MAX_REGISTRY_BYTES:
        raise InvalidRegistry(f"A trust registry is limited to {MAX_REGISTRY_BYTES} bytes.")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InvalidRegistry("The trust registry is not JSON.") from None
    if not isinstance(doc, dict):
        raise InvalidRegistry("A trust registry is a JSON object.")
    types = doc.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if "proof" in doc or "VerifiableCredential" in types:
        return _signed(doc, label, fetcher=fetcher, expected_publisher=expected_publisher, now=now)
    if expected_publisher is not None:
        raise InvalidRegistry(
            "A publisher was pinned, but this registry is not signed; use the signed "
            "(credential) form of the registry."
        )
    if doc.get("format") == REGISTRY_FORMAT or isinstance(doc.get("entries"), list):
        return _own(doc, label)
    if isinstance(doc.get("registry"), Mapping):
        return _dcc(doc, label)
    raise InvalidRegistry(
        "Not a trust registry we can read: expected microcred's format (`entries`), its "
        "signed credential form, or the DCC issuer registry (`registry` keyed by DID)."
    )


# -- configured registries ------------------------------------------------------------------
def _kind(location: str) -> str:
    if location.startswith(("https://", "http://")):
        return "url"
    return "file"


def list_registries(session: Session) -> Sequence[TrustRegistry]:
    return session.scalars(select(TrustRegistry).order_by(TrustRegistry.id)).all()


def get_registry(session: Session, registry_id: int) -> TrustRegistry:
    found = session.get(TrustRegistry, registry_id)
    if found is None:
        raise RegistryNotFound(
            f"No trust registry {registry_id}; list them with `microcred trust registries`."
        )
    return found


def add_registry(
    session: Session,
    location: str,
    *,
    actor: Actor,
    name: str | None = None,
    expected_publisher: str | None = None,
) -> TrustRegistry:
    """Configure a registry to consume (``location``: an https URL or a file path)."""
    location = location.strip()
    if not location or len(location) > 2000 or "\x00" in location:
        raise InvalidInput("Give the registry's URL or file path.", code="invalid_location")
    if expected_publisher is not None and _did(expected_publisher) is None:
        raise InvalidInput("The expected publisher must be a DID.", code="invalid_did")
    if session.scalar(select(TrustRegistry.id).where(TrustRegistry.location == location)):
        raise Conflict(f"The registry {location!r} is already configured.", code="registry_exists")
    registry = TrustRegistry(
        name=(name or "").strip()[:200] or location[-200:],
        location=location,
        kind=_kind(location),
        expected_publisher=expected_publisher,
        created_at=utcnow(),
    )
    session.add(registry)
    session.flush()
    record(
        session,
        actor=actor,
        action="trust_registry.add",
        organisation_id=None,
        subject_type="trust_registry",
        subject_id=str(registry.id),
        details={"location": location, "expected_publisher": expected_publisher},
    )
    return registry


def remove_registry(session: Session, registry_id: int, *, actor: Actor) -> None:
    registry = get_registry(session, registry_id)
    session.execute(delete(TrustRegistryEntry).where(TrustRegistryEntry.registry_id == registry.id))
    session.delete(registry)
    session.flush()
    record(
        session,
        actor=actor,
        action="trust_registry.remove",
        organisation_id=None,
        subject_type="trust_registry",
        subject_id=str(registry_id),
        details={"location": registry.location},
    )


def read_location(location: str, fetcher: Fetcher | None) -> bytes:
    """The bytes of a registry: over ``fetcher`` for URLs, from disk for files."""
    if _kind(location) == "url":
        if fetcher is None:
            raise InvalidRegistry("Fetching registries over the network is switched off.")
        try:
            return fetcher.fetch(location, accept=_ACCEPT)
        except FetchError as exc:
            raise InvalidRegistry(f"Could not fetch {location}: {exc.message}") from None
    try:
        with Path(location).open("rb") as handle:
            return handle.read(MAX_REGISTRY_BYTES + 1)
    except OSError as exc:
        raise InvalidRegistry(f"Could not read {location}: {exc.strerror}.") from None


def refresh_registry(
    session: Session,
    registry: TrustRegistry,
    *,
    fetcher: Fetcher | None,
    read: Callable[[str, Fetcher | None], bytes] = read_location,
    now: datetime | None = None,
) -> TrustRegistry:
    """Read the registry again and replace its entries. A registry that cannot be read
    or does not verify keeps no entries and records the error (fail closed)."""
    session.execute(delete(TrustRegistryEntry).where(TrustRegistryEntry.registry_id == registry.id))
    registry.refreshed_at = utcnow()
    try:
        parsed = parse_registry(
            read(registry.location, fetcher),
            label=registry.name,
            fetcher=fetcher,
            expected_publisher=registry.expected_publisher,
            now=now,
        )
    except InvalidRegistry as exc:
        registry.last_error = exc.message
        registry.entry_count = 0
        session.flush()
        return registry
    registry.last_error = None
    registry.format = parsed.format
    registry.publisher = parsed.publisher
    registry.entry_count = len(parsed.entries)
    if parsed.name and registry.name == registry.location[-200:]:
        registry.name = parsed.name[:200]
    session.add_all(
        TrustRegistryEntry(
            registry_id=registry.id,
            issuer_did=entry.issuer,
            name=entry.name[:500],
            url=entry.url,
            location=entry.location,
            accredited_by=entry.accredited_by,
            accredited_by_name=entry.accredited_by_name,
            scope=entry.scope,
            valid_from=entry.valid_from,
            valid_until=entry.valid_until,
        )
        for entry in parsed.entries
    )
    session.flush()
    return registry


def due_registries(
    session: Session, *, max_age: timedelta, now: datetime | None = None
) -> Sequence[TrustRegistry]:
    """The registries never read, or last read more than ``max_age`` ago, oldest first."""
    cutoff = (now or utcnow()) - max_age
    return session.scalars(
        select(TrustRegistry)
        .where(or_(TrustRegistry.refreshed_at.is_(None), TrustRegistry.refreshed_at <= cutoff))
        .order_by(TrustRegistry.refreshed_at.is_not(None), TrustRegistry.refreshed_at)
    ).all()


def refresh_due(
    session: Session,
    *,
    fetcher: Fetcher | None,
    max_age: timedelta,
    now: datetime | None = None,
) -> list[TrustRegistry]:
    """Read again every registry last read more than ``max_age`` ago (what the job worker
    runs on a schedule, ``MICROCRED_TRUST_REFRESH_HOURS``); the registries refreshed."""
    refreshed = []
    for row in due_registries(session, max_age=max_age, now=now):
        refresh_registry(session, row, fetcher=fetcher)
        refreshed.append(row)
    return refreshed
