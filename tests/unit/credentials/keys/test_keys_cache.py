"""The bounded caches of the keys package: parsed Multikeys, Ed25519 point checks, and the
per-instance ``multibase`` / ``verification_method`` values."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import KeyPair, PublicKey, algorithms, multibase_encode, public_key
from microcred.credentials.keys.algorithms import ED25519_POINT_CACHE_SIZE, ed25519_point_is_valid
from microcred.credentials.keys.public_key import MULTIBASE_CACHE_SIZE

_ED25519_PUB_PREFIX = b"\xed\x01"


def _pair(number: int) -> KeyPair:
    return KeyPair.generate("Ed25519", seed=number.to_bytes(32, "big"))


def _off_curve() -> bytes:
    """32 bytes with y < p that are not the encoding of an edwards25519 point."""
    for y in range(2, 1000):
        raw = y.to_bytes(32, "little")
        if not algorithms._ed25519_point_is_valid.__wrapped__(raw):
            return raw
    raise AssertionError("no off-curve y below 1000")  # pragma: no cover


def test_same_multibase_gives_the_same_key_object() -> None:
    value = _pair(1).public.multibase
    first = PublicKey.from_multibase(value)
    assert PublicKey.from_multibase(value) is first
    assert first.multibase == value


def test_different_multibase_gives_a_different_key() -> None:
    one, two = _pair(2).public, _pair(3).public
    parsed_one = PublicKey.from_multibase(one.multibase)
    parsed_two = PublicKey.from_multibase(two.multibase)
    assert parsed_one == one and parsed_two == two
    assert parsed_one != parsed_two
    assert parsed_one.raw != parsed_two.raw


def test_parsed_key_verifies_its_own_signatures_only() -> None:
    signer, other = _pair(4), _pair(5)
    signature = signer.sign(b"data")
    assert PublicKey.from_multibase(signer.public.multibase).verify(signature, b"data")
    assert not PublicKey.from_multibase(other.public.multibase).verify(signature, b"data")


def test_multibase_cache_is_bounded() -> None:
    for number in range(MULTIBASE_CACHE_SIZE + 20):
        PublicKey.from_multibase(_pair(1000 + number).public.multibase)
    info = public_key._from_multibase_cached.cache_info()
    assert info.maxsize == MULTIBASE_CACHE_SIZE
    assert info.currsize <= MULTIBASE_CACHE_SIZE


def test_invalid_multikey_is_refused_every_time_and_not_remembered() -> None:
    value = multibase_encode(_ED25519_PUB_PREFIX + _off_curve())
    before = public_key._from_multibase_cached.cache_info()
    for _ in range(3):
        with pytest.raises(KeyFormatError, match="not a point on the Ed25519 curve"):
            PublicKey.from_multibase(value)
    after = public_key._from_multibase_cached.cache_info()
    assert after.misses == before.misses + 3  # parsed (and refused) each time
    assert after.currsize <= MULTIBASE_CACHE_SIZE
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase("z" + "1" * 10)  # a bad value after it is still refused


def test_non_string_input_is_still_refused() -> None:
    with pytest.raises(KeyFormatError):
        PublicKey.from_multibase(["z6Mk"])  # type: ignore[arg-type]


def test_subclass_gets_its_own_instances() -> None:
    class Tagged(PublicKey):
        __slots__ = ()

    value = _pair(6).public.multibase
    parsed = Tagged.from_multibase(value)
    assert type(parsed) is Tagged
    assert type(PublicKey.from_multibase(value)) is PublicKey


def test_concurrent_parsing_agrees() -> None:
    values = [_pair(2000 + n).public.multibase for n in range(8)] * 25
    with ThreadPoolExecutor(max_workers=4) as pool:
        parsed = list(pool.map(PublicKey.from_multibase, values))
    assert [key.multibase for key in parsed] == values


def test_point_check_matches_the_uncached_check() -> None:
    rng = random.Random(7)
    samples = [rng.randbytes(32) for _ in range(200)]
    samples += [_pair(n).public.raw for n in range(20)] + [_off_curve()]
    for raw in samples:
        expected = algorithms._ed25519_point_is_valid.__wrapped__(raw)
        assert ed25519_point_is_valid(raw) is expected
        assert ed25519_point_is_valid(bytearray(raw)) is expected
    assert ed25519_point_is_valid(_pair(8).public.raw)
    assert not ed25519_point_is_valid(_off_curve())
    assert not ed25519_point_is_valid(b"\x01" * 31)


def test_point_cache_is_bounded() -> None:
    rng = random.Random(11)
    for _ in range(ED25519_POINT_CACHE_SIZE + 20):
        ed25519_point_is_valid(rng.randbytes(32))
    info = algorithms._ed25519_point_is_valid.cache_info()
    assert info.maxsize == ED25519_POINT_CACHE_SIZE
    assert info.currsize <= ED25519_POINT_CACHE_SIZE


def test_off_curve_key_is_refused_every_time_from_raw_too() -> None:
    raw = _off_curve()
    for _ in range(3):
        with pytest.raises(KeyFormatError, match="not a point"):
            PublicKey.from_raw("Ed25519", raw)


def test_multibase_is_computed_once_per_key() -> None:
    key = _pair(9).public
    first = key.multibase
    assert key.multibase is first
    assert first == multibase_encode(_ED25519_PUB_PREFIX + key.raw)
    assert key.did_key == "did:key:" + first


def test_verification_method_is_computed_once_per_key_pair() -> None:
    pair, other = _pair(10), _pair(11)
    first = pair.verification_method
    assert pair.verification_method is first
    assert first == f"{pair.did_key}#{pair.public.multibase}"
    assert other.verification_method != first
    assert KeyPair.generate("P-256", seed=(5).to_bytes(32, "big")).verification_method.startswith(
        "did:key:zDn"
    )
