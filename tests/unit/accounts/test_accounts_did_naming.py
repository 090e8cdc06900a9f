from __future__ import annotations

import pytest

from microcred.accounts.keys import did_web_for
from microcred.credentials.dids import did_web_document, did_web_url
from microcred.credentials.keys import KeyPair
from microcred.errors import InvalidInput


@pytest.mark.parametrize(
    ("base_url", "did", "url"),
    [
        (
            "https://example.org",
            "did:web:example.org:orgs:acme",
            "https://example.org/orgs/acme/did.json",
        ),
        (
            "https://example.org/",
            "did:web:example.org:orgs:acme",
            "https://example.org/orgs/acme/did.json",
        ),
        (
            "https://Example.org:8443",
            "did:web:example.org%3A8443:orgs:acme",
            "https://example.org:8443/orgs/acme/did.json",
        ),
        (
            "https://example.org/microcred",
            "did:web:example.org:microcred:orgs:acme",
            "https://example.org/microcred/orgs/acme/did.json",
        ),
        (
            "http://localhost:8000",
            "did:web:localhost%3A8000:orgs:acme",
            "https://localhost:8000/orgs/acme/did.json",
        ),
        (
            "http://127.0.0.1:8000",
            "did:web:localhost%3A8000:orgs:acme",
            "https://localhost:8000/orgs/acme/did.json",
        ),
        (
            "http://[::1]:9000",
            "did:web:localhost%3A9000:orgs:acme",
            "https://localhost:9000/orgs/acme/did.json",
        ),
    ],
)
def test_did_web_naming(base_url: str, did: str, url: str) -> None:
    assert did_web_for(base_url, "acme") == did
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "base_url", ["http://10.0.0.5:8000", "https://192.168.1.1", "ftp://x.org", "nonsense"]
)
def test_unusable_base_urls(base_url: str) -> None:
    with pytest.raises(InvalidInput):
        did_web_for(base_url, "acme")


@pytest.mark.parametrize("slug", ["", "Acme", "-acme", "acme-", "a/b", "a:b", "a" * 65, "é"])
def test_invalid_slugs(slug: str) -> None:
    with pytest.raises(InvalidInput) as info:
        did_web_for("https://example.org", slug)
    assert info.value.code == "invalid_slug"


def test_document_shape_lists_all_keys_as_multikey() -> None:
    did = did_web_for("https://example.org", "acme")
    keys = [KeyPair.generate("Ed25519", seed=bytes([i]) * 32).public for i in (1, 2)]
    doc = did_web_document(did, keys, key_ids=[f"{did}#key-1", f"{did}#key-2"])
    assert doc["id"] == did
    assert doc["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert [m["type"] for m in doc["verificationMethod"]] == ["Multikey", "Multikey"]
    assert [m["controller"] for m in doc["verificationMethod"]] == [did, did]
    assert doc["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    assert [m["publicKeyMultibase"] for m in doc["verificationMethod"]] == [
        k.multibase for k in keys
    ]
