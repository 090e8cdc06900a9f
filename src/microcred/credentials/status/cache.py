"""A cache of status list credentials that already passed verification.

A credential's status check fetches its status lists and verifies each one in full (proof,
issuer key, terms, schema, validity). Every credential of an issuer points at the same
few lists, so :func:`microcred.credentials.verify.verify` accepts a
:class:`StatusListCache` and skips re-verifying a list whose *exact bytes* passed before.

* The key is :func:`status_list_key`: the SHA-256 of the bytes the fetcher returned and
  the verification time bucket (``now`` in whole ``bucket_seconds``). A changed list (one
  different byte) or a verification at another time has a different key, and is verified
  again in full.
* Only lists that passed are stored; a list that fails is never cached.
* On a hit the verifier still checks the time-dependent parts against ``now`` (the list's
  validity window and its proofs' ``created``/``expires``), and the status checker still
  checks the list's issuer, purpose and bits for each credential.
* Credentials themselves are never cached.

:class:`MemoryStatusListCache` is the in-memory implementation: bounded (least recently
used entries go first), entries expire after ``ttl_seconds`` (this also bounds how long a
list stays accepted after its issuer's DID document changes), thread safe. The core keeps
no global cache: the caller (the web app, a CLI run) owns one and passes it in.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

__all__ = ["BUCKET_SECONDS", "MemoryStatusListCache", "StatusListCache", "status_list_key"]

#: Width of the verification time bucket in the cache key.
BUCKET_SECONDS = 60


class StatusListCache(Protocol):
    """Remembers the keys (see :func:`status_list_key`) of verified status lists."""

    def get(self, key: str) -> bool:
        """Whether the list with this key passed verification (and is still cached)."""
        ...

    def put(self, key: str) -> None:
        """Record that the list with this key passed verification."""
        ...


def status_list_key(data: bytes, now: datetime, *, bucket_seconds: int = BUCKET_SECONDS) -> str:
    """The cache key of the list ``data`` (exact bytes as fetched) verified at ``now``."""
    bucket = int(now.timestamp() // bucket_seconds)
    return f"{hashlib.sha256(data).hexdigest()}:{bucket}"


class MemoryStatusListCache:
    """A bounded, thread-safe LRU set of verified list keys, each kept ``ttl_seconds``."""

    def __init__(
        self,
        max_entries: int = 1024,
        ttl_seconds: float = 300.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._max = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[str, float] = OrderedDict()  # key -> expiry
        self._lock = threading.Lock()

    def get(self, key: str) -> bool:
        with self._lock:
            expires = self._entries.get(key)
            if expires is None:
                return False
            if self._clock() >= expires:
                del self._entries[key]
                return False
            self._entries.move_to_end(key)
            return True

    def put(self, key: str) -> None:
        with self._lock:
            self._entries[key] = self._clock() + self._ttl
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
