"""did:web: URL mapping, documents, resolution through a fetcher (did:web spec 3.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.dids import (
    did_web_document,
    did_web_from_url,
    did_web_url,
    is_authorized,
    resolve_did,
    resolve_verification_method,
)
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import DidResolutionError, FetchError
from microcred.credentials.keys import KeyPair


@pytest.mark.parametrize(
    ("did", "url"),
    [
        # the examples of the did:web specification, section 3.2
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        ("did:web:example.com%3a3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com#key-1", "https://example.com/.well-known/did.json"),
        (
            "did:web:dc.1edtech.org:wellspring2022:wellspring-portal:org:da1e96e9-afcc",
            "https://dc.1edtech.org/wellspring2022/wellspring-portal/org/da1e96e9-afcc/did.json",
        ),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json"),
    ],
)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:%3A443",
        "did:key:z6Mk",
        "did:web:example..com",
        "did:web:-example.com",
        "did:web:exa mple.com",
        "did:web:example.com%3A",
        "did:web:example.com%3A0",
        "did:web:example.com%3A70000",
        "did:web:example.com%3A80%3A90",
        "did:web:example.com%2Fevil",
        "did:web:example.com::a",
        "did:web:example.com:a:",
        "did:web:example.com:..",
        "did:web:example.com:a/b",
        "did:web:example.com?service=x",
        "did:web:127.0.0.1",
        "did:web:10.0.0.1%3A8080",
        "did:web:user@example.com",
        "did:web:" + "a" * 300 + ".com",
    ],
)
def test_bad_did_web(did: str) -> None:
    with pytest.raises(DidResolutionError) as info:
        did_web_url(did)
    assert info.value.code == "invalid_did"


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/", "did:web:example.com"),
        ("https://example.com/.well-known/did.json", "did:web:example.com"),
        ("https://example.com:8443/issuers/1", "did:web:example.com%3A8443:issuers:1"),
        ("https://example.com/issuers/1/did.json", "did:web:example.com:issuers:1"),
    ],
)
def test_did_web_from_url(url: str, did: str) -> None:
    assert did_web_from_url(url) == did


@pytest.mark.parametrize(
    "url", ["http://example.com", "https://example.com/?q=1", "https://u:p@example.com/"]
)
def test_did_web_from_bad_url(url: str) -> None:
    with pytest.raises(DidResolutionError):
        did_web_from_url(url)


@given(st.text(max_size=60))
def test_did_web_url_raises_only_did_resolution_error(suffix: str) -> None:
    try:
        url = did_web_url("did:web:" + suffix)
    except DidResolutionError:
        return
    assert url.startswith("https://")
    assert url.endswith("did.json")


DID = "did:web:example.edu:issuers:1"


def _rotated() -> tuple[KeyPair, KeyPair, dict[str, object]]:
    old, new = KeyPair.generate(seed=b"\1" * 32), KeyPair.generate("P-256")
    document = did_web_document(DID, [old.public, new.public])
    return old, new, document


def test_did_web_document_lists_every_key() -> None:
    old, new, document = _rotated()
    ids = [f"{DID}#{old.public.multibase}", f"{DID}#{new.public.multibase}"]
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": ids[0],
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": old.public.multibase,
            },
            {
                "id": ids[1],
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": new.public.multibase,
            },
        ],
        "assertionMethod": ids,
    }


def test_did_web_document_options() -> None:
    pair, rsa = KeyPair.generate(), KeyPair.generate("RSA")
    document = did_web_document(
        DID, [pair.public, rsa.public], key_ids=["#key-1", f"{DID}#key-2"], authentication=True
    )
    assert document["authentication"] == [f"{DID}#key-1", f"{DID}#key-2"]
    assert document["verificationMethod"][1]["type"] == "JsonWebKey"
    assert "https://w3id.org/security/jwk/v1" in document["@context"]
    with pytest.raises(DidResolutionError, match="twice"):
        did_web_document(DID, [pair.public, pair.public])
    with pytest.raises(DidResolutionError, match="fragment of"):
        did_web_document(DID, [pair.public], key_ids=["did:web:other.com#k"])
    with pytest.raises(DidResolutionError, match="at least one"):
        did_web_document(DID, [])
    with pytest.raises(DidResolutionError, match="one key id per key"):
        did_web_document(DID, [pair.public], key_ids=[])


def test_resolve_did_web_through_fetcher() -> None:
    old, new, document = _rotated()
    fetcher = OfflineDocuments({did_web_url(DID): document})
    assert resolve_did(DID, fetcher) == document
    for pair in (old, new):
        vm_id = f"{DID}#{pair.public.multibase}"
        method = resolve_verification_method(vm_id, fetcher)
        assert method.public_key == pair.public
        assert method.controller == DID
        assert is_authorized(method, DID, document)
    with pytest.raises(DidResolutionError, match="no verification method"):
        resolve_verification_method(f"{DID}#missing", fetcher)
    with pytest.raises(DidResolutionError, match="2 keys"):
        resolve_verification_method(DID, fetcher)


def test_resolve_did_web_id_mismatch() -> None:
    pair = KeyPair.generate()
    impostor = did_web_document("did:web:evil.example", [pair.public])
    fetcher = OfflineDocuments({did_web_url(DID): impostor})
    with pytest.raises(DidResolutionError, match=r"not 'did:web:example\.edu:issuers:1'") as info:
        resolve_did(DID, fetcher)
    assert info.value.code == "invalid_did_document"


def test_resolve_did_web_not_json_or_missing() -> None:
    fetcher = OfflineDocuments({did_web_url(DID): b"<html>"})
    with pytest.raises(DidResolutionError, match="not a JSON object"):
        resolve_did(DID, fetcher)
    with pytest.raises(FetchError, match="not available offline"):
        resolve_did("did:web:other.example", fetcher)
