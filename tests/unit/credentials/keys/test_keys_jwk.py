"""JWK import/export (OKP, EC, RSA) and RS256."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import KeyPair, PublicKey

# RFC 8037 appendix A.1 / A.2: an Ed25519 JWK and its public key
RFC8037_PRIVATE = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}


@pytest.fixture(scope="module")
def rsa_pair() -> KeyPair:
    return KeyPair.generate("RSA")


def test_rfc8037_ed25519_jwk() -> None:
    pair = KeyPair.from_jwk(RFC8037_PRIVATE)
    assert pair.public.raw.hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    )
    assert pair.to_jwk() == RFC8037_PRIVATE
    public = {k: v for k, v in RFC8037_PRIVATE.items() if k != "d"}
    assert pair.public.to_jwk() == public
    # RFC 8037 A.4: signature over "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    signing_input = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    assert pair.sign(signing_input).hex().startswith("860c98d2297f3060")


def test_public_jwk_with_private_member_refused() -> None:
    with pytest.raises(KeyFormatError, match="private key material"):
        PublicKey.from_jwk(RFC8037_PRIVATE)


def test_rsa_rs256(rsa_pair: KeyPair) -> None:
    assert rsa_pair.algorithm == "RSA"
    signature = rsa_pair.sign(b"header.payload")
    assert len(signature) == 256 == rsa_pair.public.signature_length
    assert rsa_pair.public.verify(signature, b"header.payload")
    assert not rsa_pair.public.verify(signature, b"header.payloaD")
    jwk = rsa_pair.public.to_jwk()
    assert set(jwk) == {"kty", "n", "e"}
    assert jwk["e"] == "AQAB"
    assert PublicKey.from_jwk(jwk) == rsa_pair.public
    private = rsa_pair.to_jwk()
    assert KeyPair.from_jwk(private).public == rsa_pair.public
    # only n, e, d: the primes are recovered
    minimal = {k: private[k] for k in ("kty", "n", "e", "d")}
    assert KeyPair.from_jwk(minimal).sign(b"x") == rsa_pair.sign(b"x")
    with pytest.raises(KeyFormatError, match="private key material"):
        PublicKey.from_jwk(private)
    assert PublicKey.from_multibase(rsa_pair.public.multibase) == rsa_pair.public
    assert KeyPair.from_secret_multibase(rsa_pair.secret_multibase).public == rsa_pair.public


def test_rsa_seed_refused() -> None:
    with pytest.raises(KeyFormatError, match="seed"):
        KeyPair.generate("RSA", seed=bytes(32))


def test_weak_rsa_refused() -> None:
    small = {"kty": "RSA", "n": "ALqd", "e": "AQAB"}
    with pytest.raises(KeyFormatError, match="too weak"):
        PublicKey.from_jwk(small)


@pytest.mark.parametrize(
    ("jwk", "message"),
    [
        ({}, "'kty'"),
        ({"kty": "oct", "k": "AAAA"}, "private key material"),
        ({"kty": "XYZ"}, "Unsupported JWK key type"),
        ({"kty": "OKP", "crv": "X25519", "x": "AAAA"}, "Ed25519"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}, "32-byte"),
        ({"kty": "OKP", "crv": "Ed25519", "x": 5}, "not a string"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "a=="}, "base64url"),
        ({"kty": "EC", "crv": "P-521", "x": "", "y": ""}, "P-256 or P-384"),
        ({"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"}, "32 bytes"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "not on the P-256"),
        (
            {**{k: v for k, v in RFC8037_PRIVATE.items() if k != "d"}, "alg": "RS256"},
            "does not fit",
        ),
    ],
)
def test_bad_jwks(jwk: dict[str, Any], message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        PublicKey.from_jwk(jwk)


def test_private_jwk_mismatch() -> None:
    other = KeyPair.generate().public.to_jwk()
    with pytest.raises(KeyFormatError, match="does not match"):
        KeyPair.from_jwk({**other, "d": RFC8037_PRIVATE["d"]})
    with pytest.raises(KeyFormatError, match="no private member"):
        KeyPair.from_jwk(other)
    ec = KeyPair.generate("P-384").to_jwk()
    with pytest.raises(KeyFormatError, match="48 bytes"):
        KeyPair.from_jwk({**ec, "d": ec["d"][:-4]})


_values = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["OKP", "EC", "RSA", "Ed25519", "P-256", "P-384", "AQAB", "A" * 43]),
    st.integers(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)
_jwks = st.dictionaries(
    st.sampled_from(["kty", "crv", "x", "y", "n", "e", "d", "alg", "p", "q", "kid"]),
    _values,
    max_size=7,
)


@settings(max_examples=300)
@given(st.one_of(_jwks, st.dictionaries(st.text(max_size=5), _values, max_size=4)))
@example({"alg": [], "kty": "RSA"})  # an unhashable alg once raised TypeError
@example({"alg": {"x": 1}, "kty": "OKP", "crv": "Ed25519", "x": "AA"})
def test_jwk_parse_raises_only_key_format_error(jwk: dict[str, Any]) -> None:
    for parse in (PublicKey.from_jwk, KeyPair.from_jwk):
        with contextlib.suppress(KeyFormatError):
            parse(jwk)


def test_non_mapping_jwk() -> None:
    with pytest.raises(KeyFormatError, match="JSON object"):
        PublicKey.from_jwk(["kty"])  # type: ignore[arg-type]
