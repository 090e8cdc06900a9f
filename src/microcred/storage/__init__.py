"""Persistence: SQLAlchemy base and types, engine/session factory, Alembic migrations.

SQLite is the embedded default; PostgreSQL is what production uses. The same code runs
on both.
"""

from microcred.storage.base import Base, UTCDateTime, utcnow
from microcred.storage.engine import create_engine, session_factory, transaction

__all__ = ["Base", "UTCDateTime", "create_engine", "session_factory", "transaction", "utcnow"]
