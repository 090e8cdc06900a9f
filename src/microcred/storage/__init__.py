"""Persistence: SQLAlchemy base and types, engine/session factory, Alembic migrations, and
the read cache for rows every request repeats (:mod:`microcred.storage.cache`).

SQLite is the embedded default; PostgreSQL is what production uses. The same code runs
on both.
"""

from microcred.storage.base import Base, UTCDateTime, utcnow
from microcred.storage.cache import NotCached, ReadCache
from microcred.storage.engine import create_engine, session_factory, transaction

__all__ = [
    "Base",
    "NotCached",
    "ReadCache",
    "UTCDateTime",
    "create_engine",
    "session_factory",
    "transaction",
    "utcnow",
]
