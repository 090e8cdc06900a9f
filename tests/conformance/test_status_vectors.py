"""Bitstring Status List vectors (../shared/standards/vectors/bitstring-status-list/).

The signed 1EdTech test list is verified for real (eddsa-rdfc-2022: RDFC-1.0 canonical
N-Quads of the document and of the proof options, SHA-256, Ed25519 over proofHash||docHash,
key from the Multikey fragment of the https verificationMethod URL).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.errors import FetchError
from microcred.credentials.jsonld import canonicalize
from microcred.credentials.keys import PublicKey, base58btc_decode
from microcred.credentials.status import Bitstring, check_status

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def vectors(standards_dir: Path) -> dict[str, dict[str, Any]]:
    folder = standards_dir / "vectors" / "bitstring-status-list"
    return {p.name: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


def verify_eddsa_rdfc_2022(document: Mapping[str, Any]) -> bool:
    """Every proof verifies (eddsa-rdfc-2022 with a key in the verificationMethod fragment)."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    doc_hash = hashlib.sha256(canonicalize(unsecured).encode()).digest()
    for proof in proofs:
        if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-rdfc-2022":
            return False
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        options["@context"] = document["@context"]
        proof_hash = hashlib.sha256(canonicalize(options).encode()).digest()
        key = PublicKey.from_multibase(proof["verificationMethod"].split("#", 1)[1])
        signature = base58btc_decode(proof["proofValue"][1:])
        if not key.verify(signature, proof_hash + doc_hash):
            return False
    return True


def _fetcher(documents: Mapping[str, Mapping[str, Any]]) -> Any:
    def fetch(url: str) -> Mapping[str, Any]:
        try:
            return documents[url]
        except KeyError:
            raise FetchError(f"{url} not supplied") from None

    return fetch


def test_spec_example_list_decodes_to_16kb_of_zeros(vectors: dict[str, dict[str, Any]]) -> None:
    subject = vectors["spec-example-status-list-credential.json"]["credentialSubject"]
    bits = Bitstring.decode(subject["encodedList"])
    assert len(bits.to_bytes()) == 16384
    assert bits.set_indices() == []


def test_testlist_decodes_with_only_bit_23_set(vectors: dict[str, dict[str, Any]]) -> None:
    subject = vectors["ob3-status-list-credential-testlist.json"]["credentialSubject"]
    bits = Bitstring.decode(subject["encodedList"])
    assert len(bits.to_bytes()) == 16384
    assert bits.set_indices() == [23]
    assert bits.to_bytes()[2] == 0b0000_0001


def test_testlist_proof_verifies_and_tampering_breaks_it(
    vectors: dict[str, dict[str, Any]],
) -> None:
    testlist = vectors["ob3-status-list-credential-testlist.json"]
    assert verify_eddsa_rdfc_2022(testlist)
    tampered = copy.deepcopy(testlist)
    tampered["credentialSubject"]["encodedList"] = Bitstring().encode()
    assert not verify_eddsa_rdfc_2022(tampered)


def test_revoked_ob3_credential_is_reported_revoked(vectors: dict[str, dict[str, Any]]) -> None:
    credential = vectors["ob3-credential-with-bitstring-status-revoked.json"]
    url = credential["credentialStatus"]["statusListCredential"]
    fetch = _fetcher({url: vectors["ob3-status-list-credential-testlist.json"]})
    results = check_status(credential, fetch, verify_list=verify_eddsa_rdfc_2022, now=NOW)
    assert [(r.status, r.code, r.value) for r in results] == [("failed", "revoked", 1)]
    # statusListIndex is the JSON number 23 in this vector: accepted, with a warning.
    assert len(results[0].warnings) == 1


def test_revoked_ob3_credential_with_tampered_list_is_unverified(
    vectors: dict[str, dict[str, Any]],
) -> None:
    credential = vectors["ob3-credential-with-bitstring-status-revoked.json"]
    url = credential["credentialStatus"]["statusListCredential"]
    tampered = copy.deepcopy(vectors["ob3-status-list-credential-testlist.json"])
    tampered["credentialSubject"]["encodedList"] = Bitstring().encode()
    results = check_status(
        credential, _fetcher({url: tampered}), verify_list=verify_eddsa_rdfc_2022, now=NOW
    )
    assert [r.code for r in results] == ["status_list_unverified"]


def test_spec_example_revocable_credential_is_not_revoked(
    vectors: dict[str, dict[str, Any]],
) -> None:
    credential = vectors["spec-example-revocable-credential.json"]
    assert credential["credentialStatus"]["statusListIndex"] == "94567"
    fetch = _fetcher(
        {
            "https://example.com/credentials/status/3": vectors[
                "spec-example-status-list-credential.json"
            ]
        }
    )
    # The spec example list carries no proof; the caller vouches for it here.
    results = check_status(credential, fetch, verify_list=lambda d: True, now=NOW)
    assert [(r.status, r.code, r.value) for r in results] == [("passed", "not_revoked", 0)]
    assert results[0].warnings == ()


def test_spec_example_revocation_and_suspension(vectors: dict[str, dict[str, Any]]) -> None:
    credential = vectors["spec-example-credential-revocation-and-suspension.json"]
    revocation_list = vectors["spec-example-status-list-credential.json"]
    results = check_status(
        credential,
        _fetcher({"https://example.com/credentials/status/3": revocation_list}),
        verify_list=lambda d: True,
        now=NOW,
    )
    # Entry 1 is fine; entry 2 points at list 4, which is not supplied: fail closed.
    assert [(r.entry_index, r.purpose, r.code) for r in results] == [
        (0, "revocation", "not_revoked"),
        (1, "suspension", "status_unavailable"),
    ]


def test_spec_example_multiple_entries_one_list(vectors: dict[str, dict[str, Any]]) -> None:
    credential = vectors["spec-example-multiple-entries-one-list.json"]
    template = vectors["spec-example-status-list-credential.json"]
    bits = Bitstring()
    bits.set(12345)
    both = copy.deepcopy(template)
    both["id"] = "https://example.com/credentials/status/5"
    both["credentialSubject"]["statusPurpose"] = ["revocation", "suspension"]
    both["credentialSubject"]["encodedList"] = bits.encode()
    calls: list[str] = []

    def fetch(url: str) -> Mapping[str, Any]:
        calls.append(url)
        return both

    results = check_status(credential, fetch, verify_list=lambda d: True, now=NOW)
    assert [(r.purpose, r.code) for r in results] == [
        ("revocation", "not_revoked"),
        ("suspension", "suspended"),
    ]
    assert calls == ["https://example.com/credentials/status/5"]
