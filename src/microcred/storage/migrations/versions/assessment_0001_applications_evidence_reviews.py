"""assessment: applications for recognition of prior learning, their evidence (files,
links, texts per criterion) and the assessors' reviews.

Revision ID: assessment_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "assessment_0001"
down_revision = None
branch_labels = ("assessment",)
depends_on = ("accounts_0001", "catalogue_0001", "issuing_0001")


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, microcred.storage.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "assessment_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("definition_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        _utc("created_at", nullable=False),
        _utc("updated_at", nullable=False),
        _utc("submitted_at", nullable=True),
        _utc("decided_at", nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_assessment_applications_award_id_awards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["definition_version_id"],
            ["definition_versions.id"],
            name=op.f("fk_assessment_applications_definition_version_id_definition_versions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assessment_applications_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_applications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_applications")),
        sa.UniqueConstraint("public_id", name=op.f("uq_assessment_applications_public_id")),
    )
    for column in ("definition_version_id", "organisation_id", "status", "user_id"):
        op.create_index(
            op.f(f"ix_assessment_applications_{column}"),
            "assessment_applications",
            [column],
            unique=False,
        )
    op.create_table(
        "assessment_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("file_key", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("shareable", sa.Boolean(), nullable=False),
        sa.Column("added_round", sa.Integer(), nullable=False),
        _utc("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assessment_applications.id"],
            name=op.f("fk_assessment_evidence_application_id_assessment_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_evidence")),
        sa.UniqueConstraint("file_key", name=op.f("uq_assessment_evidence_file_key")),
        sa.UniqueConstraint("public_id", name=op.f("uq_assessment_evidence_public_id")),
    )
    op.create_index(
        op.f("ix_assessment_evidence_application_id"),
        "assessment_evidence",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "assessment_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("reviewer_user_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_label", sa.String(length=320), nullable=False),
        _utc("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["assessment_applications.id"],
            name=op.f("fk_assessment_reviews_application_id_assessment_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_user_id"],
            ["users.id"],
            name=op.f("fk_assessment_reviews_reviewer_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_reviews")),
    )
    op.create_index(
        op.f("ix_assessment_reviews_application_id"),
        "assessment_reviews",
        ["application_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("assessment_reviews")
    op.drop_table("assessment_evidence")
    op.drop_table("assessment_applications")
