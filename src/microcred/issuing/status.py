"""Bitstring Status Lists of an organisation: index allocation and the served lists.

W3C Bitstring Status List v1.0. Every award gets one ``revocation`` and one ``suspension``
entry (§2.1); each organisation has numbered lists per purpose, served at
``<base_url>/status/<org>/<purpose>/<sequence>`` as signed ``BitstringStatusListCredential``
documents (§2.2).

Allocation is one atomic statement, ``UPDATE status_lists SET next_index = next_index + 1
WHERE id = (current list) AND next_index < size RETURNING id, next_index`` (SQLite >= 3.35
and PostgreSQL),
so concurrent issuers never get the same index; a unique constraint on
``awards(revocation_list_id, revocation_index)`` backs this up. When the current list is
full a new one is created (a concurrent creator loses on the unique
``(organisation_id, purpose, sequence)`` constraint inside a savepoint and retries).

The bits are not stored: they are derived from the awards' status when a list is rendered
(revoked/superseded -> revocation bit; suspended -> suspension bit), so two revocations can
never lose each other's update. Each change bumps ``version``; the signed list is cached
with the version it shows and re-signed when they differ.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from microcred.credentials.keys import KeyFile
from microcred.credentials.proofs import sign
from microcred.credentials.status import MIN_BITS, Bitstring, status_list_credential
from microcred.errors import Unavailable
from microcred.issuing.models import Award, StatusList
from microcred.issuing.types import LIST_SIZE, STATUS_PURPOSES
from microcred.storage import utcnow

__all__ = [
    "allocate",
    "dump_json",
    "etag_for",
    "list_url",
    "mark_changed",
    "render",
    "served_list",
]

_MAX_ATTEMPTS = 20


def dump_json(document: dict[str, Any]) -> str:
    """The one JSON serialization of signed documents (stored and served as is)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def etag_for(text: str) -> str:
    return '"' + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + '"'


def list_url(base_url: str, org_slug: str, purpose: str, sequence: int) -> str:
    return f"{base_url.rstrip('/')}/status/{org_slug}/{purpose}/{sequence}"


def allocate(
    session: Session, *, organisation_id: int, purpose: str, size: int = LIST_SIZE
) -> tuple[StatusList, int]:
    """Take the next free index in the organisation's current ``purpose`` list.

    Runs in the caller's transaction: if it rolls back, the index is simply never used
    (a zero bit nobody points at). ``size`` is the capacity given to a newly created list.
    """
    if purpose not in STATUS_PURPOSES:
        raise ValueError(f"unknown status purpose {purpose!r}")
    current = (
        select(StatusList.id)
        .where(
            StatusList.organisation_id == organisation_id,
            StatusList.purpose == purpose,
            StatusList.next_index < StatusList.size,
        )
        .order_by(StatusList.sequence)
        .limit(1)
        .scalar_subquery()
    )
    for _ in range(_MAX_ATTEMPTS):
        # One statement (a write first, so SQLite takes its write lock before reading and
        # PostgreSQL re-checks ``next_index < size`` on the locked row).
        taken = session.execute(
            update(StatusList)
            .where(StatusList.id == current, StatusList.next_index < StatusList.size)
            .values(next_index=StatusList.next_index + 1)
            .returning(StatusList.id, StatusList.next_index)
            .execution_options(synchronize_session=False)
        ).one_or_none()
        if taken is None:  # no list with room (or it filled up meanwhile): make the next
            _create_next(session, organisation_id=organisation_id, purpose=purpose, size=size)
            continue
        status_list = session.get(StatusList, taken[0])
        assert status_list is not None
        return status_list, taken[1] - 1
    raise Unavailable(
        f"Could not allocate a {purpose} status index after {_MAX_ATTEMPTS} attempts; "
        "the database is very busy, try again.",
        code="status_allocation_failed",
    )


def _create_next(session: Session, *, organisation_id: int, purpose: str, size: int) -> None:
    """Create the next list, unless a concurrent issuer already did.

    Creators serialize on the newest list's row (``SELECT ... FOR UPDATE``; SQLite's single
    writer already serializes them) and re-check after the lock, so two transactions never
    race to insert the same sequence (which on PostgreSQL would make one wait for the
    other's transaction inside a unique index and can deadlock with row locks).
    """
    of_purpose = (StatusList.organisation_id == organisation_id, StatusList.purpose == purpose)
    last = session.execute(
        select(StatusList.sequence)
        .where(*of_purpose)
        .order_by(StatusList.sequence.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if last is not None:
        newest = session.scalar(select(func.max(StatusList.sequence)).where(*of_purpose))
        room = session.scalar(
            select(StatusList.id).where(*of_purpose, StatusList.next_index < StatusList.size)
        )
        if newest != last or room is not None:
            return  # created (or freed) meanwhile; the caller retries
    try:
        with session.begin_nested():
            session.add(
                StatusList(
                    organisation_id=organisation_id,
                    purpose=purpose,
                    sequence=(last or 0) + 1,
                    size=size,
                    next_index=0,
                    version=1,
                    created_at=utcnow(),
                )
            )
    except IntegrityError:
        pass  # a concurrent issuer created the first list; the caller retries


def mark_changed(session: Session, list_id: int) -> None:
    """Record that a bit of the list changed (the cached signed list is now stale)."""
    session.execute(
        update(StatusList)
        .where(StatusList.id == list_id)
        .values(version=StatusList.version + 1)
        .execution_options(synchronize_session=False)
    )


def bits_of(session: Session, status_list: StatusList) -> Bitstring:
    """The list's bits, derived from the awards' status."""
    length = max(MIN_BITS, -(-status_list.size // 8) * 8)
    bits = Bitstring(length)
    if status_list.purpose == "revocation":
        rows = session.execute(
            select(Award.revocation_index).where(
                Award.revocation_list_id == status_list.id,
                Award.status.in_(("revoked", "superseded")),
            )
        ).scalars()
    else:
        rows = session.execute(
            select(Award.suspension_index).where(
                Award.suspension_list_id == status_list.id, Award.status == "suspended"
            )
        ).scalars()
    for index in rows:
        bits.set(index)
    return bits


def render(
    session: Session,
    status_list: StatusList,
    *,
    org_slug: str,
    issuer: str,
    base_url: str,
    key: KeyFile,
    now: datetime | None = None,
) -> str:
    """Sign the list as it is now, cache it on the row and return the JSON text."""
    version = session.execute(
        select(StatusList.version).where(StatusList.id == status_list.id)
    ).scalar_one()
    when = now or utcnow()
    url = list_url(base_url, org_slug, status_list.purpose, status_list.sequence)
    document = status_list_credential(
        id=url,
        issuer=issuer,
        purpose=status_list.purpose,
        bitstring=bits_of(session, status_list),
        # The list is valid since it was created (a verifier whose clock read "now" just
        # before this rendering must not see a list from its future).
        valid_from=min(status_list.created_at, when).replace(microsecond=0),
    )
    signed = sign(document, key.key, verification_method=key.id, created=when)
    text = dump_json(signed)
    session.execute(
        update(StatusList)
        .where(StatusList.id == status_list.id)
        .values(signed_json=text, signed_version=version, signed_at=when)
        .execution_options(synchronize_session=False)
    )
    session.expire(status_list)
    return text


def served_list(
    session: Session,
    *,
    organisation_id: int,
    org_slug: str,
    issuer: str,
    purpose: str,
    sequence: int,
    base_url: str,
    key: Callable[[], KeyFile],
) -> str | None:
    """The signed list credential to serve (None if no such list): the cached one when it
    is current, else freshly signed (and cached)."""
    status_list = session.execute(
        select(StatusList).where(
            StatusList.organisation_id == organisation_id,
            StatusList.purpose == purpose,
            StatusList.sequence == sequence,
        )
    ).scalar_one_or_none()
    if status_list is None:
        return None
    if status_list.signed_json is not None and status_list.signed_version == status_list.version:
        return status_list.signed_json
    return render(
        session, status_list, org_slug=org_slug, issuer=issuer, base_url=base_url, key=key()
    )
