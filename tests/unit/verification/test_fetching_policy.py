"""HttpsFetcher decisions that need no socket: address policy, URL checks, cache TTLs."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from email.message import Message

import pytest

from microcred.credentials.errors import FetchError
from microcred.verification.fetching import HttpsFetcher, IPAddress, is_public_address


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",  # documentation
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2001:db8::1",
    ],
)
def test_default_policy_refuses(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_default_policy_allows_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/did.json",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "https://user:pw@example.com/x",
        "https:///nohost",
        "https://example.com:99999/x",
        "https://127.0.0.1/x",
        "https://[::1]/x",
        "https://10.1.2.3/status",
        "https://169.254.169.254/latest/meta-data",
        "https://rebind.test/x",  # a name that resolves to a private address
        "https://mixed.test/x",
    ],
)
def test_refused_before_connecting(url: str) -> None:
    def resolve(host: str, port: int) -> Sequence[IPAddress]:
        del port
        if host == "rebind.test":
            return [ipaddress.ip_address("10.0.0.5")]
        if host == "mixed.test":  # one public, one private: refuse all
            return [ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("192.168.0.1")]
        pytest.fail(f"unexpected resolution of {host}")

    fetcher = HttpsFetcher(resolver=resolve, total_timeout=1.0)
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert info.value.code == "fetch_refused"


def test_http_refused_message() -> None:
    with pytest.raises(FetchError, match="only https:// URLs"):
        HttpsFetcher().fetch("http://example.com/did.json")


def _headers(cache_control: str | None) -> Message:
    message = Message()
    if cache_control is not None:
        message["Cache-Control"] = cache_control
    return message


@pytest.mark.parametrize(
    ("header", "ttl"),
    [
        (None, 300.0),
        ("max-age=60", 60.0),
        ("public, max-age=120", 120.0),
        ('max-age="30"', 30.0),
        ("max-age=999999999", 86400.0),
        ("max-age=0", 0.0),
        ("max-age=abc", 0.0),
        ("no-store", 0.0),
        ("no-cache, max-age=60", 0.0),
        ("private", 0.0),
        ("public", 300.0),
    ],
)
def test_cache_ttl(header: str | None, ttl: float) -> None:
    assert HttpsFetcher()._ttl(header) == ttl


def test_cache_bounds_and_expiry() -> None:
    now = [1000.0]
    fetcher = HttpsFetcher(cache_entries=2, cache_bytes=10, clock=lambda: now[0])
    fetcher._cache_put(("a", "x"), b"1234", _headers("max-age=10"))
    fetcher._cache_put(("b", "x"), b"1234", _headers(None))
    assert fetcher._cache_get(("a", "x")) == b"1234"
    fetcher._cache_put(("c", "x"), b"1234", _headers(None))  # 12 bytes > 10: evict LRU (b)
    assert fetcher._cache_get(("b", "x")) is None
    assert fetcher._cache_get(("a", "x")) == b"1234"
    fetcher._cache_put(("huge", "x"), b"x" * 11, _headers(None))
    assert fetcher._cache_get(("huge", "x")) is None
    now[0] += 11
    assert fetcher._cache_get(("a", "x")) is None
    assert fetcher._cache_get(("c", "x")) == b"1234"
    fetcher.clear_cache()
    assert fetcher._cache_get(("c", "x")) is None
