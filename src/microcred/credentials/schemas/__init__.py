"""The bundled JSON Schemas (OB 3.0 AchievementCredential, VC 2.0) and offline validation."""

from __future__ import annotations

from microcred.credentials.schemas.validation import (
    CLR_DRAFT4_VC11,
    OB3_ACHIEVEMENT_CREDENTIAL,
    SCHEMA_FILES,
    VC2_CREDENTIAL,
    VC2_PRESENTATION,
    VC11_CONTEXT,
    SchemaIssue,
    ensure_valid,
    is_vc11_shaped,
    load_schema,
    schema_for,
    validate,
)

__all__ = [
    "CLR_DRAFT4_VC11",
    "OB3_ACHIEVEMENT_CREDENTIAL",
    "SCHEMA_FILES",
    "VC2_CREDENTIAL",
    "VC2_PRESENTATION",
    "VC11_CONTEXT",
    "SchemaIssue",
    "ensure_valid",
    "is_vc11_shaped",
    "load_schema",
    "schema_for",
    "validate",
]
