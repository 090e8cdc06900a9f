"""Quality bodies: the organisations that may accredit providers.

A platform admin registers an organisation as a quality body (``microcred trust add-body
ORG`` or ``POST /api/quality/bodies``). Its owners (and its API tokens with the ``manage``
scope) then accredit providers in its name (:mod:`microcred.quality.accreditation`). The
platform role ``quality_body`` of a user (accounts) gives read access everywhere; it does
not by itself let anyone accredit: accreditations are always made by an organisation with
a DID and a key, so the trust registry it publishes can be signed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor, Principal
from microcred.audit.service import record
from microcred.errors import PermissionDenied
from microcred.quality.errors import NotQualityBody
from microcred.quality.models import QualityBody
from microcred.storage import utcnow

__all__ = [
    "add_quality_body",
    "is_quality_body",
    "list_quality_bodies",
    "registry_publisher",
    "remove_quality_body",
    "require_admin",
]


def require_admin(principal: Principal | None) -> None:
    """Only platform admins register quality bodies and external registries."""
    if principal is None or not principal.is_admin:
        raise PermissionDenied(
            "Only a platform admin may do this; sign in as an admin or use the operator "
            "CLI (`microcred trust ...`).",
            code="admin_only",
        )


def is_quality_body(session: Session, organisation: Organisation) -> bool:
    return (
        session.scalar(select(QualityBody.id).where(QualityBody.organisation_id == organisation.id))
        is not None
    )


def list_quality_bodies(session: Session) -> Sequence[Organisation]:
    return session.scalars(
        select(Organisation)
        .join(QualityBody, QualityBody.organisation_id == Organisation.id)
        .order_by(QualityBody.id)
    ).all()


def add_quality_body(session: Session, organisation: Organisation, *, actor: Actor) -> QualityBody:
    """Register ``organisation`` as a quality body (idempotent)."""
    found = session.scalar(
        select(QualityBody).where(QualityBody.organisation_id == organisation.id)
    )
    if found is not None:
        return found
    body = QualityBody(organisation_id=organisation.id, created_at=utcnow())
    session.add(body)
    session.flush()
    record(
        session,
        actor=actor,
        action="quality_body.add",
        organisation_id=organisation.id,
        subject_type="organisation",
        subject_id=organisation.slug,
        details={"did": organisation.did},
    )
    return body


def remove_quality_body(session: Session, organisation: Organisation, *, actor: Actor) -> None:
    body = session.scalar(select(QualityBody).where(QualityBody.organisation_id == organisation.id))
    if body is None:
        raise NotQualityBody(f"{organisation.slug!r} is not a quality body.")
    session.delete(body)
    session.flush()
    record(
        session,
        actor=actor,
        action="quality_body.remove",
        organisation_id=organisation.id,
        subject_type="organisation",
        subject_id=organisation.slug,
    )


def registry_publisher(session: Session) -> Organisation | None:
    """The organisation that publishes (and signs) this platform's trust registry: the
    first registered quality body, or None when there is none yet."""
    bodies = list_quality_bodies(session)
    return bodies[0] if bodies else None
