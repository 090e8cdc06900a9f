"""wallet: learner profiles (privacy), wallet items (claimed and imported credentials),
share links and their items.

Revision ID: wallet_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "wallet_0001"
down_revision = None
branch_labels = ("wallet",)
depends_on = ("accounts_0001", "issuing_0001")


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(length=40), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("updated_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("handle", name=op.f("uq_profiles_handle")),
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column(
            "last_viewed_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shares_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("public_id", name=op.f("uq_shares_public_id")),
        sa.UniqueConstraint("token", name=op.f("uq_shares_token")),
    )
    op.create_index(op.f("ix_shares_user_id"), "shares", ["user_id"], unique=False)
    op.create_table(
        "wallet_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("container", sa.String(length=5), nullable=False),
        sa.Column("credential_text", sa.Text(), nullable=True),
        sa.Column("credential_id", sa.String(length=600), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer_name", sa.String(length=300), nullable=False),
        sa.Column("import_result", sa.Text(), nullable=True),
        sa.Column("import_summary", sa.String(length=300), nullable=False),
        sa.Column("added_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_wallet_items_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_wallet_items_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_items")),
        sa.UniqueConstraint("public_id", name=op.f("uq_wallet_items_public_id")),
        sa.UniqueConstraint("user_id", "award_id", name=op.f("uq_wallet_items_user_id_award_id")),
    )
    op.create_index(op.f("ix_wallet_items_user_id"), "wallet_items", ["user_id"], unique=False)
    op.create_table(
        "share_items",
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["wallet_items.id"],
            name=op.f("fk_share_items_item_id_wallet_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["shares.id"],
            name=op.f("fk_share_items_share_id_shares"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", "item_id", name=op.f("pk_share_items")),
    )


def downgrade() -> None:
    op.drop_table("share_items")
    op.drop_index(op.f("ix_wallet_items_user_id"), table_name="wallet_items")
    op.drop_table("wallet_items")
    op.drop_index(op.f("ix_shares_user_id"), table_name="shares")
    op.drop_table("shares")
    op.drop_table("profiles")
