"""pathways: stacked-credential pathways (rule trees), their awards (one per pathway and
learner), programmes and the micro-credentials they recognise for credit.

Revision ID: pathways_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "pathways_0001"
down_revision = None
branch_labels = ("pathways",)
depends_on = ("accounts_0001", "catalogue_0001", "issuing_0001")


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("total_credits", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_programmes_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint(
            "organisation_id", "slug", name=op.f("uq_programmes_organisation_id_slug")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_programmes_public_id")),
    )
    op.create_index(
        op.f("ix_programmes_organisation_id"), "programmes", ["organisation_id"], unique=False
    )
    op.create_table(
        "pathways",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
            name=op.f("fk_pathways_definition_id_definitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pathways_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
        sa.UniqueConstraint(
            "organisation_id", "slug", name=op.f("uq_pathways_organisation_id_slug")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_pathways_public_id")),
    )
    op.create_index(
        op.f("ix_pathways_organisation_id"), "pathways", ["organisation_id"], unique=False
    )
    op.create_table(
        "programme_items",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
            name=op.f("fk_programme_items_definition_id_definitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_items_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", "definition_id", name=op.f("pk_programme_items")),
    )
    op.create_table(
        "pathway_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("credits", sa.Float(), nullable=False),
        sa.Column("awarded_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_pathway_awards_award_id_awards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"],
            ["pathways.id"],
            name=op.f("fk_pathway_awards_pathway_id_pathways"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_pathway_awards_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_awards")),
        sa.UniqueConstraint(
            "pathway_id", "user_id", name=op.f("uq_pathway_awards_pathway_id_user_id")
        ),
    )
    op.create_index(op.f("ix_pathway_awards_user_id"), "pathway_awards", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pathway_awards_user_id"), table_name="pathway_awards")
    op.drop_table("pathway_awards")
    op.drop_table("programme_items")
    op.drop_index(op.f("ix_pathways_organisation_id"), table_name="pathways")
    op.drop_table("pathways")
    op.drop_index(op.f("ix_programmes_organisation_id"), table_name="programmes")
    op.drop_table("programmes")
