"""Which tables this process has written: one counter per table, for read caches.

:class:`microcred.storage.cache.ReadCache` keeps what it read from the database together
with the counters of the tables it read; an entry whose tables were written since is
stale. The counters only count writes made *in this process* (other processes' writes are
covered by the cache's time limit).

Writes are seen through the ORM session events, which cover every write this code base
makes (flushes of mapped objects and ``session.execute`` of INSERT/UPDATE/DELETE):

- a flush or a DML statement counts at once (so a read in the same session or connection
  after it never gets an older cached answer);
- the commit counts the same tables again, after the data is committed: a read that
  started between the flush and the commit (and so may have loaded the old rows) is stale
  too. (Tables written in a transaction that is rolled back are counted again at the
  session's next commit: a needless but harmless refresh.)

Counters only grow; :func:`generation` sums them for a group of tables, so an unchanged
sum means none of those tables was written.

Other processes. On PostgreSQL every commit that wrote tables also announces them
(``pg_notify('microcred_changes', 'table,table')``, delivered only if the transaction
commits), and a :class:`ChangeListener` (started by served web apps) counts what other
processes announce, so their writes too make this process's cached reads stale within
milliseconds. Whenever the listener is not connected (start-up, a lost connection) it
counts a write of every table (:func:`bump_all`), since anything may have changed
unseen; the caches' time limit remains the bound for what a listener could miss.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from itertools import chain
from typing import Any

import psycopg
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

__all__ = ["CHANNEL", "ChangeListener", "bump", "bump_all", "generation"]

#: The PostgreSQL notification channel of committed writes.
CHANNEL = "microcred_changes"

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_counters: dict[str, int] = {}
_epoch = 0  # bumped for "every table" (see bump_all)
_TOUCHED = "microcred_touched_tables"


def generation(tables: Iterable[str]) -> int:
    """The sum of the write counters of ``tables`` (grows when any of them is written)."""
    counters = _counters
    return _epoch + sum(counters.get(table, 0) for table in tables)


def bump_all() -> None:
    """Count a write of every table (when writes may have been missed)."""
    global _epoch  # noqa: PLW0603 - the process-wide counter is the point
    with _lock:
        _epoch += 1


def bump(tables: Iterable[str]) -> None:
    """Count a write of each of ``tables``."""
    with _lock:
        for table in tables:
            _counters[table] = _counters.get(table, 0) + 1


def _remember(session: Session, tables: Iterable[str]) -> None:
    names = set(tables)
    if not names:
        return
    bump(names)
    touched: set[str] = session.info.setdefault(_TOUCHED, set())
    touched.update(names)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    names: set[str] = set()
    for instance in chain(session.new, session.dirty, session.deleted):
        names.update(table.name for table in inspect(instance).mapper.tables)
    _remember(session, names)


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            _remember(state.session, [name])


def _before_commit(session: Session) -> None:
    """Announce the written tables to other processes (PostgreSQL only)."""
    session.flush()  # the commit's own flush, done now so that its tables are counted
    touched = session.info.get(_TOUCHED)
    if not touched:
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_notify(:channel, :tables)"),
        {"channel": CHANNEL, "tables": ",".join(sorted(touched))[:7000]},
    )


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        bump(touched)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _do_orm_execute)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_commit", _after_commit)


class ChangeListener:
    """Counts the writes other processes announce on PostgreSQL (a thread with its own
    connection, listening on :data:`CHANNEL`). A no-op for other databases."""

    def __init__(self, engine: Engine, *, poll_seconds: float = 0.5, retry_seconds: float = 2.0):
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        #: Set while listening (after each (re)connection).
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.engine.dialect.name != "postgresql" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="microcred-changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_seconds + 5)
            self._thread = None

    def _connect(self) -> psycopg.Connection[Any]:
        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        return psycopg.connect(*args, **kwargs, autocommit=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    bump_all()  # writes made while we were not listening
                    self.connected.set()
                    while not self._stop.is_set():
                        for note in connection.notifies(timeout=self.poll_seconds):
                            bump(name for name in note.payload.split(",") if name)
            except (psycopg.Error, OSError) as exc:
                self.connected.clear()
                bump_all()
                _log.warning("Listening for other processes' writes failed (%s); retrying", exc)
                self._stop.wait(self.retry_seconds)
        self.connected.clear()
