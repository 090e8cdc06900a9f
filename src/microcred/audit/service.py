"""Recording and reading the audit log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.types import Actor
from microcred.audit.models import AuditEvent
from microcred.errors import InvalidInput
from microcred.storage import utcnow

__all__ = ["list_events", "record"]

MAX_PAGE_SIZE = 200


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    organisation_id: int | None,
    subject_type: str,
    subject_id: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one event to the audit log (in the caller's transaction)."""
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:320],
        action=action,
        organisation_id=organisation_id,
        subject_type=subject_type,
        subject_id=str(subject_id),
        details=dict(details or {}),
    )
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session,
    *,
    organisation_id: int,
    limit: int = 50,
    before_id: int | None = None,
    action: str | None = None,
) -> Sequence[AuditEvent]:
    """Events of one organisation, newest first; page with ``before_id`` (keyset)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_PAGE_SIZE}, got {limit}.", code="invalid_limit"
        )
    query = select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
