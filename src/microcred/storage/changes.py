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
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

__all__ = ["bump", "generation"]

_lock = threading.Lock()
_counters: dict[str, int] = {}
_TOUCHED = "microcred_touched_tables"


def generation(tables: Iterable[str]) -> int:
    """The sum of the write counters of ``tables`` (grows when any of them is written)."""
    counters = _counters
    return sum(counters.get(table, 0) for table in tables)


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


def _after_commit(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        bump(touched)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _do_orm_execute)
event.listen(Session, "after_commit", _after_commit)
