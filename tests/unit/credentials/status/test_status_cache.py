"""The verified-status-list cache: the LRU itself, and verify() with and without it.

A hit skips only the list's proof/key/terms/schema checks, never the credential's, and
never the time-dependent checks; changed bytes, another time bucket or a list that did
not verify all mean a full verification.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.credentials import proofs
from microcred.credentials import verify as verify_module
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.keys import KeyFile, KeyPair
from microcred.credentials.model import (
    Achievement,
    Criteria,
    IdentityObject,
    Profile,
    build_achievement_credential,
)
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.status import (
    Bitstring,
    MemoryStatusListCache,
    StatusListCache,
    status_entry,
    status_list_credential,
    status_list_key,
)
from microcred.credentials.verify import verify

NOW = datetime(2026, 6, 1, 12, 0, 5, tzinfo=UTC)  # 5 s into a 60-s bucket
LIST_URL = "https://issuer.example/status/1"
KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))
OTHER = KeyPair.generate("Ed25519", seed=bytes(range(1, 33)))


def _credential(number: int = 1, index: int = 7) -> dict[str, Any]:
    key_file = KeyFile.for_key(KEY)
    unsigned = build_achievement_credential(
        id=f"urn:uuid:2d1f1f0c-9b7e-4a53-8f0e-{number:012d}",
        issuer=Profile(id=key_file.controller, name="Example Institute"),
        achievement=Achievement(
            id="https://issuer.example/achievements/sql-basics",
            name="SQL Basics",
            description="Writes SELECT queries with joins and aggregates.",
            criteria=Criteria(narrative="Passed the proctored SQL exam."),
        ),
        valid_from=NOW - timedelta(days=30),
        identifier=[IdentityObject.for_email(f"learner{number}@example.org", "s4lt")],
        credential_status=status_entry(list_url=LIST_URL, index=index, purpose="revocation"),
    )
    return proofs.sign(
        unsigned, KEY, verification_method=key_file.id, created=NOW - timedelta(days=30)
    )


def _status_list(
    *,
    key: KeyPair = KEY,
    revoked: tuple[int, ...] = (),
    valid_until: datetime | None = None,
    expires: datetime | None = None,
) -> dict[str, Any]:
    bits = Bitstring()
    for index in revoked:
        bits.set(index)
    key_file = KeyFile.for_key(key)
    unsigned = status_list_credential(
        id=LIST_URL,
        issuer=KeyFile.for_key(KEY).controller,
        purpose="revocation",
        bitstring=bits,
        valid_from=NOW - timedelta(days=1),
        valid_until=valid_until,
    )
    return proofs.sign(
        unsigned,
        key,
        verification_method=key_file.id,
        created=NOW - timedelta(days=1),
        expires=expires,
    )


class Recording:
    """A real MemoryStatusListCache that also records what verify() asked of it."""

    def __init__(self) -> None:
        self.inner = MemoryStatusListCache()
        self.hits = 0
        self.puts: list[str] = []

    def get(self, key: str) -> bool:
        found = self.inner.get(key)
        self.hits += found
        return found

    def put(self, key: str) -> None:
        self.puts.append(key)
        self.inner.put(key)


@pytest.fixture
def proof_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many documents verify() ran the proof check on (credentials and lists)."""
    runs: list[int] = []
    real = verify_module.verify_proofs

    def counting(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verify_module, "verify_proofs", counting)
    return runs


def _status(report: VerificationReport) -> tuple[CheckStatus, str]:
    [check] = [c for c in report.checks if c.name == "status"]
    return check.status, check.code


def test_protocol_is_satisfied() -> None:
    cache: StatusListCache = MemoryStatusListCache()
    cache.put("k")
    assert cache.get("k")


def test_identical_bytes_hit_and_the_list_is_not_reverified(proof_runs: list[int]) -> None:
    cache = Recording()
    fetcher = OfflineDocuments({LIST_URL: _status_list()})
    first = verify(_credential(1), fetcher=fetcher, now=NOW, status_cache=cache)
    assert first.verified, first.to_json()
    assert len(proof_runs) == 2  # the credential and the list
    assert len(cache.puts) == 1
    second = verify(_credential(2), fetcher=fetcher, now=NOW, status_cache=cache)
    assert second.verified, second.to_json()
    assert len(proof_runs) == 3  # only the (new) credential
    assert cache.hits == 1
    assert len(cache.puts) == 1
    assert _status(second) == (CheckStatus.PASSED, "not_revoked")


def test_same_report_with_and_without_cache() -> None:
    fetcher = OfflineDocuments({LIST_URL: _status_list(revoked=(9,))})
    cache = MemoryStatusListCache()
    for credential in (_credential(1), _credential(2, index=9), _credential(3)):
        for _ in range(2):  # second round: all hits
            cached = verify(credential, fetcher=fetcher, now=NOW, status_cache=cache)
            plain = verify(credential, fetcher=fetcher, now=NOW)
            assert cached.to_json() == plain.to_json()


def test_changed_bytes_are_verified_again(proof_runs: list[int]) -> None:
    cache = Recording()
    verify(
        _credential(1),
        fetcher=OfflineDocuments({LIST_URL: _status_list()}),
        now=NOW,
        status_cache=cache,
    )
    revoked = OfflineDocuments({LIST_URL: _status_list(revoked=(7,))})
    report = verify(_credential(1), fetcher=revoked, now=NOW, status_cache=cache)
    assert len(proof_runs) == 4
    assert cache.hits == 0
    assert not report.verified
    assert _status(report) == (CheckStatus.FAILED, "revoked")


def test_tampered_list_with_a_cached_twin_fails() -> None:
    """Same content but one byte of the signature changed: other bytes, full check."""
    cache = MemoryStatusListCache()
    good = _status_list()
    verify(_credential(1), fetcher=OfflineDocuments({LIST_URL: good}), now=NOW, status_cache=cache)
    tampered = {**good, "proof": {**good["proof"], "proofValue": good["proof"]["proofValue"][:-2]}}
    report = verify(
        _credential(1), fetcher=OfflineDocuments({LIST_URL: tampered}), now=NOW, status_cache=cache
    )
    assert _status(report) == (CheckStatus.FAILED, "status_list_unverified")


def test_another_time_bucket_misses(proof_runs: list[int]) -> None:
    cache = Recording()
    fetcher = OfflineDocuments({LIST_URL: _status_list()})
    verify(_credential(1), fetcher=fetcher, now=NOW, status_cache=cache)
    verify(_credential(1), fetcher=fetcher, now=NOW + timedelta(minutes=2), status_cache=cache)
    assert cache.hits == 0
    assert len(cache.puts) == 2
    assert len(proof_runs) == 4


def test_validity_window_is_checked_on_a_hit() -> None:
    cache = Recording()
    fetcher = OfflineDocuments({LIST_URL: _status_list(valid_until=NOW + timedelta(seconds=10))})
    assert verify(_credential(1), fetcher=fetcher, now=NOW, status_cache=cache).verified
    later = NOW + timedelta(seconds=20)  # same bucket, list expired
    report = verify(_credential(1), fetcher=fetcher, now=later, status_cache=cache)
    assert not report.verified
    assert _status(report) == (CheckStatus.FAILED, "status_list_expired")


def test_proof_expiry_is_checked_on_a_hit(proof_runs: list[int]) -> None:
    cache = Recording()
    fetcher = OfflineDocuments({LIST_URL: _status_list(expires=NOW + timedelta(seconds=10))})
    assert verify(_credential(1), fetcher=fetcher, now=NOW, status_cache=cache).verified
    later = NOW + timedelta(seconds=20)  # same bucket, the list's proof has expired
    report = verify(_credential(1), fetcher=fetcher, now=later, status_cache=cache)
    assert len(proof_runs) == 4  # the hit was not trusted: full verification again
    assert _status(report) == (CheckStatus.FAILED, "status_list_unverified")


def test_a_list_that_fails_verification_is_never_cached(proof_runs: list[int]) -> None:
    cache = Recording()
    fetcher = OfflineDocuments({LIST_URL: _status_list(key=OTHER)})
    for number in (1, 2):
        report = verify(_credential(number), fetcher=fetcher, now=NOW, status_cache=cache)
        assert _status(report) == (CheckStatus.FAILED, "status_list_unverified")
    assert cache.puts == []
    assert len(cache.inner) == 0
    assert len(proof_runs) == 4


def test_credentials_are_never_cached() -> None:
    cache = MemoryStatusListCache()
    fetcher = OfflineDocuments({LIST_URL: _status_list()})
    credential = _credential(1)
    assert verify(credential, fetcher=fetcher, now=NOW, status_cache=cache).verified
    forged = {**credential, "name": "Forged"}
    report = verify(forged, fetcher=fetcher, now=NOW, status_cache=cache)
    assert not report.verified
    assert any(c.name == "proof" and c.status is CheckStatus.FAILED for c in report.checks)


# -- the LRU --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_key_is_the_hash_of_the_exact_bytes_and_the_bucket() -> None:
    assert status_list_key(b"a", NOW) == status_list_key(b"a", NOW + timedelta(seconds=30))
    assert status_list_key(b"a", NOW) != status_list_key(b"a ", NOW)
    assert status_list_key(b"a", NOW) != status_list_key(b"a", NOW + timedelta(seconds=60))


def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = MemoryStatusListCache(ttl_seconds=10, clock=clock)
    cache.put("k")
    clock.now = 9.9
    assert cache.get("k")
    clock.now = 10.0
    assert not cache.get("k")
    assert len(cache) == 0


def test_size_is_bounded_least_recently_used_first() -> None:
    cache = MemoryStatusListCache(max_entries=3)
    for key in "abc":
        cache.put(key)
    assert cache.get("a")  # now the most recently used
    cache.put("d")
    assert len(cache) == 3
    assert not cache.get("b")
    assert all(cache.get(key) for key in "acd")


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStatusListCache(max_entries=0)
    with pytest.raises(ValueError, match="ttl_seconds"):
        MemoryStatusListCache(ttl_seconds=0)


def test_thread_safe_under_concurrent_use() -> None:
    cache = MemoryStatusListCache(max_entries=50)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(2_000):
                key = f"{(worker * 7 + i) % 120}"
                cache.put(key)
                cache.get(key)
                cache.get(f"{i % 120}")
                assert len(cache) <= 50
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 50


def test_many_threads_verifying_with_one_cache_agree() -> None:
    cache = MemoryStatusListCache()
    fetcher = OfflineDocuments({LIST_URL: _status_list(revoked=(3,))})
    results: list[tuple[bool, bool]] = []
    lock = threading.Lock()

    def work(number: int) -> None:
        ok = verify(_credential(number), fetcher=fetcher, now=NOW, status_cache=cache)
        bad = verify(_credential(number, index=3), fetcher=fetcher, now=NOW, status_cache=cache)
        with lock:
            results.append((ok.verified, bad.verified))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(True, False)] * 6
