"""Tables of the pathways domain.

``pathways``          a provider's stacked credential: the definition it awards (its own
                      catalogue definition, e.g. achievementType ``Certificate``) and the
                      rule tree (JSON, :mod:`microcred.pathways.rules`).
``pathway_awards``    one row per (pathway, learner) that was awarded: the unique
                      constraint makes auto-award idempotent, even under concurrency.
``programmes``        an organisation's programme (e.g. a degree) with its total credits.
``programme_items``   which definitions (any provider's) the programme recognises, and for
                      how many credits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microcred.accounts.models import Organisation
from microcred.catalogue.models import Definition
from microcred.storage import Base, UTCDateTime, utcnow

__all__ = ["Pathway", "PathwayAward", "Programme", "ProgrammeItem"]


class Pathway(Base):
    __tablename__ = "pathways"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The catalogue definition of the stacked credential (same organisation).
    definition_id: Mapped[int] = mapped_column(ForeignKey("definitions.id", ondelete="CASCADE"))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: "active" (evaluated, shown to learners) or "retired".
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(320), default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    definition: Mapped[Definition] = relationship(lazy="joined", innerjoin=True)


class PathwayAward(Base):
    __tablename__ = "pathway_awards"
    __table_args__ = (UniqueConstraint("pathway_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathways.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    #: [{"id": credential id, "digestMultibase": ..., "title": ...}] as named in the credential.
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    credits: Mapped[float] = mapped_column(Float, default=0.0)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Programme(Base):
    __tablename__ = "programmes"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The programme's total (e.g. 180 ECTS for a bachelor's degree).
    total_credits: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)


class ProgrammeItem(Base):
    __tablename__ = "programme_items"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("definitions.id", ondelete="CASCADE"), primary_key=True
    )
    #: ECTS credits the programme grants for a credential of the definition.
    credits: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(300), default="")

    definition: Mapped[Definition] = relationship(lazy="joined", innerjoin=True)
