"""ReadCache: answers reused for ``seconds``, dropped when this process writes one of the
cache's tables, bounded, never caching exceptions (no database needed)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from microcred.storage import NotCached, ReadCache
from microcred.storage.changes import bump, generation


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting_loader(values: list[str]) -> tuple[list[int], Callable[[], str]]:
    calls = [0]

    def load() -> str:
        calls[0] += 1
        return values[calls[0] - 1]

    return calls, load


def test_reused_until_the_time_limit() -> None:
    clock = Clock()
    cache: ReadCache[str, str] = ReadCache(["t_unit_a"], seconds=2, clock=clock)
    calls, load = counting_loader(["first", "second"])
    assert cache.get("k", load) == "first"
    clock.now += 1.9
    assert cache.get("k", load) == "first"
    assert calls == [1]
    clock.now += 0.2  # 2.1 s after the load
    assert cache.get("k", load) == "second"
    assert calls == [2]
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_write_to_one_of_its_tables_makes_entries_stale() -> None:
    clock = Clock()
    cache: ReadCache[str, str] = ReadCache(["t_unit_b", "t_unit_c"], seconds=60, clock=clock)
    calls, load = counting_loader(["old", "new", "newer"])
    assert cache.get("k", load) == "old"
    bump(["t_unit_other"])  # another table: still fresh
    assert cache.get("k", load) == "old"
    bump(["t_unit_c"])
    assert cache.get("k", load) == "new"
    assert cache.get("k", load) == "new"
    bump(["t_unit_b"])
    assert cache.get("k", load) == "newer"
    assert calls == [3]


def test_a_write_during_the_load_is_not_hidden() -> None:
    """The generation is read before loading: a write while loading leaves a stale entry."""
    cache: ReadCache[str, int] = ReadCache(["t_unit_d"], seconds=60, clock=Clock())
    loads = [0]

    def load() -> int:
        loads[0] += 1
        if loads[0] == 1:
            bump(["t_unit_d"])  # another thread commits while we read
        return loads[0]

    assert cache.get("k", load) == 1
    assert cache.get("k", load) == 2
    assert cache.get("k", load) == 2


def test_zero_seconds_never_caches() -> None:
    cache: ReadCache[str, int] = ReadCache(["t_unit_e"], seconds=0)
    answers = iter(range(10))
    assert [cache.get("k", lambda: next(answers)) for _ in range(3)] == [0, 1, 2]
    assert len(cache) == 0


def test_bounded_least_recently_used() -> None:
    cache: ReadCache[int, int] = ReadCache(["t_unit_f"], seconds=60, max_entries=3, clock=Clock())
    for key in range(3):
        cache.get(key, lambda key=key: key * 10)  # type: ignore[misc]
    cache.get(0, lambda: -1)  # 0 is now the most recently used
    cache.get(3, lambda: 30)  # evicts 1
    assert len(cache) == 3
    assert cache.get(1, lambda: -1) == -1
    assert cache.get(0, lambda: -2) == 0


def test_exceptions_are_not_cached() -> None:
    cache: ReadCache[str, str] = ReadCache(["t_unit_g"], seconds=60, clock=Clock())

    def fail() -> str:
        raise LookupError("not there")

    with pytest.raises(LookupError):
        cache.get("k", fail)
    assert cache.get("k", lambda: "found") == "found"


def test_clear_and_bad_arguments() -> None:
    cache: ReadCache[str, str] = ReadCache(["t_unit_h"], seconds=60, clock=Clock())
    cache.get("k", lambda: "v")
    cache.clear()
    assert cache.get("k", lambda: "w") == "w"
    with pytest.raises(ValueError, match="seconds"):
        ReadCache(["t"], seconds=-1)
    with pytest.raises(ValueError, match="max_entries"):
        ReadCache(["t"], seconds=1, max_entries=0)


def test_generation_grows_with_every_bump_from_any_thread() -> None:
    before = generation(["t_unit_i", "t_unit_j"])
    threads = [
        threading.Thread(target=lambda: [bump(["t_unit_i"]) for _ in range(500)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bump(["t_unit_j"])
    assert generation(["t_unit_i", "t_unit_j"]) == before + 2001


def test_cached_only_never_loads() -> None:
    cache: ReadCache[str, str] = ReadCache(["t_unit_k"], seconds=60, clock=Clock())
    with pytest.raises(NotCached):
        cache.get("k", lambda: pytest.fail("loaded"), cached_only=True)
    cache.get("k", lambda: "v")
    assert cache.get("k", lambda: pytest.fail("loaded"), cached_only=True) == "v"
    bump(["t_unit_k"])
    with pytest.raises(NotCached):
        cache.get("k", lambda: pytest.fail("loaded"), cached_only=True)
    off: ReadCache[str, str] = ReadCache(["t_unit_k"], seconds=0)
    with pytest.raises(NotCached):
        off.get("k", lambda: "v", cached_only=True)
