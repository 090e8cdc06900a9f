"""Credit articulation: a programme (e.g. a degree) recognises micro-credentials for credit.

A learner's credit toward a programme is the sum, over the programme's items, of the
item's credits when the learner holds a counting credential of that definition (verified
now, not revoked, suspended or expired; imports count once verified and signed by the
definition's organisation), capped at the programme's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import User
from microcred.catalogue.models import DefinitionVersion
from microcred.credentials.documents import Fetcher
from microcred.pathways.models import Programme, ProgrammeItem
from microcred.pathways.progress import holdings_of
from microcred.pathways.types import HeldCredential, Holdings

__all__ = ["ItemCredit", "ProgrammeCredit", "programme_credit", "programme_credits"]


@dataclass(frozen=True)
class ItemCredit:
    key: str
    title: str
    provider: str
    credits: float
    note: str
    held: HeldCredential | None
    published: bool

    @property
    def url(self) -> str:
        return f"/catalogue/{self.key}"


@dataclass(frozen=True)
class ProgrammeCredit:
    programme: Programme
    items: list[ItemCredit]
    earned: float

    @property
    def total(self) -> float:
        return self.programme.total_credits

    @property
    def percent(self) -> int:
        return round(100 * self.earned / self.total) if self.total else 0


def programme_items(session: Session, programme: Programme) -> list[ProgrammeItem]:
    return list(
        session.scalars(
            select(ProgrammeItem)
            .where(ProgrammeItem.programme_id == programme.id)
            .order_by(ProgrammeItem.credits.desc(), ProgrammeItem.definition_id)
        )
    )


def programme_credit(session: Session, programme: Programme, holdings: Holdings) -> ProgrammeCredit:
    items: list[ItemCredit] = []
    earned = 0.0
    for row in programme_items(session, programme):
        definition = row.definition
        key = f"{definition.organisation.slug}/{definition.slug}"
        version_id = definition.published_version_id
        title = definition.slug
        if version_id is not None:
            version = session.get(DefinitionVersion, version_id)
            title = version.title if version is not None else title
        held = holdings.by_definition.get(key)
        if held is not None:
            earned += row.credits
        items.append(
            ItemCredit(
                key=key,
                title=title,
                provider=definition.organisation.name,
                credits=row.credits,
                note=row.note,
                held=held,
                published=version_id is not None,
            )
        )
    earned = round(min(earned, programme.total_credits), 6)
    return ProgrammeCredit(programme, items, earned)


def programme_credits(
    session: Session,
    user: User,
    *,
    fetcher: Fetcher,
    base_url: str,
    now: datetime | None = None,
    holdings: Holdings | None = None,
) -> list[ProgrammeCredit]:
    """The learner's credit toward every active programme, the most credit first."""
    held = holdings or holdings_of(session, user, fetcher=fetcher, base_url=base_url, now=now)
    out = [
        programme_credit(session, programme, held)
        for programme in session.scalars(
            select(Programme).where(Programme.status == "active").order_by(Programme.title)
        )
    ]
    out.sort(key=lambda c: -c.earned)
    return out
