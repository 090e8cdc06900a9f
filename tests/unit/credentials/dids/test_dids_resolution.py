"""Verification method resolution for https key URLs, legacy types, did:jwk, and
the issuer-controls-key decision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.dids import (
    VerificationMethod,
    controller_document,
    controls,
    is_authorized,
    parse_verification_method,
    resolve_did,
    resolve_verification_method,
)
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import DidResolutionError, FetchError
from microcred.credentials.keys import KeyPair, base58btc_encode, base64url_encode

ISSUER = "https://example.edu/issuers/565049"
MB = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
KEY_URL = f"{ISSUER}#{MB}"


@pytest.fixture
def pair(standards_dir: Path) -> KeyPair:
    vector = json.loads(
        (standards_dir / "vectors/ob3/1edtech-spec-impl-guide/keypair.json").read_text()
    )
    return KeyPair.from_secret_multibase(vector["secretKeyMultibase"])


def _multikey(vm_id: str, controller: str, pair: KeyPair) -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": vm_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": pair.public.multibase,
    }


def test_multikey_document(pair: KeyPair) -> None:
    fetcher = OfflineDocuments({ISSUER: _multikey(KEY_URL, ISSUER, pair)})
    method = resolve_verification_method(KEY_URL, fetcher)
    assert method == VerificationMethod(KEY_URL, ISSUER, pair.public, "Multikey")
    assert is_authorized(method, ISSUER)


def test_profile_document_listing_keys(pair: KeyPair) -> None:
    other = KeyPair.generate()
    profile = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": ISSUER,
        "type": ["Profile"],
        "name": "Example University",
        "verificationMethod": [
            {
                "id": f"#{other.public.multibase}",
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": other.public.multibase,
            },
            {
                "id": KEY_URL,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": pair.public.multibase,
            },
        ],
    }
    fetcher = OfflineDocuments({ISSUER: profile})
    method = resolve_verification_method(KEY_URL, fetcher)
    assert method.public_key == pair.public
    relative = resolve_verification_method(f"{ISSUER}#{other.public.multibase}", fetcher)
    assert relative.public_key == other.public
    # no assertionMethod member: listed in verificationMethod and controlled by the issuer
    assert is_authorized(method, ISSUER, controller_document(ISSUER, fetcher))
    # an explicit assertionMethod that omits the key (removed after a compromise) refuses
    restricted = {**profile, "assertionMethod": [f"#{other.public.multibase}"]}
    assert not is_authorized(method, ISSUER, restricted)
    assert is_authorized(relative, ISSUER, restricted)
    with pytest.raises(DidResolutionError, match="does not list the key") as info:
        resolve_verification_method(f"{ISSUER}#z6MkUnknown", fetcher)
    assert info.value.code == "verification_method_not_found"


def test_jwk_and_jwk_set() -> None:
    rsa = KeyPair.generate("RSA")
    jwk = {**rsa.public.to_jwk(), "kid": "key-1", "use": "sig", "alg": "RS256"}
    fetcher = OfflineDocuments(
        {"https://example.edu/jwk": jwk, "https://example.edu/jwks": {"keys": [jwk]}}
    )
    method = resolve_verification_method("https://example.edu/jwk#key-1", fetcher)
    assert method.public_key == rsa.public
    assert method.type == "JsonWebKey"
    assert method.controller == "https://example.edu/jwk"
    assert resolve_verification_method("https://example.edu/jwks#key-1", fetcher).public_key == (
        rsa.public
    )
    assert resolve_verification_method("https://example.edu/jwks", fetcher).public_key == (
        rsa.public
    )
    with pytest.raises(DidResolutionError, match="holds no key"):
        resolve_verification_method("https://example.edu/jwks#key-2", fetcher)


def test_jwk_with_private_member_refused() -> None:
    leaked = KeyPair.generate().to_jwk()
    fetcher = OfflineDocuments({"https://example.edu/jwk": leaked})
    with pytest.raises(DidResolutionError, match="private key material"):
        resolve_verification_method("https://example.edu/jwk", fetcher)


def test_fragment_key_only_when_trusted_and_unreachable(pair: KeyPair) -> None:
    offline = OfflineDocuments()
    with pytest.raises(FetchError, match="not available offline"):
        resolve_verification_method(KEY_URL, offline)
    method = resolve_verification_method(KEY_URL, offline, trust_fragment_key=True)
    assert method.public_key == pair.public
    assert method.derived_from_fragment
    assert method.controller == ISSUER
    # a fragment that is not a key gives the fetch error back
    with pytest.raises(FetchError):
        resolve_verification_method(f"{ISSUER}#key-1", offline, trust_fragment_key=True)
    # when the document is reachable it decides, even with trust_fragment_key
    other = KeyPair.generate()
    fetcher = OfflineDocuments({ISSUER: _multikey(KEY_URL, ISSUER, other)})
    method = resolve_verification_method(KEY_URL, fetcher, trust_fragment_key=True)
    assert method.public_key == other.public
    assert not method.derived_from_fragment


def test_document_for_another_id_refused(pair: KeyPair) -> None:
    fetcher = OfflineDocuments({ISSUER: _multikey(f"{ISSUER}#other", ISSUER, pair)})
    with pytest.raises(DidResolutionError):
        resolve_verification_method(KEY_URL, fetcher)


def test_not_json(pair: KeyPair) -> None:
    fetcher = OfflineDocuments({ISSUER: "not json"})
    with pytest.raises(DidResolutionError, match="not a JSON object"):
        resolve_verification_method(KEY_URL, fetcher)


@pytest.mark.parametrize(
    "url", ["", "ftp://example.edu/key", "urn:uuid:1234", "did:example:123", "did:ion:abc#k"]
)
def test_unsupported_urls(url: str) -> None:
    with pytest.raises(DidResolutionError):
        resolve_verification_method(url, OfflineDocuments())


def test_legacy_types(pair: KeyPair) -> None:
    base = "did:example:legacy"
    ed2020 = parse_verification_method(
        {
            "id": "#a",
            "type": "Ed25519VerificationKey2020",
            "controller": base,
            "publicKeyMultibase": pair.public.multibase,
        },
        base=base,
    )
    assert ed2020.id == base + "#a"
    assert ed2020.public_key == pair.public
    ed2018 = parse_verification_method(
        {
            "id": base + "#b",
            "type": "Ed25519VerificationKey2018",
            "controller": base,
            "publicKeyBase58": base58btc_encode(pair.public.raw),
        }
    )
    assert ed2018.public_key == pair.public
    for kind in ("JsonWebKey2020", "JsonWebKey"):
        method = parse_verification_method(
            {
                "id": base + "#c",
                "type": kind,
                "controller": base,
                "publicKeyJwk": pair.public.to_jwk(),
            }
        )
        assert method.public_key == pair.public
        assert method.type == kind
    p256 = KeyPair.generate("P-256")
    with pytest.raises(DidResolutionError, match="holds a P-256 key"):
        parse_verification_method(
            {
                "id": base + "#d",
                "type": "Ed25519VerificationKey2020",
                "controller": base,
                "publicKeyMultibase": p256.public.multibase,
            }
        )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ([], "JSON object"),
        ({"type": "Multikey"}, "no 'id'"),
        ({"id": "did:x:1#k"}, "no 'type'"),
        ({"id": "did:x:1#k", "type": "Multikey", "publicKeyMultibase": MB}, "no 'controller'"),
        ({"id": "did:x:1#k", "type": "Multikey", "controller": "did:x:1"}, "without a supported"),
        (
            {
                "id": "did:x:1#k",
                "type": "Multikey",
                "controller": "did:x:1",
                "publicKeyMultibase": 7,
            },
            "malformed key",
        ),
        (
            {
                "id": "did:x:1#k",
                "type": "Multikey",
                "controller": "did:x:1",
                "publicKeyMultibase": "z6Mk",
            },
            "malformed key",
        ),
        (
            {"id": "did:x:1#k", "type": "JsonWebKey", "controller": "did:x:1", "publicKeyJwk": "x"},
            "malformed key",
        ),
    ],
)
def test_bad_verification_methods(entry: Any, message: str) -> None:
    with pytest.raises(DidResolutionError, match=message) as info:
        parse_verification_method(entry)
    assert info.value.code == "invalid_verification_method"


def test_did_jwk() -> None:
    pair = KeyPair.generate("P-256")
    did = "did:jwk:" + base64url_encode(json.dumps(pair.public.to_jwk()).encode())
    document = resolve_did(did, OfflineDocuments())
    assert document["id"] == did
    method = resolve_verification_method(did + "#0", OfflineDocuments())
    assert method.public_key == pair.public
    assert is_authorized(method, did, document)
    with pytest.raises(DidResolutionError, match="public JWK"):
        resolve_did("did:jwk:e30", OfflineDocuments())
    with pytest.raises(DidResolutionError, match="public JWK"):
        resolve_did("did:jwk:!!", OfflineDocuments())


def test_is_authorized_did_key() -> None:
    pair = KeyPair.generate()
    method = resolve_verification_method(pair.verification_method, OfflineDocuments())
    document = resolve_did(pair.did_key, OfflineDocuments())
    assert is_authorized(method, pair.did_key)
    assert is_authorized(method, pair.did_key, document)
    assert controls(pair.did_key, method, document)
    assert not is_authorized(method, pair.did_key, document, purpose="keyAgreement")
    other = KeyPair.generate()
    assert not is_authorized(method, other.did_key)
    assert not is_authorized(method, other.did_key, document)  # someone else's document
    assert not is_authorized(method, "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164")


def test_claimed_controller_from_elsewhere_is_not_enough(pair: KeyPair) -> None:
    # an attacker hosts a key document claiming the university as controller
    rogue_url = "https://attacker.example/keys/1"
    fetcher = OfflineDocuments({rogue_url: _multikey(rogue_url, ISSUER, pair)})
    method = resolve_verification_method(rogue_url, fetcher)
    assert method.controller == ISSUER
    assert not is_authorized(method, ISSUER)
    profile = {"id": ISSUER, "assertionMethod": [KEY_URL]}
    assert not is_authorized(method, ISSUER, profile)
    # ... unless the issuer's own document lists it
    assert is_authorized(method, ISSUER, {"id": ISSUER, "assertionMethod": [rogue_url]})


def test_controller_document_kinds(pair: KeyPair) -> None:
    fetcher = OfflineDocuments({ISSUER: {"id": ISSUER}})
    assert controller_document(ISSUER, fetcher) == {"id": ISSUER}
    assert controller_document(pair.did_key, fetcher)["id"] == pair.did_key
    with pytest.raises(DidResolutionError):
        controller_document("urn:uuid:1", fetcher)
    with pytest.raises(DidResolutionError, match="not a JSON object"):
        controller_document(ISSUER, OfflineDocuments({ISSUER: "[]"}))
