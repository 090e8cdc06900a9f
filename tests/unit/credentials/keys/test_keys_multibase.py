"""Multibase / base58btc / base64url / multicodec: round trips and strict decoding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import (
    PublicKey,
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
)
from microcred.credentials.keys.multibase import MAX_BASE58_LENGTH
from microcred.credentials.keys.multicodec import decode_varint, encode_varint, split_codec


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"", ""),
        (b"\0", "1"),
        (b"\0\0\x01", "112"),
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (bytes.fromhex("00000000000000000000"), "1111111111"),
        (b"\xff", "5Q"),
    ],
)
def test_base58btc_known(data: bytes, text: str) -> None:
    assert base58btc_encode(data) == text
    if text:
        assert base58btc_decode(text) == data


def test_multibase_known() -> None:
    assert multibase_encode(b"hi") == "z8wr"
    assert multibase_encode(b"hi", "base64url") == "uaGk"
    assert multibase_decode("uaGk") == b"hi"
    assert multibase_decode("z8wr") == b"hi"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Empty"),
        ("z", "no data"),
        ("u", "no data"),
        ("m8wr", "prefix"),
        ("Z8wr", "prefix"),
        ("z0OIl", "Invalid base58btc character '0'"),
        ("z8w r", "Invalid base58btc character ' '"),
        ("uaGk=", "padding"),
        ("uaG+k", r"Invalid base64url character '\+'"),
        ("uaGkxy", "impossible length"),
        ("uaGl", "Non-canonical"),
        ("z" + "2" * (MAX_BASE58_LENGTH + 1), "limit"),
    ],
)
def test_multibase_rejects(text: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        multibase_decode(text)


def test_multibase_rejects_non_string() -> None:
    with pytest.raises(KeyFormatError):
        multibase_decode(b"z8wr")  # type: ignore[arg-type]


@given(st.binary(max_size=200))
def test_base58_round_trip(data: bytes) -> None:
    assert base58btc_decode(base58btc_encode(data) or "1")[-len(data) or None :] == (data or b"\0")
    encoded = multibase_encode(data)
    if data:
        assert multibase_decode(encoded) == data


@given(st.binary(min_size=1, max_size=300))
def test_base64url_round_trip(data: bytes) -> None:
    text = base64url_encode(data)
    assert "=" not in text
    assert base64url_decode(text) == data
    assert multibase_decode(multibase_encode(data, "base64url")) == data


@given(st.text(max_size=120))
def test_multibase_decode_only_raises_key_format_error(text: str) -> None:
    try:
        data = multibase_decode(text)
    except KeyFormatError:
        return
    assert isinstance(data, bytes)
    assert multibase_encode(data, "base58btc" if text[0] == "z" else "base64url") == text


@given(st.text(alphabet="z123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=80))
def test_public_key_parse_only_raises_key_format_error(text: str) -> None:
    try:
        key = PublicKey.from_multibase(text)
    except KeyFormatError:
        return
    assert PublicKey.from_multibase(key.multibase) == key


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_varint_round_trip(value: int) -> None:
    encoded = encode_varint(value)
    assert decode_varint(encoded + b"\xff") == (value, len(encoded))


def test_varint_known_and_strict() -> None:
    assert encode_varint(0xED) == b"\xed\x01"
    assert encode_varint(0x1200) == b"\x80\x24"
    assert encode_varint(0x1300) == b"\x80\x26"
    assert split_codec(b"\xed\x01abc") == (0xED, b"abc")
    for bad in (b"", b"\x80", b"\xff" * 10, b"\x80\x00"):
        with pytest.raises(KeyFormatError):
            split_codec(bad)


def test_unknown_codec_and_secret_as_public_refused() -> None:
    with pytest.raises(KeyFormatError, match="multicodec 0x1300"):
        PublicKey.from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    with pytest.raises(KeyFormatError, match="32 bytes"):
        PublicKey.from_multibase(multibase_encode(b"\xed\x01" + bytes(31)))
