"""Multicodec key prefixes (unsigned varint code + raw key bytes).

Codes from the multiformats multicodec table, as used by Multikey (Controlled
Identifiers 1.0, section 2.2.2) and did:key:

=============  ======  ===========================================
name           code    payload
=============  ======  ===========================================
ed25519-pub    0xed    32-byte public key
ed25519-priv   0x1300  32-byte seed
p256-pub       0x1200  33-byte compressed SEC1 point
p384-pub       0x1201  49-byte compressed SEC1 point
rsa-pub        0x1205  DER RSAPublicKey (RFC 8017, PKCS #1)
rsa-priv       0x1305  DER RSAPrivateKey (RFC 8017, PKCS #1)
p256-priv      0x1306  32-byte secret scalar
p384-priv      0x1307  48-byte secret scalar
=============  ======  ===========================================
"""

from __future__ import annotations

from microcred.credentials.errors import KeyFormatError

__all__ = [
    "ED25519_PRIV",
    "ED25519_PUB",
    "P256_PRIV",
    "P256_PUB",
    "P384_PRIV",
    "P384_PUB",
    "RSA_PRIV",
    "RSA_PUB",
    "decode_varint",
    "encode_varint",
    "split_codec",
]

ED25519_PUB = 0xED
ED25519_PRIV = 0x1300
P256_PUB = 0x1200
P384_PUB = 0x1201
RSA_PUB = 0x1205
RSA_PRIV = 0x1305
P256_PRIV = 0x1306
P384_PRIV = 0x1307

_MAX_VARINT_BYTES = 9  # multiformats unsigned-varint: at most 9 bytes (63 bits)


def encode_varint(value: int) -> bytes:
    """Unsigned LEB128 varint (multiformats unsigned-varint)."""
    if value < 0:
        raise ValueError("varint values are unsigned")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes) -> tuple[int, int]:
    """Decode a minimal unsigned varint at the start of ``data``: ``(value, length)``."""
    value = 0
    for index, byte in enumerate(data[:_MAX_VARINT_BYTES]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if byte == 0 and index > 0:
                raise KeyFormatError("Non-minimal multicodec varint prefix.")
            return value, index + 1
    raise KeyFormatError("Truncated or overlong multicodec varint prefix.")


def split_codec(data: bytes) -> tuple[int, bytes]:
    """Split multicodec-prefixed bytes into ``(code, payload)``."""
    if not data:
        raise KeyFormatError("Empty multicodec value; expected a prefixed key.")
    code, length = decode_varint(data)
    return code, data[length:]
