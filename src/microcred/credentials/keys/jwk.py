"""JSON Web Key import and export (RFC 7517, RFC 7518 section 6, RFC 8037).

* ``OKP`` / ``Ed25519`` (RFC 8037 section 2): ``x`` (and ``d`` = the 32-byte seed);
* ``EC`` / ``P-256`` | ``P-384`` (RFC 7518 section 6.2): fixed-length ``x``, ``y`` (and ``d``);
* ``RSA`` (RFC 7518 section 6.3): ``n``, ``e`` (and ``d`` with the CRT values, or only
  ``d``, from which the primes are recovered).

Every malformed JWK raises :class:`KeyFormatError`; nothing else escapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys.algorithms import (
    MAX_RSA_BITS,
    MIN_RSA_BITS,
    Algorithm,
    PrivateKeyObject,
    PublicKeyObject,
    algorithm_of,
    curve_spec,
    ed25519_point_is_valid,
)
from microcred.credentials.keys.multibase import base64url_decode, base64url_encode

__all__ = ["private_key_from_jwk", "private_key_to_jwk", "public_key_from_jwk", "public_key_to_jwk"]

_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_ALGS: dict[Algorithm, frozenset[str]] = {
    "Ed25519": frozenset({"EdDSA", "Ed25519"}),
    "P-256": frozenset({"ES256"}),
    "P-384": frozenset({"ES384"}),
    "RSA": frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}),
}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> tuple[Algorithm, PublicKeyObject]:
    """Parse a public JWK; refuses one that carries private members such as ``d``."""
    _require_mapping(jwk)
    leaked = [name for name in _PRIVATE_MEMBERS if name in jwk]
    if leaked:
        raise KeyFormatError(
            f"The JWK carries private key material ({', '.join(leaked)}) where only a public "
            "key is expected. Publish the public key only; treat this private key as "
            "compromised and rotate it."
        )
    return _parse_public(jwk)


def private_key_from_jwk(jwk: Mapping[str, Any]) -> tuple[Algorithm, PrivateKeyObject]:
    """Parse a private JWK (with ``d``); checks the public members match the private key."""
    _require_mapping(jwk)
    if "d" not in jwk:
        raise KeyFormatError("The JWK has no private member 'd'; a private key is needed here.")
    algorithm, public = _parse_public(jwk)
    d = _b64_member(jwk, "d")
    private: PrivateKeyObject
    if algorithm == "Ed25519":
        if len(d) != 32:
            raise KeyFormatError(f"An Ed25519 JWK 'd' is a 32-byte seed, got {len(d)} bytes.")
        private = ed25519.Ed25519PrivateKey.from_private_bytes(d)
    elif algorithm == "RSA":
        if not isinstance(public, rsa.RSAPublicKey):  # pragma: no cover - by construction
            raise KeyFormatError("RSA JWK mismatch.")
        private = _rsa_private(jwk, public.public_numbers(), int.from_bytes(d, "big"))
    else:
        spec = curve_spec(algorithm)
        if len(d) != spec.size:
            raise KeyFormatError(f"A {algorithm} JWK 'd' is {spec.size} bytes, got {len(d)} bytes.")
        scalar = int.from_bytes(d, "big")
        if not 0 < scalar < spec.order:
            raise KeyFormatError(f"The {algorithm} private scalar is out of range.")
        private = ec.derive_private_key(scalar, spec.curve)
    if _raw_public(private.public_key()) != _raw_public(public):
        raise KeyFormatError(
            "The JWK's private key does not match its public members; the file is corrupt "
            "or mixes two keys."
        )
    return algorithm, private


def public_key_to_jwk(key: PublicKeyObject) -> dict[str, str]:
    """Export a public key as a JWK (no ``kid``, no ``alg``)."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(raw)}
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": _uint(numbers.n), "e": _uint(numbers.e)}
    algorithm = algorithm_of(key)
    size = curve_spec(algorithm).size
    point = key.public_numbers()
    return {
        "kty": "EC",
        "crv": algorithm,
        "x": base64url_encode(point.x.to_bytes(size, "big")),
        "y": base64url_encode(point.y.to_bytes(size, "big")),
    }


def private_key_to_jwk(key: PrivateKeyObject) -> dict[str, str]:
    """Export a private key as a JWK, including the public members."""
    jwk = public_key_to_jwk(key.public_key())
    if isinstance(key, ed25519.Ed25519PrivateKey):
        seed = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        jwk["d"] = base64url_encode(seed)
    elif isinstance(key, rsa.RSAPrivateKey):
        numbers = key.private_numbers()
        jwk.update(
            d=_uint(numbers.d),
            p=_uint(numbers.p),
            q=_uint(numbers.q),
            dp=_uint(numbers.dmp1),
            dq=_uint(numbers.dmq1),
            qi=_uint(numbers.iqmp),
        )
    else:
        size = curve_spec(algorithm_of(key)).size
        jwk["d"] = base64url_encode(key.private_numbers().private_value.to_bytes(size, "big"))
    return jwk


def _require_mapping(jwk: object) -> None:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("A JWK must be a JSON object.")


def _member(jwk: Mapping[str, Any], name: str) -> str:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise KeyFormatError(f"The JWK member {name!r} is missing or not a string.")
    return value


def _b64_member(jwk: Mapping[str, Any], name: str) -> bytes:
    try:
        return base64url_decode(_member(jwk, name))
    except KeyFormatError as exc:
        raise KeyFormatError(f"The JWK member {name!r} is not base64url: {exc}") from None


def _check_alg(jwk: Mapping[str, Any], algorithm: Algorithm) -> None:
    alg = jwk.get("alg")
    if alg is not None and not isinstance(alg, str):
        raise KeyFormatError("The JWK member 'alg' must be a string, such as 'EdDSA'.")
    if alg is not None and alg not in _ALGS[algorithm]:
        raise KeyFormatError(
            f"The JWK says alg {alg!r}, which does not fit a {algorithm} key "
            f"(expected one of {', '.join(sorted(_ALGS[algorithm]))})."
        )


def _parse_public(jwk: Mapping[str, Any]) -> tuple[Algorithm, PublicKeyObject]:
    kty = _member(jwk, "kty")
    if kty == "OKP":
        crv = _member(jwk, "crv")
        if crv != "Ed25519":
            raise KeyFormatError(f"Unsupported OKP curve {crv!r}; only Ed25519 is supported.")
        _check_alg(jwk, "Ed25519")
        x = _b64_member(jwk, "x")
        if len(x) != 32 or not ed25519_point_is_valid(x):
            raise KeyFormatError("The Ed25519 JWK 'x' is not a valid 32-byte public key.")
        return "Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(x)
    if kty == "EC":
        crv = _member(jwk, "crv")
        if crv not in ("P-256", "P-384"):
            raise KeyFormatError(f"Unsupported EC curve {crv!r}; use P-256 or P-384.")
        algorithm: Algorithm = "P-256" if crv == "P-256" else "P-384"
        _check_alg(jwk, algorithm)
        spec = curve_spec(algorithm)
        x, y = _b64_member(jwk, "x"), _b64_member(jwk, "y")
        if len(x) != spec.size or len(y) != spec.size:
            raise KeyFormatError(
                f"{crv} JWK coordinates must be {spec.size} bytes each, got {len(x)} and {len(y)}."
            )
        try:
            return algorithm, ec.EllipticCurvePublicKey.from_encoded_point(
                spec.curve, b"\x04" + x + y
            )
        except ValueError:
            raise KeyFormatError(f"The JWK point is not on the {crv} curve.") from None
    if kty == "RSA":
        _check_alg(jwk, "RSA")
        n = int.from_bytes(_b64_member(jwk, "n"), "big")
        e = int.from_bytes(_b64_member(jwk, "e"), "big")
        if n.bit_length() < MIN_RSA_BITS:
            raise KeyFormatError(
                f"RSA modulus of {n.bit_length()} bits is too weak; use at least {MIN_RSA_BITS}."
            )
        if n.bit_length() > MAX_RSA_BITS or e.bit_length() > 64:
            raise KeyFormatError(
                f"RSA key too large: microcred accepts moduli up to {MAX_RSA_BITS} bits and "
                "exponents up to 64 bits."
            )
        if e < 3 or e % 2 == 0 or n % 2 == 0:
            raise KeyFormatError("The RSA JWK has an invalid modulus or exponent.")
        try:
            return "RSA", rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError as exc:
            raise KeyFormatError(f"Invalid RSA public key: {exc}") from None
    raise KeyFormatError(f"Unsupported JWK key type {kty!r}; use OKP, EC or RSA.")


def _rsa_private(jwk: Mapping[str, Any], public: rsa.RSAPublicNumbers, d: int) -> rsa.RSAPrivateKey:
    try:
        if all(name in jwk for name in ("p", "q", "dp", "dq", "qi")):
            p = int.from_bytes(_b64_member(jwk, "p"), "big")
            q = int.from_bytes(_b64_member(jwk, "q"), "big")
            dp = int.from_bytes(_b64_member(jwk, "dp"), "big")
            dq = int.from_bytes(_b64_member(jwk, "dq"), "big")
            qi = int.from_bytes(_b64_member(jwk, "qi"), "big")
        else:
            p, q = rsa.rsa_recover_prime_factors(public.n, public.e, d)
            dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
        return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key()
    except ValueError as exc:
        raise KeyFormatError(f"Invalid RSA private key in JWK: {exc}") from None


def _raw_public(key: PublicKeyObject) -> bytes:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if isinstance(key, rsa.RSAPublicKey):
        return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _uint(value: int) -> str:
    return base64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))
