"""Tables of the quality domain.

- ``quality_bodies``: organisations a platform admin registered as quality bodies; only
  they accredit providers.
- ``accreditations``: one quality body vouching for one provider (scope, validity, public
  statement); withdrawn, never deleted.
- ``trust_registries`` / ``trust_registry_entries``: external trust registries this
  platform consumes (URL or file), with the issuers they list as of the last refresh.
- ``endorsements``: signed OB 3.0 EndorsementCredentials of a definition or a provider,
  stored exactly as signed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from microcred.storage import Base, UTCDateTime, utcnow

__all__ = ["Accreditation", "Endorsement", "QualityBody", "TrustRegistry", "TrustRegistryEntry"]


class QualityBody(Base):
    """An organisation that accredits providers (registered by a platform admin)."""

    __tablename__ = "quality_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Accreditation(Base):
    """A quality body's accreditation of a provider. ``status``: active | withdrawn."""

    __tablename__ = "accreditations"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    body_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(Text)
    scope_definitions: Mapped[list[str]] = mapped_column(JSON, default=list)
    field_of_study: Mapped[str | None] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12), default="active")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(320), default="")


class TrustRegistry(Base):
    """An external trust registry: where it comes from and what the last refresh read.

    ``kind``: url | file. ``format``: microcred | microcred-vc | dcc (detected on refresh).
    """

    __tablename__ = "trust_registries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    format: Mapped[str | None] = mapped_column(String(16))
    expected_publisher: Mapped[str | None] = mapped_column(String(500))
    publisher: Mapped[str | None] = mapped_column(String(500))
    entry_count: Mapped[int] = mapped_column(default=0)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrustRegistryEntry(Base):
    """One issuer an external registry lists (replaced on every refresh)."""

    __tablename__ = "trust_registry_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    registry_id: Mapped[int] = mapped_column(
        ForeignKey("trust_registries.id", ondelete="CASCADE"), index=True
    )
    issuer_did: Mapped[str] = mapped_column(String(500), index=True)
    name: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    location: Mapped[str | None] = mapped_column(String(500))
    accredited_by: Mapped[str | None] = mapped_column(String(500))
    accredited_by_name: Mapped[str | None] = mapped_column(String(500))
    scope: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Endorsement(Base):
    """A signed EndorsementCredential. ``target_type``: definition | organisation;
    ``target_key`` is ``org/slug`` for a definition and the organisation's slug otherwise."""

    __tablename__ = "endorsements"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    endorser_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    target_type: Mapped[str] = mapped_column(String(16))
    target_key: Mapped[str] = mapped_column(String(200), index=True)
    target_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[str] = mapped_column(String(600))
    comment: Mapped[str] = mapped_column(Text)
    credential_id: Mapped[str] = mapped_column(String(600), unique=True)
    credential_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_accreditations_provider_status", Accreditation.provider_id, Accreditation.status)
