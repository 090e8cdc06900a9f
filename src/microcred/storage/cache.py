"""A process-wide read-through cache for database reads that every request repeats.

Verifying a credential reads the same few rows again and again: the issuer's status list,
its DID document, the accreditations and endorsements that vouch for it. A
:class:`ReadCache` keeps such answers (immutable values: strings, bytes, tuples, frozen
dataclasses; never ORM objects, which belong to one session) for at most ``seconds``:

- a write to one of the cache's ``tables`` made by this process makes its entries stale at
  once (see :mod:`microcred.storage.changes`): the process that revokes a credential sees
  it revoked in its next verification;
- a write made by another process (a second web worker, the job worker) is seen within
  ``seconds``: the time limit is the only bound there. ``seconds=0`` turns caching off.

Entries are kept in least-recently-used order up to ``max_entries``. Loaders run outside
the lock (two threads may load the same key at once; both answers are equally fresh).
Exceptions are never cached. ``get(..., cached_only=True)`` never loads: it raises
:class:`NotCached` instead, for callers that must not wait on the database (code running
on an event loop) and retry elsewhere.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from microcred.storage.changes import generation

__all__ = ["NotCached", "ReadCache"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class NotCached(Exception):
    """The answer is not in the cache, and the caller asked not to load it."""


class ReadCache(Generic[K, V]):
    """Answers of ``load()`` by key, fresh for ``seconds`` unless ``tables`` change."""

    def __init__(
        self,
        tables: Iterable[str],
        *,
        seconds: float,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self.tables = tuple(sorted(set(tables)))
        self.seconds = seconds
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, tuple[int, float, V]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: K, load: Callable[[], V], *, cached_only: bool = False) -> V:
        """The cached answer for ``key``, or ``load()`` (then remembered); with
        ``cached_only``, :class:`NotCached` instead of loading."""
        if self.seconds == 0:
            if cached_only:
                raise NotCached(key)
            return load()
        # Read the counters and the clock *before* loading: a write during the load makes
        # the stored entry stale (its generation is then already behind).
        current = generation(self.tables)
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == current and now - entry[1] < self.seconds:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[2]
            self.misses += 1
        if cached_only:
            raise NotCached(key)
        value = load()
        with self._lock:
            self._entries[key] = (current, now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
