from __future__ import annotations

import pytest

from microcred.web.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_capacity_then_refuses_with_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)  # one token per second
    assert all(limiter.hit("verify", "1.2.3.4") == 0 for _ in range(60))
    wait = limiter.hit("verify", "1.2.3.4")
    assert wait == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.hit("verify", "1.2.3.4") == 0
    assert limiter.hit("verify", "1.2.3.4") > 0


def test_buckets_are_per_client_and_name() -> None:
    limiter = RateLimiter(1, clock=Clock())
    assert limiter.hit("verify", "a") == 0
    assert limiter.hit("verify", "a") > 0
    assert limiter.hit("verify", "b") == 0
    assert limiter.hit("auth", "a") == 0


def test_refill_never_exceeds_capacity() -> None:
    clock = Clock()
    limiter = RateLimiter(2, clock=clock)
    limiter.hit("x", "a")
    clock.now += 10_000
    assert [limiter.hit("x", "a") == 0 for _ in range(3)] == [True, True, False]


def test_invalid_rate() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
