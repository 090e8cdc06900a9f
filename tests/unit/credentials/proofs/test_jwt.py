"""VC-JWT (OB 3.0 section 8.2): issue, decode strictly, verify."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.dids import VerificationMethod, resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import DidResolutionError, MalformedDocument, ProofError
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs.jwt import decode_jwt, issue_jwt, verify_jwt

NOW = datetime(2025, 6, 1, tzinfo=UTC)
ED = KeyPair.generate("Ed25519", seed=bytes(range(32)))
P256 = KeyPair.generate("P-256")


@pytest.fixture(scope="module")
def rsa() -> KeyPair:
    return KeyPair.generate("RSA")


def credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:9d8b3f6e-1111-4222-8333-444455556666",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"]},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2026-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"]},
    }


def resolver_for(key: KeyPair, kid: str) -> Any:
    def resolve(url: str) -> VerificationMethod:
        if url != kid:
            raise DidResolutionError(f"unknown key {url}")
        return VerificationMethod(
            id=kid,
            controller="https://issuer.example/profile",
            public_key=key.public,
            type="JsonWebKey",
        )

    return resolve


def no_resolver(url: str) -> VerificationMethod:
    raise DidResolutionError(f"offline: {url}")


def _part(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_issue_shape() -> None:
    token = issue_jwt(credential(), ED, kid="https://issuer.example/keys/1")
    parts = decode_jwt(token)
    assert parts.header == {"alg": "EdDSA", "kid": "https://issuer.example/keys/1", "typ": "JWT"}
    assert list(parts.header) == ["alg", "kid", "typ"]
    payload = parts.payload
    assert payload["iss"] == "https://issuer.example/profile"
    assert payload["sub"] == "did:example:learner"
    assert payload["jti"] == "urn:uuid:9d8b3f6e-1111-4222-8333-444455556666"
    assert payload["nbf"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    assert "iat" not in payload
    assert {
        k: v for k, v in payload.items() if k not in ("iss", "sub", "jti", "nbf", "exp")
    } == credential()


def test_issue_with_iat_and_embedded_jwk() -> None:
    token = issue_jwt(credential(), ED, embed_jwk=True, issued_at=NOW)
    parts = decode_jwt(token)
    assert parts.payload["iat"] == int(NOW.timestamp())
    assert parts.header["jwk"] == ED.public.to_jwk()
    assert "d" not in parts.header["jwk"]


@pytest.mark.parametrize("embed", [False, True])
@pytest.mark.parametrize("name", ["Ed25519", "P-256", "RSA"])
def test_round_trip(name: str, embed: bool, rsa: KeyPair) -> None:
    key = {"Ed25519": ED, "P-256": P256, "RSA": rsa}[name]
    kid = "https://issuer.example/keys/1"
    token = (
        issue_jwt(credential(), key, embed_jwk=True)
        if embed
        else issue_jwt(credential(), key, kid=kid)
    )
    check = verify_jwt(token, resolver_for(key, kid), now=NOW)
    assert check.verified, check.message
    assert check.code == "verified"
    assert check.credential == credential()
    assert check.key_source == ("jwk" if embed else "kid")
    assert check.public_key == key.public
    assert (
        decode_jwt(token).header["alg"]
        == {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}[name]
    )


def test_issue_refuses_bad_requests() -> None:
    with pytest.raises(ProofError, match="kid"):
        issue_jwt(credential(), ED, kid=None)
    with pytest.raises(ProofError, match="kid"):
        issue_jwt(credential(), ED, kid="x", embed_jwk=True)
    with pytest.raises(ProofError, match="P-384"):
        issue_jwt(credential(), KeyPair.generate("P-384"), kid="x")
    with pytest.raises(ProofError, match="issuer"):
        issue_jwt({**credential(), "issuer": 5}, ED, kid="x")


def _resign(header: dict[str, Any], payload: dict[str, Any], key: KeyPair = ED) -> str:
    signing_input = f"{_part(header)}.{_part(payload)}"
    return f"{signing_input}.{_part(key.sign(signing_input.encode()))}"


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = decode_jwt(token)
    return parts.header, parts.payload


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda h, p: h.update(cty="JWT"), "forbidden_header_member"),
        (lambda h, p: h.update(x5u="https://evil.example"), "forbidden_header_member"),
        (lambda h, p: h.update(typ="JOSE"), "invalid_typ"),
        (lambda h, p: h.update(alg="none"), "alg_none"),
        (lambda h, p: h.update(alg="HS256"), "unsupported_alg"),
        (lambda h, p: h.update(alg=["EdDSA"]), "unsupported_alg"),
        (lambda h, p: h.update(alg={"x": 1}), "unsupported_alg"),
        (lambda h, p: h.update(typ=["JWT"]), "invalid_typ"),
        (lambda h, p: h.update(kid=["k"]), "malformed_jwt"),
        (lambda h, p: h.update(jwk="k"), "invalid_jwk"),
        (lambda h, p: h.update(alg="RS256"), "alg_key_mismatch"),
        (lambda h, p: h.update(alg="ES256"), "alg_key_mismatch"),
        (lambda h, p: h.update(jwk={**ED.public.to_jwk(), "d": "AAAA"}), "private_key_in_header"),
        (lambda h, p: h.update(jwk={"kty": "OKP"}), "invalid_jwk"),
        (lambda h, p: h.update(jwk=P256.public.to_jwk()), "jwk_kid_mismatch"),
        (lambda h, p: h.pop("kid"), "no_key"),
        (lambda h, p: p.update(iss="https://other.example"), "claim_mismatch"),
        (lambda h, p: p.update(sub="did:example:other"), "claim_mismatch"),
        (lambda h, p: p.update(jti="urn:uuid:other"), "claim_mismatch"),
        (lambda h, p: p.update(nbf=p["nbf"] + 1), "claim_mismatch"),
        (lambda h, p: p.update(exp="tomorrow"), "claim_mismatch"),
        (lambda h, p: p.pop("iss"), "claim_mismatch"),
        (lambda h, p: p.update(name="Other"), None),  # re-signed: still verifies
    ],
)
def test_header_and_claim_rules(mutate: Any, code: str | None) -> None:
    kid = "https://issuer.example/keys/1"
    header, payload = _parts(issue_jwt(credential(), ED, kid=kid))
    mutate(header, payload)
    check = verify_jwt(_resign(header, payload), resolver_for(ED, kid), now=NOW)
    if code is None:
        assert check.verified, check.message
    else:
        assert (check.verified, check.code) == (False, code), check.message


def test_tampered_payload_fails() -> None:
    kid = "https://issuer.example/keys/1"
    token = issue_jwt(credential(), ED, kid=kid)
    head, _, signature = token.split(".")
    payload = decode_jwt(token).payload
    payload["name"] = "Forged"
    check = verify_jwt(f"{head}.{_part(payload)}.{signature}", resolver_for(ED, kid), now=NOW)
    assert check.code == "invalid_signature"
    assert check.credential is not None
    assert check.credential["name"] == "Forged"  # returned for reporting, not trusted


def test_times() -> None:
    kid = "k"
    token = issue_jwt(credential(), ED, kid=kid)
    assert (
        verify_jwt(token, resolver_for(ED, kid), now=datetime(2024, 6, 1, tzinfo=UTC)).code
        == "jwt_not_yet_valid"
    )
    assert (
        verify_jwt(token, resolver_for(ED, kid), now=datetime(2027, 6, 1, tzinfo=UTC)).code
        == "jwt_expired"
    )


def test_unresolvable_kid() -> None:
    token = issue_jwt(credential(), ED, kid="https://issuer.example/keys/1")
    check = verify_jwt(token, lambda u: resolve_verification_method(u, OfflineDocuments()), now=NOW)
    assert check.code == "verification_method_unresolved"


def test_did_key_kid() -> None:
    token = issue_jwt(credential(), ED, kid=ED.verification_method)
    check = verify_jwt(token, lambda u: resolve_verification_method(u, OfflineDocuments()), now=NOW)
    assert check.verified, check.message
    assert check.method is not None


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "eyJhbGciOiJFZERTQSJ9.e30=.AA",  # padding
        "eyJhbGciOiJFZERTQSJ9.e30.A+",  # base64, not base64url
        "eyJhbGciOiJFZERTQSJ9.e31.AA",  # stray bits
        _part(b"[1]") + ".e30.AA",  # header not an object
        _part(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AA",  # duplicate member
        _part(b'{"alg":NaN}') + ".e30.AA",
        _part(b"\xff\xfe") + ".e30.AA",
        _part(b"[" * 100_000 + b"]" * 100_000) + ".e30.AA",
        "a" * 1_000_001,
    ],
)
def test_decode_rejects_malformed(token: str) -> None:
    with pytest.raises(MalformedDocument):
        decode_jwt(token)
    check = verify_jwt(token, no_resolver)
    assert (check.verified, check.code) == (False, "malformed_jwt")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="ABCDEFabcdef0123456789-_.=+/ "),
        st.binary().map(lambda b: b.decode("latin-1")),
    )
)
def test_decoder_raises_only_typed_errors(token: str) -> None:
    with contextlib.suppress(MalformedDocument):
        decode_jwt(token)
    assert verify_jwt(token, no_resolver).verified is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values, st.binary(max_size=80))
def test_verify_never_raises_on_structured_garbage(
    header: Any, payload: Any, signature: bytes
) -> None:
    token = f"{_part(header)}.{_part(payload)}.{_part(signature)}"
    check = verify_jwt(token, no_resolver)
    assert not check.verified
    assert check.code


def test_1edtech_ob3_jwt_names_no_key(standards_dir: Path) -> None:
    # VC 1.1 shape (credential in the "vc" claim), header {"alg":"RS256","typ":"JWT"}:
    # neither kid nor jwk, so no key can be found offline (or online) to check it.
    token = (standards_dir / "vectors/ob3/1edtech-validator/simple.jwt").read_text()
    check = verify_jwt(token, no_resolver, now=NOW)
    assert check.code == "no_key"
    assert check.credential is not None
    assert check.credential["id"] == "http://example.edu/credentials/3732"


def test_1edtech_clr2_jwt_verifies_with_embedded_jwk(standards_dir: Path) -> None:
    token = (standards_dir / "vectors/clr2/1edtech-validator/simple.jwt").read_text()
    check = verify_jwt(token, no_resolver, now=NOW)
    assert check.verified, check.message
    assert check.key_source == "jwk"
    assert check.public_key is not None
    assert check.public_key.algorithm == "RSA"
    assert check.credential is not None
    assert "ClrCredential" in check.credential["type"]
    # the same sample with a changed claim fails
    head, body, sig = token.strip().split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["vc"]["name"] = "Forged"
    assert (
        verify_jwt(f"{head}.{_part(payload)}.{sig}", no_resolver, now=NOW).code
        == "invalid_signature"
    )
