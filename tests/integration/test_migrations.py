"""The Alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

import microcred
from microcred.storage import Base

#: Tables that exist only in the database by design: SQLite FTS5 (and its shadow tables)
#: behind catalogue search, and procrastinate's own job-queue schema.
UNMODELLED_PREFIXES = ("definition_search", "procrastinate", "alembic_version")


def _import_all_models() -> None:
    for module in pkgutil.iter_modules(microcred.__path__):
        name = f"microcred.{module.name}.models"
        if importlib.util.find_spec(f"microcred.{module.name}") is None:
            continue
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def _relevant(diff: Any) -> bool:
    flat = diff if isinstance(diff, tuple) else diff[0]
    for item in flat:
        if isinstance(item, str) and item.startswith(UNMODELLED_PREFIXES):
            return False
        table = getattr(item, "name", None) if hasattr(item, "columns") else None
        table = table or getattr(getattr(item, "table", None), "name", None)
        if isinstance(table, str) and table.startswith(UNMODELLED_PREFIXES):
            return False
    return True


def test_migrations_match_the_models(engine: Engine) -> None:
    _import_all_models()
    assert Base.metadata.tables, "no models were imported"
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [d for d in compare_metadata(context, Base.metadata) if _relevant(d)]
    assert diffs == [], "models and migrations disagree; add a migration:\n" + "\n".join(
        map(str, diffs)
    )
