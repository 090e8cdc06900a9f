"""did:key: creation and DID document (did:key method v0.9, section 3.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.credentials.dids import (
    did_key,
    parse_did_key,
    resolve_did,
    resolve_did_key,
    resolve_verification_method,
)
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import DidResolutionError
from microcred.credentials.keys import KeyPair, PublicKey, multibase_encode

W3C_DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


def test_w3c_keypair_did(standards_dir: Path) -> None:
    vector = json.loads((standards_dir / "vectors/eddsa/keyPair.json").read_text())
    pair = KeyPair.from_secret_multibase(vector["privateKeyMultibase"])
    assert did_key(pair.public) == W3C_DID == pair.did_key


def test_did_document_shape() -> None:
    mb = W3C_DID.removeprefix("did:key:")
    vm_id = f"{W3C_DID}#{mb}"
    assert resolve_did_key(W3C_DID) == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": W3C_DID,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": W3C_DID, "publicKeyMultibase": mb}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
    assert resolve_did_key(vm_id) == resolve_did_key(W3C_DID)


@pytest.mark.parametrize(("algorithm", "prefix"), [("P-256", "zDn"), ("P-384", "z82")])
def test_ecdsa_did_keys(standards_dir: Path, algorithm: str, prefix: str) -> None:
    name = {"P-256": "p256KeyPair.json", "P-384": "p384KeyPair.json"}[algorithm]
    vector = json.loads((standards_dir / "vectors/ecdsa" / name).read_text())
    did = "did:key:" + vector["publicKeyMultibase"]
    assert did.startswith("did:key:" + prefix)
    key = parse_did_key(did)
    assert key.algorithm == algorithm
    method = resolve_verification_method(
        f"{did}#{vector['publicKeyMultibase']}", OfflineDocuments()
    )
    assert method.public_key == key
    assert method.controller == did
    assert method.type == "Multikey"


def test_resolve_without_network() -> None:
    pair = KeyPair.generate()
    # OfflineDocuments with nothing in it: any fetch would fail
    method = resolve_verification_method(pair.verification_method, OfflineDocuments())
    assert method.public_key == pair.public
    assert method.id == pair.verification_method
    assert not method.derived_from_fragment
    assert resolve_verification_method(pair.did_key, OfflineDocuments()).id == (
        pair.verification_method
    )
    assert resolve_did(pair.did_key, OfflineDocuments())["id"] == pair.did_key


@pytest.mark.parametrize(
    ("did", "message"),
    [
        ("did:key:", "valid public key"),
        ("did:key:z6Mk", "valid public key"),
        ("did:key:x6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "prefix"),
        ("did:web:example.com", "not a did:key"),
        ("did:key:1:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "versions"),
        (W3C_DID + "#key-1", "does not exist"),
        # a secret key is never a did:key
        ("did:key:z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", "0x1300"),
    ],
)
def test_bad_did_keys(did: str, message: str) -> None:
    with pytest.raises(DidResolutionError, match=message) as info:
        parse_did_key(did)
    assert info.value.code == "invalid_did"


def test_rsa_did_key_refused() -> None:
    key = KeyPair.generate("RSA").public
    with pytest.raises(DidResolutionError, match="RSA"):
        parse_did_key("did:key:" + key.multibase)


def test_ed25519_bytes_not_on_curve() -> None:
    # y = 2 has no x on edwards25519 (RFC 8032 decoding fails)
    raw = (2).to_bytes(32, "little")
    with pytest.raises(DidResolutionError, match="not a point on the Ed25519 curve"):
        parse_did_key("did:key:" + _ed25519_multibase(raw))


def _ed25519_multibase(raw: bytes) -> str:
    return multibase_encode(b"\xed\x01" + raw)


def test_public_key_helper() -> None:
    assert PublicKey.from_multibase(W3C_DID[8:]).did_key == W3C_DID
