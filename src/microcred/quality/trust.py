"""Who vouches for an issuer: the ``issuer_trust`` and ``endorsements`` checks.

The core stays pure: :func:`microcred.credentials.verify.verify` knows nothing about trust
registries. Callers (VC API, verify page, employers' link check, CLI) add these checks to
the report it returns:

- :func:`add_trust_check` looks the issuer up (a :class:`~.types.TrustLookup`: this
  platform's accreditations and consumed registries from the database, or registry files
  for the CLI) and adds ``issuer_trust``: *passed* (``accredited``: by whom, until when,
  in which registry; ``listed``: a registry lists the issuer without an accreditation) or
  a *warning* (``unknown_issuer``) — never a failure, so ``verified`` is unchanged.
- :func:`add_endorsement_check` adds ``endorsements`` listing the verified endorsements of
  the credential's achievement (definition) and issuer stored on this platform.
- :func:`add_platform_checks` adds both, as every verification on this platform does.

A :class:`TrustCache` (one per web process) keeps what these checks read for each issuer
(registry entries, verified endorsements) for a few seconds, so that verifying many
credentials of the same issuer does not repeat the same queries and the endorsements'
own verification: writes by this process are seen at once, by other processes within
``seconds`` (see :class:`~microcred.storage.cache.ReadCache`). With ``cached_only`` the
checks answer from that cache alone and raise
:class:`~microcred.storage.cache.NotCached` when they would need the database.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.credentials.documents import Fetcher
from microcred.credentials.report import Check, VerificationReport
from microcred.credentials.verify import verify
from microcred.quality.accreditation import current_accreditations
from microcred.quality.models import Endorsement, TrustRegistry, TrustRegistryEntry
from microcred.quality.registry import registry_name
from microcred.quality.types import TrustEntry, z
from microcred.storage import NotCached, ReadCache, utcnow

__all__ = [
    "DatabaseTrust",
    "StaticTrust",
    "TrustCache",
    "add_endorsement_check",
    "add_platform_checks",
    "add_trust_check",
    "describe",
    "issuer_of",
]

#: The tables the ``issuer_trust`` lookup reads.
TRUST_TABLES: tuple[str, ...] = (
    "accreditations",
    "organisations",
    "trust_registries",
    "trust_registry_entries",
)
#: The tables the ``endorsements`` check reads, with those its verification reads.
ENDORSEMENT_TABLES: tuple[str, ...] = (
    "endorsements",
    "organisations",
    "organisation_keys",
    "status_lists",
)

#: Endorsements are looked up by (definition key or None, issuer DID or None).
_EndorsementKey = tuple[str | None, str | None]


class TrustCache:
    """The trust lookups and verified endorsements of one process, by issuer."""

    def __init__(
        self,
        *,
        seconds: float,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.entries: ReadCache[str, tuple[TrustEntry, ...]] = ReadCache(
            TRUST_TABLES, seconds=seconds, max_entries=max_entries, clock=clock
        )
        self.endorsements: ReadCache[_EndorsementKey, tuple[dict[str, Any], ...]] = ReadCache(
            ENDORSEMENT_TABLES, seconds=seconds, max_entries=max_entries, clock=clock
        )

    def clear(self) -> None:
        self.entries.clear()
        self.endorsements.clear()


def issuer_of(document: Mapping[str, Any] | None) -> str | None:
    issuer = (document or {}).get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and len(issuer) <= 500 else None


class StaticTrust:
    """Entries known up front (the CLI's ``--trust-registry`` files)."""

    def __init__(self, entries: Iterable[TrustEntry]) -> None:
        self._by_issuer: dict[str, list[TrustEntry]] = {}
        for entry in entries:
            self._by_issuer.setdefault(entry.issuer, []).append(entry)

    def entries_for(self, issuer: str) -> list[TrustEntry]:
        return list(self._by_issuer.get(issuer, []))


class DatabaseTrust:
    """This platform's accreditations, then the consumed registries' entries."""

    def __init__(
        self,
        session: Session,
        *,
        base_url: str,
        now: datetime | None = None,
        cache: TrustCache | None = None,
        cached_only: bool = False,
    ) -> None:
        self.session = session
        self.base_url = base_url
        self.now = now or utcnow()
        self.cache = cache
        self.cached_only = cached_only

    def entries_for(self, issuer: str) -> list[TrustEntry]:
        if self.cache is None:
            if self.cached_only:
                raise NotCached(issuer)
            return self._entries_for(issuer)
        return list(
            self.cache.entries.get(
                issuer, lambda: tuple(self._entries_for(issuer)), cached_only=self.cached_only
            )
        )

    def _entries_for(self, issuer: str) -> list[TrustEntry]:
        own = registry_name(self.base_url)
        out = [
            TrustEntry(
                issuer=provider.did,
                name=provider.name,
                registry=own,
                accredited_by=body.did,
                accredited_by_name=body.name,
                scope=accreditation.scope,
                valid_from=accreditation.valid_from,
                valid_until=accreditation.valid_until,
                url=provider.url,
            )
            for accreditation, provider, body in current_accreditations(
                self.session, now=self.now, provider_did=issuer
            )
        ]
        rows = self.session.execute(
            select(TrustRegistryEntry, TrustRegistry.name)
            .join(TrustRegistry, TrustRegistry.id == TrustRegistryEntry.registry_id)
            .where(TrustRegistryEntry.issuer_did == issuer[:500])
            .order_by(TrustRegistry.id, TrustRegistryEntry.id)
        ).all()
        for row, name in rows:
            out.append(
                TrustEntry(
                    issuer=row.issuer_did,
                    name=row.name,
                    registry=name,
                    accredited_by=row.accredited_by,
                    accredited_by_name=row.accredited_by_name,
                    scope=row.scope,
                    valid_from=row.valid_from,
                    valid_until=row.valid_until,
                    url=row.url,
                    location=row.location,
                )
            )
        return out


def describe(entry: TrustEntry) -> str:
    """One entry in words: "accredited by X until Y (listed in R)"."""
    if entry.accredited_by or entry.accredited_by_name:
        by = entry.accredited_by_name or entry.accredited_by
        until = f" until {entry.valid_until:%Y-%m-%d}" if entry.valid_until else ""
        scope = f" for {entry.scope}" if entry.scope else ""
        return f"accredited by {by}{until}{scope} (listed in {entry.registry})"
    return f"listed in {entry.registry}" + (f" as {entry.name}" if entry.name else "")


def _trust_check(issuer: str | None, lookup: Any, now: datetime) -> Check:
    if issuer is None:
        return Check.warning(
            "issuer_trust", "unknown_issuer", "The credential names no issuer to look up."
        )
    entries = lookup.entries_for(issuer)
    current = [entry for entry in entries if entry.current(now)]
    accredited = [e for e in current if e.accredited_by or e.accredited_by_name]
    if accredited:
        return Check.passed(
            "issuer_trust",
            "accredited",
            f"{accredited[0].name or issuer} is " + "; ".join(describe(e) for e in accredited),
            entries=[e.to_json() for e in current],
        )
    if current:
        return Check.passed(
            "issuer_trust",
            "listed",
            f"{issuer} is " + "; ".join(describe(e) for e in current) + " (no accreditation).",
            entries=[e.to_json() for e in current],
        )
    lapsed = [e for e in entries if not e.current(now)]
    extra = (
        " An accreditation it held is no longer current ("
        + "; ".join(describe(e) for e in lapsed[:2])
        + ")."
        if lapsed
        else ""
    )
    return Check.warning(
        "issuer_trust",
        "unknown_issuer",
        f"No trust registry this verifier knows lists the issuer {issuer}: the signature "
        f"proves who issued it, but no quality body vouches for them.{extra}",
        entries=[e.to_json() for e in lapsed],
    )


def add_trust_check(
    report: VerificationReport, lookup: Any, *, now: datetime | None = None
) -> VerificationReport:
    """Add ``issuer_trust`` to ``report`` (and to each credential of a presentation)."""
    moment = now or utcnow()
    if report.kind != "presentation" and report.document is not None:
        report.add(_trust_check(issuer_of(report.document), lookup, moment))
    for nested in report.credentials:
        add_trust_check(nested, lookup, now=moment)
    return report


_ACHIEVEMENT = re.compile(r"/definitions/([a-z0-9-]{1,64})/([a-z0-9-]{1,64})/v\d+$")


def _achievement_key(document: Mapping[str, Any], base_url: str) -> str | None:
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    found = achievement.get("id") if isinstance(achievement, Mapping) else None
    if not isinstance(found, str) or not found.startswith(base_url.rstrip("/") + "/definitions/"):
        return None
    match = _ACHIEVEMENT.search(found)
    return f"{match.group(1)}/{match.group(2)}" if match else None


def _verified_endorsements(
    session: Session,
    key: _EndorsementKey,
    *,
    fetcher: Fetcher | None,
    now: datetime | None,
) -> tuple[dict[str, Any], ...]:
    """The verified, not withdrawn endorsements of definition ``key[0]`` and of the
    organisation whose DID is ``key[1]``."""
    definition, issuer = key
    targets = []
    if definition is not None:
        targets.append(("definition", definition))
    if issuer is not None:
        org = session.scalar(select(Organisation).where(Organisation.did == issuer))
        if org is not None:
            targets.append(("organisation", org.slug))
    if not targets:
        return ()
    rows = session.scalars(
        select(Endorsement)
        .where(
            Endorsement.withdrawn_at.is_(None),
            or_(
                *(
                    (Endorsement.target_type == kind) & (Endorsement.target_key == value)
                    for kind, value in targets
                )
            ),
        )
        .order_by(Endorsement.id)
    ).all()
    listed: list[dict[str, Any]] = []
    for row in rows:
        endorsement = json.loads(row.credential_json)
        if not verify(endorsement, fetcher=fetcher, now=now).verified:
            continue
        endorser = session.get(Organisation, row.endorser_id)
        listed.append(
            {
                "id": row.credential_id,
                "endorser": endorser.name if endorser else "",
                "endorserId": endorser.did if endorser else None,
                "target": row.target_type,
                "comment": row.comment,
                "issued": z(row.created_at),
            }
        )
    return tuple(listed)


def add_endorsement_check(
    report: VerificationReport,
    session: Session,
    *,
    base_url: str,
    fetcher: Fetcher | None,
    now: datetime | None = None,
    cache: TrustCache | None = None,
    cached_only: bool = False,
) -> VerificationReport:
    """Add ``endorsements``: verified endorsements of the credential's definition (when it
    is one of this platform's) and of its issuer. Nothing is added when there are none."""
    if report.kind != "presentation" and report.document is not None:
        key = (_achievement_key(report.document, base_url), issuer_of(report.document))
        if cache is None or now is not None:
            if cached_only:
                raise NotCached(key)
            found = _verified_endorsements(session, key, fetcher=fetcher, now=now)
        else:
            found = cache.endorsements.get(
                key,
                lambda: _verified_endorsements(session, key, fetcher=fetcher, now=None),
                cached_only=cached_only,
            )
        listed = [dict(item) for item in found]
        if listed:
            names = ", ".join(sorted({str(item["endorser"]) for item in listed}))
            report.add(
                Check.passed(
                    "endorsements",
                    "endorsed",
                    f"Endorsed by {names} ({len(listed)} verified endorsement"
                    f"{'s' if len(listed) != 1 else ''}).",
                    endorsements=listed,
                )
            )
    for nested in report.credentials:
        add_endorsement_check(
            nested,
            session,
            base_url=base_url,
            fetcher=fetcher,
            now=now,
            cache=cache,
            cached_only=cached_only,
        )
    return report


def add_platform_checks(
    report: VerificationReport,
    session: Session,
    *,
    base_url: str,
    fetcher: Fetcher | None,
    cache: TrustCache | None = None,
    cached_only: bool = False,
) -> VerificationReport:
    """Add ``issuer_trust`` and ``endorsements`` to ``report`` (after ``verify()``), as
    every verification on this platform does (API, pages, employers' checks). With
    ``cached_only``, :class:`~microcred.storage.cache.NotCached` when the ``cache`` does not
    hold the answers (nothing is read from the database)."""
    lookup = DatabaseTrust(session, base_url=base_url, cache=cache, cached_only=cached_only)
    add_trust_check(report, lookup)
    add_endorsement_check(
        report, session, base_url=base_url, fetcher=fetcher, cache=cache, cached_only=cached_only
    )
    return report
