"""In-memory token-bucket rate limiting per client IP address.

Each (name, client) pair has a bucket of ``capacity`` tokens refilled at
``capacity / 60`` tokens per second (``MICROCRED_RATE_LIMIT_PER_MINUTE``). A request takes
one token; an empty bucket answers 429 with ``Retry-After``. The state lives in one
process: with several web processes each enforces its own limit (put a shared limiter in
the reverse proxy for a hard global limit).

Use on public endpoints::

    @router.post("/credentials/verify", dependencies=[Depends(rate_limited("verify"))])
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from microcred.web.problems import RateLimited

__all__ = ["RateLimiter", "rate_limited"]

#: Buckets kept at most; full (idle) buckets are dropped first when there are more.
MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by (name, client). ``clock`` is injectable for tests."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._lock = threading.Lock()

    def hit(self, name: str, client: str) -> float:
        """Take a token; returns 0 if allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get((name, client))
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._prune(now)
                bucket = _Bucket(tokens=self.capacity, updated=now)
                self._buckets[(name, client)] = bucket
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= MAX_BUCKETS:  # everyone is busy: forget the oldest half
            oldest = sorted(self._buckets, key=lambda k: self._buckets[k].updated)
            for key in oldest[: len(oldest) // 2]:
                del self._buckets[key]


def rate_limited(name: str) -> Callable[[Request], None]:
    """A dependency that limits requests per client IP under the bucket name ``name``."""

    def check(request: Request) -> None:
        limiter: RateLimiter = request.app.state.rate_limiter
        client = request.client.host if request.client else "unknown"
        wait = limiter.hit(name, client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise RateLimited(
                f"Too many {name} requests from your address; retry in {seconds} s.",
                retry_after=seconds,
            )

    check.__name__ = f"rate_limited_{name}"
    return check
