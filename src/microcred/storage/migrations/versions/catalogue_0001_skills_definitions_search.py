"""catalogue: skills frameworks, skills, occupations, credential definitions and search.

Full-text search of definition versions (see microcred.catalogue.search): on SQLite an
FTS5 table ``definition_search`` over ``definition_versions.search_document`` (external
content, kept in sync by triggers); on PostgreSQL a GIN expression index on
``to_tsvector('simple', search_document)``.

Revision ID: catalogue_0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import microcred.storage.base

revision = "catalogue_0001"
down_revision = None
branch_labels = ("catalogue",)
depends_on = "accounts_0001"

_SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE definition_search USING fts5(search_document, "
    "content='definition_versions', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER definition_search_insert AFTER INSERT ON definition_versions BEGIN "
    "INSERT INTO definition_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
    "CREATE TRIGGER definition_search_delete AFTER DELETE ON definition_versions BEGIN "
    "INSERT INTO definition_search(definition_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); END",
    "CREATE TRIGGER definition_search_update AFTER UPDATE OF search_document "
    "ON definition_versions BEGIN "
    "INSERT INTO definition_search(definition_search, rowid, search_document) "
    "VALUES ('delete', old.id, old.search_document); "
    "INSERT INTO definition_search(rowid, search_document) "
    "VALUES (new.id, new.search_document); END",
)


def _published_version_fk(sqlite: bool) -> list[sa.ForeignKeyConstraint]:
    """SQLite accepts a foreign key to a table created later (and cannot add one after);
    PostgreSQL gets it with ALTER TABLE once definition_versions exists."""
    if not sqlite:
        return []
    return [
        sa.ForeignKeyConstraint(
            ["published_version_id"],
            ["definition_versions.id"],
            name=op.f("fk_definitions_published_version_id_definition_versions"),
            ondelete="SET NULL",
        )
    ]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("published_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_definitions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        *_published_version_fk(sqlite),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definitions")),
        sa.UniqueConstraint(
            "organisation_id", "slug", name=op.f("uq_definitions_organisation_id_slug")
        ),
    )
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_definitions_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "skill_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=140), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("attribution", sa.Text(), nullable=True),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_skill_frameworks_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_frameworks")),
        sa.UniqueConstraint("slug", name=op.f("uq_skill_frameworks_slug")),
    )
    with op.batch_alter_table("skill_frameworks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skill_frameworks_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "definition_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("learning_outcomes", sa.JSON(), nullable=False),
        sa.Column("criteria_narrative", sa.Text(), nullable=True),
        sa.Column("criteria_url", sa.Text(), nullable=True),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.Column("workload_hours", sa.Float(), nullable=True),
        sa.Column("ects", sa.Float(), nullable=True),
        sa.Column("duration", sa.String(length=40), nullable=True),
        sa.Column("duration_days", sa.Integer(), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("delivery_mode", sa.String(length=12), nullable=True),
        sa.Column("pace", sa.String(length=12), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("assessment_type", sa.Text(), nullable=True),
        sa.Column("participation_form", sa.String(length=20), nullable=True),
        sa.Column("quality_assurance", sa.Text(), nullable=True),
        sa.Column("supervision", sa.String(length=20), nullable=True),
        sa.Column("identity_verification", sa.Boolean(), nullable=True),
        sa.Column("prerequisites", sa.Text(), nullable=True),
        sa.Column("stackability", sa.String(length=12), nullable=True),
        sa.Column("achievement_type", sa.String(length=80), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("field_of_study", sa.String(length=200), nullable=True),
        sa.Column("search_document", sa.Text(), nullable=False),
        sa.Column("sort_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("retired_at", microcred.storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
            name=op.f("fk_definition_versions_definition_id_definitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_definition_versions")),
        sa.UniqueConstraint(
            "definition_id", "version", name=op.f("uq_definition_versions_definition_id_version")
        ),
    )
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_definition_versions_definition_id"), ["definition_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_definition_versions_status"), ["status"], unique=False)

    if not sqlite:
        op.create_foreign_key(
            op.f("fk_definitions_published_version_id_definition_versions"),
            "definitions",
            "definition_versions",
            ["published_version_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "occupations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("alt_labels", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["skill_frameworks.id"],
            name=op.f("fk_occupations_framework_id_skill_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_occupations")),
        sa.UniqueConstraint("uri", name=op.f("uq_occupations_uri")),
    )
    with op.batch_alter_table("occupations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_occupations_framework_id"), ["framework_id"], unique=False
        )

    op.create_table(
        "skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("alt_labels", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("skill_type", sa.String(length=40), nullable=True),
        sa.Column("search_label", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["skill_frameworks.id"],
            name=op.f("fk_skills_framework_id_skill_frameworks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("uri", name=op.f("uq_skills_uri")),
    )
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skills_framework_id"), ["framework_id"], unique=False)

    op.create_table(
        "definition_skills",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_definition_skills_skill_id_skills"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["definition_versions.id"],
            name=op.f("fk_definition_skills_version_id_definition_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "skill_id", name=op.f("pk_definition_skills")),
    )
    with op.batch_alter_table("definition_skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_definition_skills_skill_id"), ["skill_id"], unique=False
        )

    op.create_table(
        "occupation_skills",
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("relation_type", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["occupation_id"],
            ["occupations.id"],
            name=op.f("fk_occupation_skills_occupation_id_occupations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_occupation_skills_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("occupation_id", "skill_id", name=op.f("pk_occupation_skills")),
    )
    with op.batch_alter_table("occupation_skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_occupation_skills_skill_id"), ["skill_id"], unique=False
        )

    if sqlite:
        for statement in _SQLITE_SEARCH:
            op.execute(statement)
    else:
        op.execute(
            "CREATE INDEX ix_definition_versions_search ON definition_versions "
            "USING gin (to_tsvector('simple', search_document))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS definition_search_{name}")
        op.execute("DROP TABLE IF EXISTS definition_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_definition_versions_search")
        op.drop_constraint(
            op.f("fk_definitions_published_version_id_definition_versions"),
            "definitions",
            type_="foreignkey",
        )
    with op.batch_alter_table("occupation_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occupation_skills_skill_id"))

    op.drop_table("occupation_skills")
    with op.batch_alter_table("definition_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_skills_skill_id"))

    op.drop_table("definition_skills")
    with op.batch_alter_table("skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skills_framework_id"))

    op.drop_table("skills")
    with op.batch_alter_table("occupations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_occupations_framework_id"))

    op.drop_table("occupations")
    with op.batch_alter_table("definition_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definition_versions_status"))
        batch_op.drop_index(batch_op.f("ix_definition_versions_definition_id"))

    op.drop_table("definition_versions")
    with op.batch_alter_table("skill_frameworks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_frameworks_organisation_id"))

    op.drop_table("skill_frameworks")
    with op.batch_alter_table("definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_definitions_organisation_id"))

    op.drop_table("definitions")
