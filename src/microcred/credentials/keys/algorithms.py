"""The key algorithms microcred supports and their raw encodings.

* Ed25519 (RFC 8032): 32-byte public keys, 32-byte seeds.
* ECDSA P-256 / P-384 (FIPS 186-5, SEC 1): compressed SEC1 public points, fixed-length
  secret scalars, raw ``r || s`` signatures (vc-di-ecdsa section 3.3, RFC 7518 section 3.4).
* RSA (RFC 8017) with at least 2048-bit moduli, for RS256 VC-JWTs only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, get_args

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from microcred.credentials.errors import KeyFormatError

__all__ = [
    "ALGORITHMS",
    "ED25519_POINT_CACHE_SIZE",
    "MAX_RSA_BITS",
    "MIN_RSA_BITS",
    "Algorithm",
    "CurveSpec",
    "PrivateKeyObject",
    "PublicKeyObject",
    "algorithm_of",
    "check_algorithm",
    "curve_spec",
    "ed25519_point_is_valid",
    "public_from_raw",
    "public_raw",
]

Algorithm = Literal["Ed25519", "P-256", "P-384", "RSA"]
ALGORITHMS: tuple[Algorithm, ...] = get_args(Algorithm)
PublicKeyObject = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
PrivateKeyObject = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 16384


@dataclass(frozen=True)
class CurveSpec:
    """Sizes and hash of one NIST curve."""

    algorithm: Literal["P-256", "P-384"]
    curve: ec.EllipticCurve
    size: int  # bytes of a coordinate / scalar
    hash: type[hashes.SHA256] | type[hashes.SHA384]
    order: int


_CURVES: dict[str, CurveSpec] = {
    "P-256": CurveSpec(
        "P-256",
        ec.SECP256R1(),
        32,
        hashes.SHA256,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
    "P-384": CurveSpec(
        "P-384",
        ec.SECP384R1(),
        48,
        hashes.SHA384,
        int(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
            "581A0DB248B0A77AECEC196ACCC52973",
            16,
        ),
    ),
}


def check_algorithm(name: object) -> Algorithm:
    """Return ``name`` as an :data:`Algorithm` or raise :class:`KeyFormatError`."""
    for algorithm in ALGORITHMS:
        if name == algorithm:
            return algorithm
    raise KeyFormatError(f"Unsupported key algorithm {name!r}; use one of {', '.join(ALGORITHMS)}.")


def curve_spec(algorithm: str) -> CurveSpec:
    try:
        return _CURVES[algorithm]
    except KeyError:
        raise KeyFormatError(f"{algorithm!r} is not an ECDSA curve (P-256 or P-384).") from None


def algorithm_of(key: PublicKeyObject | PrivateKeyObject) -> Algorithm:
    """The :data:`Algorithm` of a ``cryptography`` key object."""
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return "Ed25519"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        if not MIN_RSA_BITS <= key.key_size <= MAX_RSA_BITS:
            raise KeyFormatError(
                f"RSA key of {key.key_size} bits is not accepted; use {MIN_RSA_BITS} to "
                f"{MAX_RSA_BITS} bits."
            )
        return "RSA"
    name = key.curve.name
    if name == "secp256r1":
        return "P-256"
    if name == "secp384r1":
        return "P-384"
    raise KeyFormatError(f"Unsupported elliptic curve {name}; use P-256 or P-384.")


# Ed25519 point decoding, RFC 8032 section 5.1.3, to reject 32-byte strings that are not
# points on the curve (OpenSSL accepts any 32 bytes and only fails at verification).
_P = 2**255 - 19
_D = (-121665 * pow(121666, -1, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

#: How many distinct 32-byte strings :func:`ed25519_point_is_valid` remembers the answer
#: for (least recently used first out): the check costs three modular exponentiations,
#: and a verifier checks the same few issuer keys over and over.
ED25519_POINT_CACHE_SIZE = 512


def ed25519_point_is_valid(raw: bytes) -> bool:
    """True when ``raw`` decodes to a point on edwards25519 (RFC 8032 section 5.1.3).

    The answer depends on the 32 bytes only, so it is remembered for the last
    :data:`ED25519_POINT_CACHE_SIZE` inputs.
    """
    if len(raw) != 32:
        return False
    return _ed25519_point_is_valid(bytes(raw))


@lru_cache(maxsize=ED25519_POINT_CACHE_SIZE)
def _ed25519_point_is_valid(raw: bytes) -> bool:
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return False
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    vx2 = (v * x * x) % _P
    if vx2 == u:
        pass
    elif vx2 == (-u) % _P:
        x = (x * _SQRT_M1) % _P
    else:
        return False
    return not (x == 0 and sign == 1)


def public_from_raw(algorithm: Algorithm, raw: bytes) -> PublicKeyObject:
    """Build a public key from its raw Multikey payload; validates length and curve point."""
    if algorithm == "Ed25519":
        if len(raw) != 32:
            raise KeyFormatError(
                f"An Ed25519 public key is 32 bytes, got {len(raw)}; the key is truncated or "
                "not an Ed25519 key."
            )
        if not ed25519_point_is_valid(raw):
            raise KeyFormatError("The 32 bytes are not a point on the Ed25519 curve.")
        return ed25519.Ed25519PublicKey.from_public_bytes(raw)
    if algorithm == "RSA":
        try:
            key = serialization.load_der_public_key(raw)
        except ValueError:
            key = None
        if not isinstance(key, rsa.RSAPublicKey) or public_raw(key) != raw:
            raise KeyFormatError("An RSA Multikey must hold a DER RSAPublicKey (PKCS #1).")
        algorithm_of(key)
        return key
    spec = curve_spec(algorithm)
    if len(raw) != spec.size + 1 or raw[0] not in (2, 3):
        raise KeyFormatError(
            f"A {algorithm} Multikey is a {spec.size + 1}-byte compressed point starting with "
            f"0x02 or 0x03, got {len(raw)} bytes; compress the point (SEC 1 section 2.3.3)."
        )
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(spec.curve, raw)
    except ValueError:
        raise KeyFormatError(f"The bytes are not a point on the {algorithm} curve.") from None


def public_raw(key: PublicKeyObject) -> bytes:
    """The raw Multikey payload of a public key (see :func:`public_from_raw`)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
