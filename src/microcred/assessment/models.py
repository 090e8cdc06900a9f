"""Tables of the assessment domain.

``assessment_applications``  a learner's application for a definition version (status,
                             the applicant's statement, the latest feedback, the issued
                             award once approved). ``round`` counts submissions.
``assessment_evidence``      evidence per criterion: a file (stored outside the web root
                             under a random key, :mod:`microcred.assessment.evidence`), a
                             link or a text, with its source and the round it was added in.
``assessment_reviews``       every assessor step (more evidence requested, approved,
                             rejected) with the feedback and the rubric.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from microcred.accounts.models import Organisation, User
from microcred.catalogue.models import DefinitionVersion
from microcred.storage import Base, UTCDateTime, utcnow

__all__ = ["Application", "Evidence", "Review"]


class Application(Base):
    __tablename__ = "assessment_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    definition_version_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    round: Mapped[int] = mapped_column(Integer, default=0)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(320))

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)
    version: Mapped[DefinitionVersion] = relationship(lazy="joined", innerjoin=True)
    evidence: Mapped[list[Evidence]] = relationship(
        lazy="selectin",
        order_by="Evidence.id",
        cascade="all, delete-orphan",
        back_populates="application",
    )
    reviews: Mapped[list[Review]] = relationship(
        lazy="selectin", order_by="Review.id", cascade="all, delete-orphan"
    )


class Evidence(Base):
    __tablename__ = "assessment_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_applications.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    narrative: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(Text)
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    added_round: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="evidence")


class Review(Base):
    __tablename__ = "assessment_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_applications.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    feedback: Mapped[str] = mapped_column(Text, default="")
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reviewer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewer_label: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
