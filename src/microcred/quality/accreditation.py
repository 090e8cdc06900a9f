"""Accreditation: a quality body vouches for a provider.

Only quality bodies accredit (:func:`microcred.quality.service.is_quality_body`), and only
through a principal that may act for the body (its owners, or its tokens with ``manage``:
the accounts action ``org.update``). A provider cannot accredit itself: a quality body
accrediting its own organisation is refused too. Accreditations are withdrawn, never
deleted; every change is in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.service import authorize
from microcred.accounts.types import Actor, Principal
from microcred.audit.service import record
from microcred.catalogue.access import is_operator
from microcred.catalogue.models import Definition
from microcred.errors import Conflict, InvalidInput
from microcred.quality.errors import AccreditationNotFound, NotQualityBody, SelfAccreditation
from microcred.quality.models import Accreditation
from microcred.quality.service import is_quality_body
from microcred.quality.types import z
from microcred.storage import utcnow

__all__ = [
    "accredit",
    "current_accreditations",
    "get_accreditation",
    "list_accreditations",
    "withdraw",
]

MAX_SCOPE = 2000
MAX_STATEMENT = 10_000


def _authorize(session: Session, principal: Principal | None, organisation: Organisation) -> None:
    """Owners of ``organisation`` (or its ``manage`` tokens); the CLI operator
    (:data:`microcred.catalogue.access.OPERATOR`) acts for any organisation."""
    if principal is not None and is_operator(principal):
        return
    authorize(session, principal, organisation, "org.update")


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidInput("Dates need a time zone (e.g. 2026-01-01T00:00:00Z).", code="naive_time")
    return value


def accredit(
    session: Session,
    *,
    principal: Principal | None,
    body: Organisation,
    provider: Organisation,
    scope: str,
    definitions: Sequence[str] = (),
    field_of_study: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    statement: str = "",
) -> Accreditation:
    """Record that quality body ``body`` accredits ``provider`` for ``scope``.

    ``definitions`` are slugs of the provider's definitions the accreditation covers
    (empty: the scope text alone). Raises NotQualityBody, SelfAccreditation,
    PermissionDenied (not an owner of the body), InvalidInput.
    """
    _authorize(session, principal, body)
    if not is_quality_body(session, body):
        raise NotQualityBody(
            f"{body.name} is not a registered quality body, so it cannot accredit providers; "
            f"a platform admin registers it with `microcred trust add-body {body.slug}`."
        )
    if provider.id == body.id:
        raise SelfAccreditation(
            f"{body.name} cannot accredit itself; another quality body must accredit it."
        )
    scope = scope.strip()
    if not scope or len(scope) > MAX_SCOPE:
        raise InvalidInput(
            f"Describe the scope of the accreditation (1-{MAX_SCOPE} characters).",
            code="invalid_scope",
        )
    if len(statement) > MAX_STATEMENT:
        raise InvalidInput(
            f"The public statement is limited to {MAX_STATEMENT} characters.",
            code="invalid_statement",
        )
    slugs = list(dict.fromkeys(s.strip() for s in definitions if s.strip()))
    for slug in slugs:
        found = session.scalar(
            select(Definition.id).where(
                Definition.organisation_id == provider.id, Definition.slug == slug[:64]
            )
        )
        if found is None:
            raise InvalidInput(
                f"{provider.slug!r} has no definition {slug!r}; list them with "
                f"`microcred catalogue list --org {provider.slug}`.",
                code="unknown_definition",
            )
    start = _utc(valid_from) or utcnow().replace(microsecond=0)
    end = _utc(valid_until)
    if end is not None and end <= start:
        raise InvalidInput("valid_until must be after valid_from.", code="invalid_period")
    field_of_study = (field_of_study or "").strip()[:200] or None
    accreditation = Accreditation(
        public_id=str(uuid.uuid4()),
        body_id=body.id,
        provider_id=provider.id,
        scope=scope,
        scope_definitions=slugs,
        field_of_study=field_of_study,
        statement=statement.strip(),
        valid_from=start,
        valid_until=end,
        status="active",
        created_at=utcnow(),
        created_by=principal.actor.label if principal is not None else "",
    )
    session.add(accreditation)
    session.flush()
    record(
        session,
        actor=principal.actor if principal is not None else Actor.system("quality"),
        action="accreditation.grant",
        organisation_id=body.id,
        subject_type="accreditation",
        subject_id=accreditation.public_id,
        details={
            "provider": provider.slug,
            "scope": scope,
            "definitions": slugs,
            "valid_from": z(start),
            "valid_until": z(end),
        },
    )
    return accreditation


def get_accreditation(session: Session, public_id: str) -> Accreditation:
    found = session.scalar(select(Accreditation).where(Accreditation.public_id == public_id[:36]))
    if found is None:
        raise AccreditationNotFound(
            f"No accreditation {public_id[:36]!r}; list them with `microcred trust list`."
        )
    return found


def withdraw(
    session: Session, *, principal: Principal | None, public_id: str, reason: str = ""
) -> Accreditation:
    """Withdraw an accreditation (only the accrediting body may)."""
    accreditation = get_accreditation(session, public_id)
    body = session.get(Organisation, accreditation.body_id)
    assert body is not None
    _authorize(session, principal, body)
    if accreditation.status == "withdrawn":
        raise Conflict("This accreditation is already withdrawn.", code="already_withdrawn")
    accreditation.status = "withdrawn"
    accreditation.withdrawn_at = utcnow()
    accreditation.withdrawn_reason = reason.strip()[:2000] or None
    session.flush()
    record(
        session,
        actor=principal.actor if principal is not None else Actor.system("quality"),
        action="accreditation.withdraw",
        organisation_id=body.id,
        subject_type="accreditation",
        subject_id=accreditation.public_id,
        details={"reason": accreditation.withdrawn_reason},
    )
    return accreditation


def list_accreditations(
    session: Session,
    *,
    body: Organisation | None = None,
    provider: Organisation | None = None,
    include_withdrawn: bool = True,
) -> Sequence[Accreditation]:
    statement = select(Accreditation).order_by(Accreditation.id)
    if body is not None:
        statement = statement.where(Accreditation.body_id == body.id)
    if provider is not None:
        statement = statement.where(Accreditation.provider_id == provider.id)
    if not include_withdrawn:
        statement = statement.where(Accreditation.status == "active")
    return session.scalars(statement).all()


def current_accreditations(
    session: Session, *, now: datetime | None = None, provider_did: str | None = None
) -> Sequence[tuple[Accreditation, Organisation, Organisation]]:
    """Active accreditations that hold at ``now``: (accreditation, provider, body)."""
    moment = now or utcnow()
    provider = Organisation.__table__.alias("provider")
    body = Organisation.__table__.alias("body")
    statement = (
        select(Accreditation.id, provider.c.id, body.c.id)
        .join(provider, provider.c.id == Accreditation.provider_id)
        .join(body, body.c.id == Accreditation.body_id)
        .where(
            Accreditation.status == "active",
            Accreditation.valid_from <= moment,
            or_(Accreditation.valid_until.is_(None), Accreditation.valid_until > moment),
        )
        .order_by(Accreditation.id)
    )
    if provider_did is not None:
        statement = statement.where(provider.c.did == provider_did[:500])
    out = []
    for accreditation_id, provider_id, body_id in session.execute(statement).all():
        accreditation = session.get(Accreditation, accreditation_id)
        provider_org = session.get(Organisation, provider_id)
        body_org = session.get(Organisation, body_id)
        assert accreditation is not None
        assert provider_org is not None
        assert body_org is not None
        out.append((accreditation, provider_org, body_org))
    return out
