"""Tables of the issuing domain.

``awards``          one row per issued credential; ``credential_json`` holds the signed
                    JSON-LD exactly as signed (served byte for byte).
``status_lists``    Bitstring Status Lists per organisation and purpose; ``next_index`` is
                    allocated atomically; the signed list credential is cached with the
                    ``version`` it was rendered from.
``bulk_batches``    an uploaded CSV; ``bulk_rows`` its validated rows (the durable job
                    state: pending/issued/failed/skipped); ``bulk_errors`` its problems.
``outbox_messages`` mails to send (durable; a job delivers them).
``claim_tokens``    single-use claim links (only the SHA-256 of the token is stored).
``did_challenges``  challenges issued for DID-auth presentations when claiming.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from microcred.storage import Base, UTCDateTime, utcnow

__all__ = [
    "Award",
    "BulkBatch",
    "BulkError",
    "BulkRow",
    "ClaimToken",
    "DidChallenge",
    "OutboxMessage",
    "StatusList",
]


class StatusList(Base):
    """One Bitstring Status List of an organisation (served at
    ``/status/<org>/<purpose>/<sequence>``)."""

    __tablename__ = "status_lists"
    __table_args__ = (UniqueConstraint("organisation_id", "purpose", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    #: Bumped on every change of a bit; the cached credential says which version it shows.
    version: Mapped[int] = mapped_column(Integer, default=1)
    signed_json: Mapped[str | None] = mapped_column(Text)
    signed_version: Mapped[int | None] = mapped_column(Integer)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BulkBatch(Base):
    """An uploaded CSV of awards to make."""

    __tablename__ = "bulk_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    definition_version_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="RESTRICT")
    )
    filename: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BulkRow(Base):
    """A valid row of a batch; ``status`` is the durable job state."""

    __tablename__ = "bulk_rows"
    __table_args__ = (UniqueConstraint("batch_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("bulk_batches.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    did: Mapped[str | None] = mapped_column(String(500))
    name: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[str | None] = mapped_column(String(200))
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    evidence_narrative: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="pending")
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)


class BulkError(Base):
    """A problem found while validating a batch (line, column, message)."""

    __tablename__ = "bulk_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("bulk_batches.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)


class Award(Base):
    """An issued credential."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("organisation_id", "external_id"),
        UniqueConstraint("revocation_list_id", "revocation_index"),
        UniqueConstraint("suspension_list_id", "suspension_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    credential_id: Mapped[str] = mapped_column(String(600), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    definition_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="RESTRICT"), index=True
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    recipient_email: Mapped[str | None] = mapped_column(String(320), index=True)
    recipient_did: Mapped[str | None] = mapped_column(String(500))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    identity_salt: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    revocation_index: Mapped[int] = mapped_column(Integer)
    suspension_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    suspension_index: Mapped[int] = mapped_column(Integer)
    credential_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="api")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("bulk_batches.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("awards.id", ondelete="SET NULL")
    )
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(320), default="")

    @property
    def credential_bytes(self) -> bytes:
        return self.credential_json.encode("utf-8")


class OutboxMessage(Base):
    """A mail waiting to be sent (or sent); the delivery job works from this table."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int | None] = mapped_column(
        ForeignKey("awards.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClaimToken(Base):
    """A single-use claim link for an award; only the SHA-256 of the token is stored."""

    __tablename__ = "claim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DidChallenge(Base):
    """A challenge for a DID-auth presentation (single use, short-lived)."""

    __tablename__ = "did_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_awards_org_issued", Award.organisation_id, Award.id)
Index("ix_bulk_rows_batch_status", BulkRow.batch_id, BulkRow.status, BulkRow.id)
