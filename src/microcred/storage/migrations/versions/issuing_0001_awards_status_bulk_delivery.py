"""issuing: awards, status lists, bulk batches and rows, outbox, claim tokens, DID challenges.

Revision ID: issuing_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "issuing_0001"
down_revision = None
branch_labels = ("issuing",)
depends_on = ("accounts_0001", "catalogue_0001")


def upgrade() -> None:
    op.create_table(
        "did_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_did_challenges_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_did_challenges")),
        sa.UniqueConstraint("challenge", name=op.f("uq_did_challenges_challenge")),
    )
    op.create_index(op.f("ix_did_challenges_user_id"), "did_challenges", ["user_id"], unique=False)
    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_json", sa.Text(), nullable=True),
        sa.Column("signed_version", sa.Integer(), nullable=True),
        sa.Column("signed_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_status_lists_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
        sa.UniqueConstraint(
            "organisation_id",
            "purpose",
            "sequence",
            name=op.f("uq_status_lists_organisation_id_purpose_sequence"),
        ),
    )
    op.create_table(
        "bulk_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("definition_version_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_version_id"],
            ["definition_versions.id"],
            name=op.f("fk_bulk_batches_definition_version_id_definition_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bulk_batches_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_batches")),
        sa.UniqueConstraint("public_id", name=op.f("uq_bulk_batches_public_id")),
    )
    op.create_index(
        op.f("ix_bulk_batches_organisation_id"), "bulk_batches", ["organisation_id"], unique=False
    )
    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("credential_id", sa.String(length=600), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("definition_version_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("recipient_email", sa.String(length=320), nullable=True),
        sa.Column("recipient_did", sa.String(length=500), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=True),
        sa.Column("identity_salt", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column(
            "status_changed_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("revocation_list_id", sa.Integer(), nullable=False),
        sa.Column("revocation_index", sa.Integer(), nullable=False),
        sa.Column("suspension_list_id", sa.Integer(), nullable=False),
        sa.Column("suspension_index", sa.Integer(), nullable=False),
        sa.Column("credential_json", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("issued_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["bulk_batches.id"],
            name=op.f("fk_awards_batch_id_bulk_batches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["definition_version_id"],
            ["definition_versions.id"],
            name=op.f("fk_awards_definition_version_id_definition_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_awards_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["revocation_list_id"],
            ["status_lists.id"],
            name=op.f("fk_awards_revocation_list_id_status_lists"),
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["awards.id"],
            name=op.f("fk_awards_superseded_by_id_awards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["suspension_list_id"],
            ["status_lists.id"],
            name=op.f("fk_awards_suspension_list_id_status_lists"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_awards_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_awards_credential_id")),
        sa.UniqueConstraint(
            "organisation_id", "external_id", name=op.f("uq_awards_organisation_id_external_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_awards_public_id")),
        sa.UniqueConstraint(
            "revocation_list_id",
            "revocation_index",
            name=op.f("uq_awards_revocation_list_id_revocation_index"),
        ),
        sa.UniqueConstraint(
            "suspension_list_id",
            "suspension_index",
            name=op.f("uq_awards_suspension_list_id_suspension_index"),
        ),
    )
    op.create_index(
        op.f("ix_awards_definition_version_id"), "awards", ["definition_version_id"], unique=False
    )
    op.create_index("ix_awards_org_issued", "awards", ["organisation_id", "id"], unique=False)
    op.create_index(op.f("ix_awards_recipient_email"), "awards", ["recipient_email"], unique=False)
    op.create_index(op.f("ix_awards_user_id"), "awards", ["user_id"], unique=False)
    op.create_table(
        "bulk_errors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["bulk_batches.id"],
            name=op.f("fk_bulk_errors_batch_id_bulk_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_errors")),
    )
    op.create_index(op.f("ix_bulk_errors_batch_id"), "bulk_errors", ["batch_id"], unique=False)
    op.create_table(
        "bulk_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("did", sa.String(length=500), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("result", sa.String(length=200), nullable=True),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("evidence_narrative", sa.Text(), nullable=True),
        sa.Column("valid_until", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_bulk_rows_award_id_awards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["bulk_batches.id"],
            name=op.f("fk_bulk_rows_batch_id_bulk_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_rows")),
        sa.UniqueConstraint(
            "batch_id", "external_id", name=op.f("uq_bulk_rows_batch_id_external_id")
        ),
    )
    op.create_index(
        "ix_bulk_rows_batch_status", "bulk_rows", ["batch_id", "status", "id"], unique=False
    )
    op.create_table(
        "claim_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_claim_tokens_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by_user_id"],
            ["users.id"],
            name=op.f("fk_claim_tokens_used_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_claim_tokens_token_hash")),
    )
    op.create_index(op.f("ix_claim_tokens_award_id"), "claim_tokens", ["award_id"], unique=False)
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_outbox_messages_award_id_awards"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(
        op.f("ix_outbox_messages_award_id"), "outbox_messages", ["award_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_messages_award_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
    op.drop_index(op.f("ix_claim_tokens_award_id"), table_name="claim_tokens")
    op.drop_table("claim_tokens")
    op.drop_index("ix_bulk_rows_batch_status", table_name="bulk_rows")
    op.drop_table("bulk_rows")
    op.drop_index(op.f("ix_bulk_errors_batch_id"), table_name="bulk_errors")
    op.drop_table("bulk_errors")
    op.drop_index(op.f("ix_awards_user_id"), table_name="awards")
    op.drop_index(op.f("ix_awards_recipient_email"), table_name="awards")
    op.drop_index("ix_awards_org_issued", table_name="awards")
    op.drop_index(op.f("ix_awards_definition_version_id"), table_name="awards")
    op.drop_table("awards")
    op.drop_index(op.f("ix_bulk_batches_organisation_id"), table_name="bulk_batches")
    op.drop_table("bulk_batches")
    op.drop_table("status_lists")
    op.drop_index(op.f("ix_did_challenges_user_id"), table_name="did_challenges")
    op.drop_table("did_challenges")
