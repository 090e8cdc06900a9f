"""quality: quality bodies, accreditations, consumed trust registries and their entries,
endorsements.

Revision ID: quality_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "quality_0001"
down_revision = None
branch_labels = ("quality",)
depends_on = ("accounts_0001", "catalogue_0001")


def upgrade() -> None:
    op.create_table(
        "trust_registries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=True),
        sa.Column("expected_publisher", sa.String(length=500), nullable=True),
        sa.Column("publisher", sa.String(length=500), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_registries")),
        sa.UniqueConstraint("location", name=op.f("uq_trust_registries_location")),
    )
    op.create_table(
        "accreditations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("scope_definitions", sa.JSON(), nullable=False),
        sa.Column("field_of_study", sa.String(length=200), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("valid_from", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("withdrawn_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["organisations.id"],
            name=op.f("fk_accreditations_body_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisations.id"],
            name=op.f("fk_accreditations_provider_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accreditations")),
        sa.UniqueConstraint("public_id", name=op.f("uq_accreditations_public_id")),
    )
    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_key", sa.String(length=200), nullable=False),
        sa.Column("target_organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.String(length=600), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("credential_id", sa.String(length=600), nullable=False),
        sa.Column("credential_json", sa.Text(), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endorser_id"],
            ["organisations.id"],
            name=op.f("fk_endorsements_endorser_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_endorsements_target_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_endorsements_credential_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_endorsements_public_id")),
    )
    op.create_table(
        "quality_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_quality_bodies_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_bodies")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_quality_bodies_organisation_id")),
    )
    op.create_table(
        "trust_registry_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registry_id", sa.Integer(), nullable=False),
        sa.Column("issuer_did", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("location", sa.String(length=500), nullable=True),
        sa.Column("accredited_by", sa.String(length=500), nullable=True),
        sa.Column("accredited_by_name", sa.String(length=500), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("valid_from", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_until", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registry_id"],
            ["trust_registries.id"],
            name=op.f("fk_trust_registry_entries_registry_id_trust_registries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_registry_entries")),
    )
    op.create_index(op.f("ix_accreditations_body_id"), "accreditations", ["body_id"], unique=False)
    op.create_index(
        op.f("ix_accreditations_provider_id"), "accreditations", ["provider_id"], unique=False
    )
    op.create_index(
        "ix_accreditations_provider_status",
        "accreditations",
        ["provider_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_endorsements_endorser_id"), "endorsements", ["endorser_id"], unique=False
    )
    op.create_index(
        op.f("ix_endorsements_target_key"), "endorsements", ["target_key"], unique=False
    )
    op.create_index(
        op.f("ix_endorsements_target_organisation_id"),
        "endorsements",
        ["target_organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_trust_registry_entries_issuer_did"),
        "trust_registry_entries",
        ["issuer_did"],
        unique=False,
    )
    op.create_index(
        op.f("ix_trust_registry_entries_registry_id"),
        "trust_registry_entries",
        ["registry_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("trust_registry_entries")
    op.drop_table("quality_bodies")
    op.drop_table("endorsements")
    op.drop_table("accreditations")
    op.drop_table("trust_registries")
