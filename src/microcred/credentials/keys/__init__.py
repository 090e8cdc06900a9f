"""Keys: multibase, multicodec, Multikey public keys, key pairs, key files, key stores.

Public API::

    multibase_encode(data, base="base58btc") -> "z..." | "u..."
    multibase_decode(text) -> bytes
    PublicKey.from_multibase("z6Mk...") / .from_jwk(jwk) / .verify(signature, data)
    KeyPair.generate("Ed25519", seed=None) / .from_secret_multibase(...) / .sign(data)
    load_key_file(path) -> KeyFile; write_key_file(path, key, controller=..., key_id=...)

Every malformed input raises :class:`~microcred.credentials.errors.KeyFormatError`.
"""

from __future__ import annotations

from microcred.credentials.keys.algorithms import ALGORITHMS, Algorithm
from microcred.credentials.keys.key_pair import KeyPair
from microcred.credentials.keys.keyfile import KeyFile, load_key_file, write_key_file
from microcred.credentials.keys.multibase import (
    base58btc_decode,
    base58btc_encode,
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
)
from microcred.credentials.keys.public_key import PublicKey
from microcred.credentials.keys.store import InMemoryKeyStore, KeyStore

__all__ = [
    "ALGORITHMS",
    "Algorithm",
    "InMemoryKeyStore",
    "KeyFile",
    "KeyPair",
    "KeyStore",
    "PublicKey",
    "base58btc_decode",
    "base58btc_encode",
    "base64url_decode",
    "base64url_encode",
    "load_key_file",
    "multibase_decode",
    "multibase_encode",
    "write_key_file",
]
