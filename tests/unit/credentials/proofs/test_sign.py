"""sign(): Add Proof and Add Proof Set/Chain (VC Data Integrity 1.0, 4.2 and 4.3)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from microcred.credentials.dids import VerificationMethod, resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import MalformedDocument, ProofError, UndefinedTermError
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import SUITES, get_suite, sign, verify_proofs

SEED = bytes(range(32))
CREATED = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def resolve(url: str) -> VerificationMethod:
    return resolve_verification_method(url, OfflineDocuments())


def credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:2f0c7a52-3b1b-4a55-9d1b-6a0b9f0a1b2c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/profile", "type": ["Profile"], "name": "Ex"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/1",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in teams.",
                "criteria": {"narrative": "Complete the project."},
            },
        },
    }


@pytest.fixture(scope="module")
def ed_key() -> KeyPair:
    return KeyPair.generate("Ed25519", seed=SEED)


def test_sign_returns_new_document_and_leaves_input_untouched(ed_key: KeyPair) -> None:
    document = credential()
    before = copy.deepcopy(document)
    signed = sign(document, ed_key, created=CREATED)
    assert document == before
    assert "proof" not in document
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2024-05-06T07:08:09Z",
        "verificationMethod": ed_key.verification_method,
        "proofPurpose": "assertionMethod",
        "proofValue": signed["proof"]["proofValue"],
    }
    assert signed["proof"]["proofValue"].startswith("z")
    signed["name"] = "changed"
    assert document["name"] == "Teamwork"


def test_created_is_written_in_utc_with_z(ed_key: KeyPair) -> None:
    plus_two = timezone(timedelta(hours=2))
    signed = sign(credential(), ed_key, created=datetime(2024, 5, 6, 9, 8, 9, tzinfo=plus_two))
    assert signed["proof"]["created"] == "2024-05-06T07:08:09Z"


def test_default_created_is_now(ed_key: KeyPair) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    signed = sign(credential(), ed_key)
    created = datetime.strptime(signed["proof"]["created"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=UTC
    )
    assert before <= created <= datetime.now(UTC)


def test_naive_created_is_refused(ed_key: KeyPair) -> None:
    with pytest.raises(ProofError, match="timezone-aware"):
        sign(credential(), ed_key, created=datetime(2024, 1, 1))


def test_optional_proof_members(ed_key: KeyPair) -> None:
    signed = sign(
        credential(),
        ed_key,
        created=CREATED,
        challenge="c-1",
        domain="verifier.example",
        expires=CREATED + timedelta(days=1),
        nonce="n-1",
        proof_id="urn:uuid:proof-1",
        proof_purpose="authentication",
    )
    proof = signed["proof"]
    assert proof["challenge"] == "c-1"
    assert proof["domain"] == "verifier.example"
    assert proof["expires"] == "2024-05-07T07:08:09Z"
    assert proof["nonce"] == "n-1"
    assert proof["id"] == "urn:uuid:proof-1"
    [check] = verify_proofs(
        signed,
        resolve=resolve,
        expected_purpose="authentication",
        challenge="c-1",
        domain="verifier.example",
        now=CREATED,
    )
    assert check.verified, check.message


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_every_suite_round_trips(suite: str) -> None:
    algorithm = "P-256" if suite.startswith("ecdsa") else "Ed25519"
    key = KeyPair.generate(algorithm)
    signed = sign(credential(), key, suite=suite, created=CREATED)
    [check] = verify_proofs(signed, resolve=resolve)
    assert check.verified, check.message
    assert (check.cryptosuite or check.proof_type) == suite


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
def test_p384_round_trips(suite: str) -> None:
    key = KeyPair.generate("P-384")
    signed = sign(credential(), key, suite=suite, created=CREATED)
    [check] = verify_proofs(signed, resolve=resolve)
    assert check.verified, check.message


def test_ed25519_signature_2020_adds_its_context(ed_key: KeyPair) -> None:
    signed = sign(credential(), ed_key, suite="Ed25519Signature2020", created=CREATED)
    assert signed["@context"][-1] == "https://w3id.org/security/suites/ed25519-2020/v1"
    assert "cryptosuite" not in signed["proof"]
    assert signed["proof"]["type"] == "Ed25519Signature2020"


def test_jcs_proof_carries_the_document_context(ed_key: KeyPair) -> None:
    signed = sign(credential(), ed_key, suite="eddsa-jcs-2022", created=CREATED)
    assert signed["proof"]["@context"] == credential()["@context"]


@pytest.mark.parametrize(
    ("suite", "algorithm"),
    [
        ("eddsa-rdfc-2022", "P-256"),
        ("eddsa-jcs-2022", "P-384"),
        ("Ed25519Signature2020", "P-256"),
        ("ecdsa-rdfc-2019", "Ed25519"),
        ("ecdsa-jcs-2019", "Ed25519"),
    ],
)
def test_key_type_must_match_suite(suite: str, algorithm: str) -> None:
    with pytest.raises(ProofError, match=algorithm) as info:
        sign(credential(), KeyPair.generate(algorithm), suite=suite)
    assert info.value.code == "key_suite_mismatch"


def test_unknown_suite_is_refused(ed_key: KeyPair) -> None:
    with pytest.raises(ProofError, match="eddsa-rdfc-2022") as info:
        sign(credential(), ed_key, suite="rsa-2048")
    assert info.value.code == "unknown_cryptosuite"


def test_legacy_name_only_for_verification(ed_key: KeyPair) -> None:
    with pytest.raises(ProofError, match="pre-standard"):
        sign(credential(), ed_key, suite="eddsa-2022")
    assert get_suite("eddsa-rdfc-2022").accepted_names >= {"eddsa-2022"}


def test_safe_mode_refuses_undefined_terms(ed_key: KeyPair) -> None:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s", "favouriteColour": "blue"},
    }
    with pytest.raises(UndefinedTermError, match="favouriteColour"):
        sign(document, ed_key, suite="Ed25519Signature2020")
    signed = sign(document, ed_key, suite="Ed25519Signature2020", safe_mode=False)
    [check] = verify_proofs(signed, resolve=resolve)
    assert check.verified
    # ...and the undefined member is indeed unsigned: changing it does not break the proof.
    signed["credentialSubject"]["favouriteColour"] = "red"
    [check] = verify_proofs(signed, resolve=resolve)
    assert check.verified


def test_safe_mode_checks_the_proof_configuration(ed_key: KeyPair) -> None:
    # VC 1.1 alone does not define DataIntegrityProof / cryptosuite.
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:s"},
    }
    with pytest.raises(UndefinedTermError):
        sign(document, ed_key)


def test_proof_set_appends(ed_key: KeyPair) -> None:
    other = KeyPair.generate("P-256")
    once = sign(credential(), ed_key, created=CREATED)
    twice = sign(once, other, suite="ecdsa-rdfc-2019", created=CREATED)
    assert isinstance(twice["proof"], list)
    assert twice["proof"][0] == once["proof"]
    assert len(twice["proof"]) == 2
    checks = verify_proofs(twice, resolve=resolve)
    assert [c.verified for c in checks] == [True, True]
    thrice = sign(twice, ed_key, suite="eddsa-jcs-2022", created=CREATED)
    assert len(thrice["proof"]) == 3
    assert all(c.verified for c in verify_proofs(thrice, resolve=resolve))


def test_proof_chain_needs_existing_previous_proof(ed_key: KeyPair) -> None:
    first = sign(credential(), ed_key, proof_id="urn:uuid:first", created=CREATED)
    with pytest.raises(ProofError, match="urn:uuid:missing") as info:
        sign(first, ed_key, previous_proof="urn:uuid:missing")
    assert info.value.code == "previous_proof_missing"
    chained = sign(first, ed_key, previous_proof="urn:uuid:first", created=CREATED)
    assert chained["proof"][1]["previousProof"] == "urn:uuid:first"
    assert all(c.verified for c in verify_proofs(chained, resolve=resolve))


def test_malformed_inputs(ed_key: KeyPair) -> None:
    with pytest.raises(MalformedDocument):
        sign(["not", "an", "object"], ed_key)  # type: ignore[arg-type]
    with pytest.raises(MalformedDocument):
        sign({**credential(), "proof": "zzz"}, ed_key)
