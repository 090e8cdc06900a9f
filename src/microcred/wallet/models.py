"""Tables of the wallet domain.

``profiles``      a learner's privacy settings: private by default; ``public`` opts in to a
                  public profile (``/people/<handle>``, and the name on credential pages),
                  ``discoverable`` separately opts in to employer search.
``wallet_items``  one row per credential a learner holds: a claimed award (``award_id``;
                  the bytes stay in ``awards.credential_json``) or an imported credential
                  (``credential_text``: the credential JSON or compact JWT exactly as given).
``shares``        share links (``/share/<token>``): expiry, revocation, view count.
``share_items``   which wallet items a share shows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from microcred.storage import Base, UTCDateTime, utcnow

__all__ = ["Profile", "Share", "ShareItem", "WalletItem"]


class Profile(Base):
    __tablename__ = "profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    discoverable: Mapped[bool] = mapped_column(Boolean, default=False)
    headline: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WalletItem(Base):
    __tablename__ = "wallet_items"
    __table_args__ = (UniqueConstraint("user_id", "award_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"))
    #: "claimed" or "imported".
    source: Mapped[str] = mapped_column(String(10))
    #: ob3-json, vc-jwt, ob2 (how the credential came).
    format: Mapped[str] = mapped_column(String(10))
    #: plain, png or svg: the container of an import.
    container: Mapped[str] = mapped_column(String(5), default="plain")
    credential_text: Mapped[str | None] = mapped_column(Text)
    credential_id: Mapped[str | None] = mapped_column(String(600))
    title: Mapped[str] = mapped_column(String(300), default="")
    issuer_name: Mapped[str] = mapped_column(String(300), default="")
    #: The verification result at import (JSON report) and its one-line summary.
    import_result: Mapped[str | None] = mapped_column(Text)
    import_summary: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Share(Base):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ShareItem(Base):
    __tablename__ = "share_items"

    share_id: Mapped[int] = mapped_column(
        ForeignKey("shares.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("wallet_items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
