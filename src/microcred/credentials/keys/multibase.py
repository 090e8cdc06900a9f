"""Multibase encodings used by Data Integrity and Multikey.

Implements the two encodings the W3C specifications use (Controlled Identifiers 1.0,
section 2.4 "Multibase"; draft-multiformats-multibase):

* ``z`` + base58btc (Bitcoin alphabet) for keys and ``proofValue``;
* ``u`` + base64url without padding (RFC 4648 section 5) for status lists.

Decoding is strict: an unknown prefix, an empty payload, a character outside the alphabet,
padding, or a non-canonical base64url tail raises :class:`KeyFormatError`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from microcred.credentials.errors import KeyFormatError

__all__ = [
    "BASE58BTC_ALPHABET",
    "MAX_BASE58_LENGTH",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "multibase_decode",
    "multibase_encode",
]

BASE58BTC_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(BASE58BTC_ALPHABET)}
_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

#: Base58 decoding is quadratic in the input length; keys and signatures are < 200
#: characters, so anything longer than this is refused rather than decoded slowly.
MAX_BASE58_LENGTH = 4096

Base = Literal["base58btc", "base64url"]


def base58btc_encode(data: bytes) -> str:
    """Encode ``data`` in base58btc (no multibase prefix); leading zero bytes become ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, rem = divmod(number, 58)
        digits.append(BASE58BTC_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Decode base58btc text (no multibase prefix). Raises :class:`KeyFormatError`."""
    if not isinstance(text, str):
        raise KeyFormatError("base58btc input must be a string.")
    if not text:
        raise KeyFormatError("Empty base58btc string; expected an encoded key or signature.")
    if len(text) > MAX_BASE58_LENGTH:
        raise KeyFormatError(
            f"base58btc string is {len(text)} characters long; the limit is "
            f"{MAX_BASE58_LENGTH}. Keys and signatures are far shorter: check the input."
        )
    number = 0
    for position, char in enumerate(text):
        value = _B58_INDEX.get(char)
        if value is None:
            raise KeyFormatError(
                f"Invalid base58btc character {char!r} at position {position}; base58btc "
                "uses digits and letters except 0, O, I and l."
            )
        number = number * 58 + value
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def base64url_encode(data: bytes) -> str:
    """RFC 4648 section 5 base64url without ``=`` padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Strict base64url without padding. Raises :class:`KeyFormatError`."""
    if not isinstance(text, str):
        raise KeyFormatError("base64url input must be a string.")
    for position, char in enumerate(text):
        if char not in _B64URL_ALPHABET:
            hint = " (padding '=' is not allowed)" if char == "=" else ""
            raise KeyFormatError(
                f"Invalid base64url character {char!r} at position {position}{hint}; "
                "base64url uses A-Z, a-z, 0-9, '-' and '_'."
            )
    if len(text) % 4 == 1:
        raise KeyFormatError(
            f"base64url string has an impossible length ({len(text)}); it was truncated."
        )
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - alphabet checked above
        raise KeyFormatError(f"Invalid base64url: {exc}") from None
    if base64url_encode(data) != text:
        raise KeyFormatError("Non-canonical base64url: the unused trailing bits are not zero.")
    return data


def multibase_encode(data: bytes, base: Base = "base58btc") -> str:
    """Multibase-encode ``data``: ``z`` + base58btc or ``u`` + base64url (no padding)."""
    if base == "base58btc":
        return "z" + base58btc_encode(data)
    if base == "base64url":
        return "u" + base64url_encode(data)
    raise KeyFormatError(f"Unsupported multibase encoding {base!r}; use base58btc or base64url.")


def multibase_decode(text: str) -> bytes:
    """Decode a ``z`` (base58btc) or ``u`` (base64url) multibase string.

    Raises :class:`KeyFormatError` for any other prefix, an empty payload or a bad character.
    """
    if not isinstance(text, str):
        raise KeyFormatError("A multibase value must be a string.")
    if not text:
        raise KeyFormatError("Empty multibase string; expected 'z...' (base58btc) or 'u...'.")
    prefix, payload = text[0], text[1:]
    if not payload:
        raise KeyFormatError(f"Multibase string {text!r} has a prefix but no data.")
    if prefix == "z":
        return base58btc_decode(payload)
    if prefix == "u":
        return base64url_decode(payload)
    raise KeyFormatError(
        f"Unsupported multibase prefix {prefix!r}; microcred reads 'z' (base58btc) and "
        "'u' (base64url without padding)."
    )
