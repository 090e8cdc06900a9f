"""Bitstring encode/decode (W3C Bitstring Status List §2.2, §3.3, §3.4)."""

from __future__ import annotations

import base64
import contextlib
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.errors import StatusListError
from microcred.credentials.status import MIN_BITS, Bitstring


def _encode_raw(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).decode().rstrip("=")


def test_default_length_is_the_spec_minimum() -> None:
    bits = Bitstring()
    assert len(bits) == MIN_BITS == 131_072
    assert bits.count() == 0
    assert len(bits.to_bytes()) == 16 * 1024


def test_bit_order_is_most_significant_bit_first() -> None:
    bits = Bitstring()
    bits.set(0)
    bits.set(9)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert bits.get(0)
    assert bits.get(9)
    assert not bits.get(1)
    bits.clear(0)
    assert raw != bits.to_bytes()
    assert bits.to_bytes()[0] == 0
    assert bits.set_indices() == [9]


def test_last_index_is_least_significant_bit_of_last_byte() -> None:
    bits = Bitstring()
    bits.set(MIN_BITS - 1)
    assert bits.to_bytes()[-1] == 1


@pytest.mark.parametrize("length", [0, 8, MIN_BITS - 8, MIN_BITS + 1, -MIN_BITS])
def test_rejects_short_or_unaligned_lengths(length: int) -> None:
    with pytest.raises(StatusListError, match="131072"):
        Bitstring(length)


@pytest.mark.parametrize("index", [-1, MIN_BITS, 10**12])
def test_index_out_of_range(index: int) -> None:
    with pytest.raises(StatusListError, match="outside the list"):
        Bitstring().get(index)
    with pytest.raises(StatusListError, match="outside the list"):
        Bitstring().set(index)


def test_bool_index_is_rejected() -> None:
    with pytest.raises(StatusListError, match="integer"):
        Bitstring().get(True)


def test_encode_has_multibase_prefix_and_no_padding_and_is_deterministic() -> None:
    bits = Bitstring()
    bits.set(94567)
    encoded = bits.encode()
    assert encoded.startswith("u")
    assert "=" not in encoded
    assert "+" not in encoded
    assert "/" not in encoded
    assert encoded == bits.encode()
    decoded = Bitstring.decode(encoded)
    assert decoded == bits
    assert decoded.set_indices() == [94567]


def test_larger_list_round_trips() -> None:
    bits = Bitstring(MIN_BITS * 2)
    bits.set(MIN_BITS * 2 - 1)
    assert Bitstring.decode(bits.encode()).set_indices() == [MIN_BITS * 2 - 1]


def test_multi_bit_values() -> None:
    bits = Bitstring(MIN_BITS * 2)
    assert bits.entries(2) == MIN_BITS
    bits.set_value(3, 0b10, size=2)
    assert bits.get(6)
    assert not bits.get(7)
    assert bits.get_value(3, size=2) == 2
    bits.set_value(3, 0b01, size=2)
    assert bits.get_value(3, size=2) == 1
    assert bits.set_indices() == [7]
    with pytest.raises(StatusListError, match="0 to 3"):
        bits.set_value(0, 4, size=2)
    with pytest.raises(StatusListError, match="outside the list"):
        bits.get_value(MIN_BITS, size=2)
    with pytest.raises(StatusListError, match="statusSize"):
        bits.get_value(0, size=0)


def test_decode_rejects_missing_prefix_with_hint() -> None:
    encoded = Bitstring().encode()
    with pytest.raises(StatusListError, match="StatusList2021"):
        Bitstring.decode(encoded[1:])
    with pytest.raises(StatusListError, match="start with 'u'"):
        Bitstring.decode("z" + encoded[1:])


@pytest.mark.parametrize("bad", ["u" + "A" * 5, "uAB==", "uAB+/", "u!!"])
def test_decode_rejects_bad_base64url(bad: str) -> None:
    with pytest.raises(StatusListError, match="base64url"):
        Bitstring.decode(bad)


def test_decode_rejects_non_gzip() -> None:
    encoded = "u" + base64.urlsafe_b64encode(b"\x00" * 100).decode().rstrip("=")
    with pytest.raises(StatusListError, match="GZIP"):
        Bitstring.decode(encoded)


def test_decode_rejects_truncated_gzip() -> None:
    data = gzip.compress(bytes(MIN_BITS // 8))
    encoded = "u" + base64.urlsafe_b64encode(data[:-12]).decode().rstrip("=")
    with pytest.raises(StatusListError, match=r"truncated|corrupt"):
        Bitstring.decode(encoded)


def test_decode_rejects_lists_shorter_than_16kb() -> None:
    with pytest.raises(StatusListError, match="minimum is 131072"):
        Bitstring.decode(_encode_raw(bytes(16 * 1024 - 1)))


def test_decode_caps_decompressed_size() -> None:
    bomb = _encode_raw(bytes(64 * 1024))
    with pytest.raises(StatusListError, match="decompression bomb"):
        Bitstring.decode(bomb, max_bytes=32 * 1024)
    assert len(Bitstring.decode(bomb)) == 64 * 1024 * 8


def test_decode_rejects_non_string() -> None:
    with pytest.raises(StatusListError, match="must be a string"):
        Bitstring.decode(123)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=MIN_BITS - 1), max_size=60))
def test_round_trip_random_bit_sets(indices: set[int]) -> None:
    bits = Bitstring()
    for index in indices:
        bits.set(index)
    decoded = Bitstring.decode(bits.encode())
    assert decoded.set_indices() == sorted(indices)
    assert all(decoded.get(i) for i in indices)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_decode_arbitrary_text_raises_only_status_list_error(text: str) -> None:
    with contextlib.suppress(StatusListError):
        Bitstring.decode(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_decode_arbitrary_base64url_payload_raises_only_status_list_error(data: bytes) -> None:
    for payload in (data, b"\x1f\x8b" + data):
        encoded = "u" + base64.urlsafe_b64encode(payload).decode().rstrip("=")
        with contextlib.suppress(StatusListError):
            Bitstring.decode(encoded)
