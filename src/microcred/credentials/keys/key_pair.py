"""Key pairs: signing keys with their public half.

Secret keys serialize as ``secretKeyMultibase`` (Controlled Identifiers 1.0, section
2.2.2): ``z`` + base58btc(multicodec private-key prefix + secret). Ed25519 secrets are the
32-byte seed (RFC 8032 section 5.1.5); reading also accepts the 64-byte "seed then public
key" form used by the 1EdTech samples, after checking the public half matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import multicodec
from microcred.credentials.keys.algorithms import (
    Algorithm,
    PrivateKeyObject,
    algorithm_of,
    check_algorithm,
    curve_spec,
)
from microcred.credentials.keys.jwk import private_key_from_jwk, private_key_to_jwk
from microcred.credentials.keys.multibase import multibase_decode, multibase_encode
from microcred.credentials.keys.public_key import PublicKey

__all__ = ["SECRET_CODECS", "KeyPair"]

#: multicodec code of each algorithm's secret key.
SECRET_CODECS: dict[Algorithm, int] = {
    "Ed25519": multicodec.ED25519_PRIV,
    "P-256": multicodec.P256_PRIV,
    "P-384": multicodec.P384_PRIV,
    "RSA": multicodec.RSA_PRIV,
}
_ALGORITHM_BY_CODEC: dict[int, Algorithm] = {code: alg for alg, code in SECRET_CODECS.items()}
_RSA_BITS = 2048


class KeyPair:
    """A private key and its :class:`PublicKey`; signs with the algorithm's standard scheme."""

    __slots__ = ("_key", "_public", "_verification_method")

    def __init__(self, key: PrivateKeyObject) -> None:
        algorithm_of(key)  # validates curve / RSA size
        self._key = key
        self._public = PublicKey(key.public_key())
        self._verification_method: str | None = None  # computed on first use

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def generate(cls, algorithm: str = "Ed25519", seed: bytes | None = None) -> KeyPair:
        """A new key pair. With ``seed`` the key is deterministic.

        Ed25519: ``seed`` is the 32-byte private seed (RFC 8032 section 5.1.5).
        P-256 / P-384: ``seed`` is the 32 / 48-byte big-endian secret scalar.
        RSA: 2048-bit; a seed is refused.
        """
        alg = check_algorithm(algorithm)
        if seed is not None:
            return cls.from_secret_bytes(alg, seed)
        if alg == "Ed25519":
            return cls(ed25519.Ed25519PrivateKey.generate())
        if alg == "RSA":
            return cls(rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS))
        return cls(ec.generate_private_key(curve_spec(alg).curve))

    @classmethod
    def from_secret_bytes(cls, algorithm: str, secret: bytes) -> KeyPair:
        """From a raw secret: Ed25519 seed (32 bytes, or seed + public key, 64 bytes) or an
        EC scalar (P-256: 32 bytes, P-384: 48 bytes)."""
        alg = check_algorithm(algorithm)
        if not isinstance(secret, bytes | bytearray):
            raise KeyFormatError("A secret key must be bytes.")
        secret = bytes(secret)
        if alg == "Ed25519":
            if len(secret) == 64:
                pair = cls(ed25519.Ed25519PrivateKey.from_private_bytes(secret[:32]))
                if pair.public.raw != secret[32:]:
                    raise KeyFormatError(
                        "The 64-byte Ed25519 secret is seed + public key, but its public half "
                        "does not belong to the seed; the key is corrupt."
                    )
                return pair
            if len(secret) != 32:
                raise KeyFormatError(
                    f"An Ed25519 seed is 32 bytes, got {len(secret)}; pass 64 hex digits."
                )
            return cls(ed25519.Ed25519PrivateKey.from_private_bytes(secret))
        if alg == "RSA":
            raise KeyFormatError(
                "RSA keys cannot be derived from a seed; generate one or load a JWK."
            )
        spec = curve_spec(alg)
        if len(secret) != spec.size:
            raise KeyFormatError(f"A {alg} secret key is {spec.size} bytes, got {len(secret)}.")
        scalar = int.from_bytes(secret, "big")
        if not 0 < scalar < spec.order:
            raise KeyFormatError(f"The {alg} secret is out of range (0 < d < curve order).")
        return cls(ec.derive_private_key(scalar, spec.curve))

    @classmethod
    def from_secret_multibase(cls, value: str) -> KeyPair:
        """Parse a ``secretKeyMultibase`` (or ``privateKeyMultibase``) value."""
        code, payload = multicodec.split_codec(multibase_decode(value))
        algorithm = _ALGORITHM_BY_CODEC.get(code)
        if algorithm is None:
            raise KeyFormatError(
                f"Not a supported secret Multikey (multicodec 0x{code:x}); expected an "
                "Ed25519, P-256 or P-384 secret key (z3u2..., z42t..., z2fa...)."
            )
        if algorithm == "RSA":
            try:
                key = serialization.load_der_private_key(payload, password=None)
            except (ValueError, TypeError):
                raise KeyFormatError("Not a DER RSAPrivateKey (PKCS #1).") from None
            if not isinstance(key, rsa.RSAPrivateKey):
                raise KeyFormatError("An rsa-priv Multikey must hold an RSA private key.")
            return cls(key)
        return cls.from_secret_bytes(algorithm, payload)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> KeyPair:
        """Parse a private JWK (OKP/EC/RSA with ``d``)."""
        _, key = private_key_from_jwk(jwk)
        return cls(key)

    @classmethod
    def from_cryptography(cls, key: PrivateKeyObject) -> KeyPair:
        return cls(key)

    # -- properties ---------------------------------------------------------------------
    @property
    def public(self) -> PublicKey:
        return self._public

    @property
    def algorithm(self) -> Algorithm:
        return self._public.algorithm

    @property
    def secret_bytes(self) -> bytes:
        """Ed25519 seed, EC scalar (fixed length) or RSA PKCS #1 DER."""
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        if isinstance(key, rsa.RSAPrivateKey):
            return key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
        size = curve_spec(self.algorithm).size
        return key.private_numbers().private_value.to_bytes(size, "big")

    @property
    def secret_multibase(self) -> str:
        """The ``secretKeyMultibase`` value: keep it secret."""
        prefix = multicodec.encode_varint(SECRET_CODECS[self.algorithm])
        return multibase_encode(prefix + self.secret_bytes)

    @property
    def did_key(self) -> str:
        """``did:key:<multibase>`` (did:key method section 3.1.1)."""
        return self._public.did_key

    @property
    def verification_method(self) -> str:
        """The did:key verification method URL ``did:key:X#X`` (did:key section 3.1.2),
        computed once per key pair (it is written into every proof signed by default)."""
        found = self._verification_method
        if found is None:
            found = self._verification_method = f"{self.did_key}#{self._public.multibase}"
        return found

    @property
    def cryptography_key(self) -> PrivateKeyObject:
        return self._key

    def to_jwk(self) -> dict[str, str]:
        """The private JWK (with ``d``): keep it secret."""
        return private_key_to_jwk(self._key)

    # -- signing ------------------------------------------------------------------------
    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: Ed25519; ECDSA SHA-256 / SHA-384 as raw ``r || s``; RSA RS256."""
        key = self._key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        spec = curve_spec(self.algorithm)
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(spec.hash())))
        return r.to_bytes(spec.size, "big") + s.to_bytes(spec.size, "big")

    def __repr__(self) -> str:
        return f"KeyPair({self.algorithm}, public={self._public.multibase[:20]}...)"
