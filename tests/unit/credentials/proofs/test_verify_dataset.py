"""verify_proofs(dataset=...): the terms check's walk reused, never a wrong answer."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.credentials.dids import VerificationMethod, resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.jsonld import CheckedDataset, undefined_terms_checked
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign, suite, verify_proofs

CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
NOW = CREATED + timedelta(hours=1)
KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))


def resolve(url: str) -> VerificationMethod:
    return resolve_verification_method(url, OfflineDocuments())


def credential(name: str = "Ada") -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b1c2d3e-4f50-4617-8899-aabbccddeeff",
        "type": ["VerifiableCredential"],
        "issuer": KEY.did_key,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": name},
    }


def dataset_of(document: dict[str, Any]) -> CheckedDataset:
    _, found = undefined_terms_checked({k: v for k, v in document.items() if k != "proof"})
    assert found is not None
    return found


def codes(document: dict[str, Any], dataset: CheckedDataset | None) -> list[str]:
    return [c.code for c in verify_proofs(document, resolve=resolve, now=NOW, dataset=dataset)]


@pytest.mark.parametrize(
    ("suite_name", "algorithm"),
    [
        ("eddsa-rdfc-2022", "Ed25519"),
        ("ecdsa-rdfc-2019", "P-256"),
        ("ecdsa-rdfc-2019", "P-384"),  # RDFC-1.0 with SHA-384: the dataset is not used
        ("eddsa-jcs-2022", "Ed25519"),  # JCS: the dataset is not used
        ("Ed25519Signature2020", "Ed25519"),
    ],
)
def test_same_result_with_and_without_the_dataset(suite_name: str, algorithm: str) -> None:
    key = KEY if algorithm == "Ed25519" else KeyPair.generate(algorithm)
    document = sign(credential(), key, suite=suite_name, created=CREATED)
    assert codes(document, dataset_of(document)) == codes(document, None) == ["verified"]


def test_document_is_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    document = sign(credential(), KEY, created=CREATED)
    walked: list[Any] = []
    original = suite._rdfc

    def counting(target: Any, *args: Any, **kwargs: Any) -> bytes:
        walked.append(target)
        return original(target, *args, **kwargs)

    monkeypatch.setattr(suite, "_rdfc", counting)
    assert codes(document, dataset_of(document)) == ["verified"]
    assert len(walked) == 1  # the proof configuration only
    assert "proofPurpose" in walked[0]
    walked.clear()
    assert codes(document, None) == ["verified"]
    assert len(walked) == 2


def test_tampered_document_fails_even_with_the_original_dataset() -> None:
    document = sign(credential(), KEY, created=CREATED)
    dataset = dataset_of(document)
    tampered = {**document, "credentialSubject": {**document["credentialSubject"], "name": "Eve"}}
    assert codes(tampered, dataset) == ["invalid_signature"]


def test_dataset_of_another_document_is_ignored() -> None:
    document = sign(credential(), KEY, created=CREATED)
    other = sign(credential("Bob"), KEY, created=CREATED)
    assert codes(document, dataset_of(other)) == ["verified"]
    # And the other document's dataset cannot make a forged document pass.
    forged = {**other, "proof": document["proof"]}
    assert codes(forged, dataset_of(document)) == ["invalid_signature"]


def test_proof_chain_does_not_use_the_unsecured_dataset() -> None:
    first = sign(credential(), KEY, created=CREATED, proof_id="urn:proof:1")
    second = sign(first, KEY, created=CREATED, previous_proof="urn:proof:1")
    assert codes(second, dataset_of(second)) == codes(second, None) == ["verified", "verified"]


def test_copy_with_equal_values_does_not_count() -> None:
    document = sign(credential(), KEY, created=CREATED)
    dataset = dataset_of(document)
    assert codes(copy.deepcopy(document), dataset) == ["verified"]  # recomputed, same answer
