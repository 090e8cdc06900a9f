"""Public keys as Multikey (Controlled Identifiers 1.0, section 2.2.2) and JWK.

A Multikey ``publicKeyMultibase`` is ``z`` + base58btc(multicodec prefix + raw key):
``z6Mk...`` for Ed25519, ``zDn...`` for P-256, ``z82...`` for P-384.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import multicodec
from microcred.credentials.keys.algorithms import (
    Algorithm,
    PublicKeyObject,
    algorithm_of,
    check_algorithm,
    curve_spec,
    public_from_raw,
    public_raw,
)
from microcred.credentials.keys.jwk import public_key_from_jwk, public_key_to_jwk
from microcred.credentials.keys.multibase import multibase_decode, multibase_encode

__all__ = ["MULTIBASE_CACHE_SIZE", "PUBLIC_CODECS", "PublicKey"]

#: multicodec code of each algorithm's public key.
PUBLIC_CODECS: dict[Algorithm, int] = {
    "Ed25519": multicodec.ED25519_PUB,
    "P-256": multicodec.P256_PUB,
    "P-384": multicodec.P384_PUB,
    "RSA": multicodec.RSA_PUB,
}
_ALGORITHM_BY_CODEC: dict[int, Algorithm] = {code: alg for alg, code in PUBLIC_CODECS.items()}

#: How many distinct ``publicKeyMultibase`` strings :meth:`PublicKey.from_multibase`
#: remembers (least recently used first out). A verifier sees few issuer keys, each on
#: many credentials; the bound keeps memory flat whatever it is sent.
MULTIBASE_CACHE_SIZE = 512


class PublicKey:
    """A verified-shape public key: Ed25519, ECDSA P-256 / P-384, or RSA (2048+ bits).

    Equal when algorithm and key bytes are equal. Build one with :meth:`from_multibase`,
    :meth:`from_jwk`, :meth:`from_raw` or :meth:`from_cryptography`.
    """

    __slots__ = ("_algorithm", "_key", "_multibase", "_raw")

    def __init__(self, key: PublicKeyObject) -> None:
        self._algorithm: Algorithm = algorithm_of(key)
        self._key = key
        self._raw = public_raw(key)
        self._multibase: str | None = None  # computed on first use

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_cryptography(cls, key: PublicKeyObject) -> PublicKey:
        return cls(key)

    @classmethod
    def from_raw(cls, algorithm: str, raw: bytes) -> PublicKey:
        """From the raw Multikey payload (Ed25519: 32 bytes; EC: compressed point)."""
        return cls(public_from_raw(check_algorithm(algorithm), raw))

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """Parse a Multikey ``publicKeyMultibase`` (``z6Mk...``, ``zDn...``, ``z82...``).

        The result is a function of the string alone (decoding and the curve-point check
        are pure), so the last :data:`MULTIBASE_CACHE_SIZE` keys parsed are remembered
        and the same (immutable) :class:`PublicKey` is returned for them. Invalid values
        are never remembered: they raise :class:`KeyFormatError` on every call.
        """
        if cls is PublicKey and type(value) is str:
            return _from_multibase_cached(value)
        return cls._parse_multibase(value)

    @classmethod
    def _parse_multibase(cls, value: str) -> PublicKey:
        data = multibase_decode(value)
        code, payload = multicodec.split_codec(data)
        algorithm = _ALGORITHM_BY_CODEC.get(code)
        if algorithm is None:
            raise KeyFormatError(
                f"{_short(value)} is not a supported public Multikey (multicodec 0x{code:x}); "
                "expected Ed25519 (z6Mk...), P-256 (zDn...) or P-384 (z82...). A secret key "
                "must never be published as a public key."
            )
        return cls(public_from_raw(algorithm, payload))

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Parse a public JWK (OKP/EC/RSA); a JWK carrying ``d`` is refused."""
        _, key = public_key_from_jwk(jwk)
        return cls(key)

    # -- properties ---------------------------------------------------------------------
    @property
    def algorithm(self) -> Algorithm:
        return self._algorithm

    @property
    def raw(self) -> bytes:
        """Raw key bytes as carried in a Multikey (EC points compressed; RSA PKCS #1 DER)."""
        return self._raw

    @property
    def multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` value (computed once per instance)."""
        found = self._multibase
        if found is None:
            prefix = multicodec.encode_varint(PUBLIC_CODECS[self._algorithm])
            found = self._multibase = multibase_encode(prefix + self._raw)
        return found

    @property
    def cryptography_key(self) -> PublicKeyObject:
        return self._key

    @property
    def did_key(self) -> str:
        """The ``did:key`` DID of this key (did:key method, section 3.1.1)."""
        return "did:key:" + self.multibase

    @property
    def signature_length(self) -> int:
        """Length in bytes of a signature made with the matching private key."""
        if self._algorithm == "Ed25519":
            return 64
        if self._algorithm == "RSA":
            return (self._raw_rsa().key_size + 7) // 8
        return 2 * curve_spec(self._algorithm).size

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (RFC 7517), without ``kid``."""
        return public_key_to_jwk(self._key)

    # -- verification -------------------------------------------------------------------
    def verify(self, signature: bytes, data: bytes) -> bool:
        """Verify ``signature`` over ``data``; never raises for a bad signature.

        Ed25519 (RFC 8032), ECDSA with SHA-256 (P-256) / SHA-384 (P-384) over ``data`` and a
        raw ``r || s`` signature (vc-di-ecdsa section 3.3.x, RFC 7518 section 3.4), RSA
        RS256 = RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 section 3.3).
        """
        if not isinstance(signature, bytes | bytearray) or len(signature) != self.signature_length:
            return False
        key = self._key
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(bytes(signature), data)
            elif isinstance(key, rsa.RSAPublicKey):
                key.verify(bytes(signature), data, padding.PKCS1v15(), hashes.SHA256())
            else:
                spec = curve_spec(self._algorithm)
                r = int.from_bytes(signature[: spec.size], "big")
                s = int.from_bytes(signature[spec.size :], "big")
                if not (0 < r < spec.order and 0 < s < spec.order):
                    return False
                key.verify(encode_dss_signature(r, s), data, ec.ECDSA(spec.hash()))
        except InvalidSignature:
            return False
        return True

    def _raw_rsa(self) -> rsa.RSAPublicKey:
        assert isinstance(self._key, rsa.RSAPublicKey)
        return self._key

    # -- value semantics ----------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._algorithm == other._algorithm and self._raw == other._raw

    def __hash__(self) -> int:
        return hash((self._algorithm, self._raw))

    def __repr__(self) -> str:
        return f"PublicKey({self._algorithm}, {_short(self.multibase)})"


@lru_cache(maxsize=MULTIBASE_CACHE_SIZE)
def _from_multibase_cached(value: str) -> PublicKey:
    """:meth:`PublicKey.from_multibase`, remembered (``lru_cache`` is thread-safe and does
    not remember calls that raise)."""
    return PublicKey._parse_multibase(value)


def _short(value: str) -> str:
    return value if len(value) <= 24 else value[:20] + "..."
