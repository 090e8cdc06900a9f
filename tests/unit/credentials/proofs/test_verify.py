"""verify_proofs(): one ProofCheck per proof, a distinct code for each failure."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.credentials.dids import VerificationMethod, resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import DidResolutionError, FetchError, MalformedDocument
from microcred.credentials.keys import KeyPair, base58btc_encode
from microcred.credentials.proofs import (
    FAILURE_CODES,
    ProofCheck,
    get_suite,
    sign,
    verify_proofs,
)

CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
NOW = CREATED + timedelta(hours=1)
KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))


def resolve(url: str) -> VerificationMethod:
    return resolve_verification_method(url, OfflineDocuments())


def credential() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b1c2d3e-4f50-4617-8899-aabbccddeeff",
        "type": ["VerifiableCredential"],
        "issuer": KEY.did_key,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Ada"},
    }


def signed(**kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("created", CREATED)
    return sign(credential(), kwargs.pop("key", KEY), **kwargs)


def only(document: dict[str, Any], **kwargs: Any) -> ProofCheck:
    kwargs.setdefault("now", NOW)
    [check] = verify_proofs(document, resolve=kwargs.pop("resolve", resolve), **kwargs)
    assert check.code in (*FAILURE_CODES, "verified")
    assert check.message
    return check


def test_valid_proof_verifies_and_reports_its_method() -> None:
    check = only(signed())
    assert (check.verified, check.code, check.proof_index) == (True, "verified", 0)
    assert check.proof_type == "DataIntegrityProof"
    assert check.cryptosuite == "eddsa-rdfc-2022"
    assert check.verification_method == KEY.verification_method
    assert check.method is not None
    assert check.method.public_key == KEY.public


def test_no_proof_no_checks() -> None:
    assert verify_proofs(credential(), resolve=resolve) == []


def test_tampered_document_fails() -> None:
    document = signed()
    document["credentialSubject"]["name"] = "Eve"
    check = only(document)
    assert (check.verified, check.code) == (False, "invalid_signature")


def test_tampered_proof_option_fails() -> None:
    document = signed()
    document["proof"]["created"] = "2024-05-06T07:08:10Z"
    assert only(document).code == "invalid_signature"


def test_swapped_proof_fails() -> None:
    other = copy.deepcopy(credential())
    other["credentialSubject"]["name"] = "Bob"
    document = signed()
    document["proof"] = sign(other, KEY, created=CREATED)["proof"]
    assert only(document).code == "invalid_signature"


def test_purpose_mismatch() -> None:
    check = only(signed(), expected_purpose="authentication")
    assert check.code == "proof_purpose_mismatch"
    assert "authentication" in check.message
    assert only(signed(), expected_purpose=None).verified


def test_challenge() -> None:
    assert only(signed(challenge="abc"), challenge="abc").verified
    assert only(signed(challenge="abc"), challenge="xyz").code == "challenge_mismatch"
    assert only(signed(), challenge="xyz").code == "challenge_mismatch"


def test_domain() -> None:
    assert only(signed(domain="a.example"), domain="a.example").verified
    assert only(
        signed(domain=["a.example", "b.example"]), domain=["b.example", "a.example"]
    ).verified
    assert only(signed(domain="a.example"), domain="b.example").code == "domain_mismatch"
    assert only(signed(), domain="a.example").code == "domain_mismatch"


def test_created_in_the_future() -> None:
    document = signed(created=NOW + timedelta(minutes=10))
    assert only(document).code == "proof_created_in_future"
    # within the clock skew it is fine
    assert only(signed(created=NOW + timedelta(minutes=2))).verified
    assert only(document, clock_skew=timedelta(minutes=15)).verified


def test_invalid_created() -> None:
    document = signed()
    document["proof"]["created"] = "yesterday"
    assert only(document).code == "invalid_created"


def test_expires() -> None:
    document = signed(expires=NOW - timedelta(seconds=1))
    assert only(document).code == "proof_expired"
    assert only(signed(expires=NOW + timedelta(days=1))).verified


@pytest.mark.parametrize(
    ("proof_value", "fragment"),
    [
        ("u" + "A" * 86, "base58-btc"),  # base64url multibase, not base58-btc
        ("z0OIl", "not valid base58"),  # characters outside the alphabet
        ("z" + base58btc_encode(bytes(63)), "63 bytes"),
        ("z" + base58btc_encode(bytes(65) + b"\x01"), "66 bytes"),
        ("z", "not valid base58"),
    ],
)
def test_malformed_proof_value(proof_value: str, fragment: str) -> None:
    document = signed()
    document["proof"]["proofValue"] = proof_value
    check = only(document)
    assert check.code == "invalid_proof_value"
    assert fragment in check.message


@pytest.mark.parametrize("member", ["verificationMethod", "proofPurpose", "proofValue"])
def test_missing_required_member(member: str) -> None:
    document = signed()
    del document["proof"][member]
    check = only(document)
    assert check.code == "malformed_proof"
    assert member in check.message


def test_proof_that_is_not_an_object() -> None:
    document = signed()
    document["proof"] = [document["proof"], "junk"]
    first, second = verify_proofs(document, resolve=resolve, now=NOW)
    assert first.verified
    assert (second.verified, second.code, second.proof_type) == (False, "malformed_proof", None)


@pytest.mark.parametrize(
    ("change", "described"),
    [
        ({"cryptosuite": "bbs-2023"}, "bbs-2023"),
        ({"type": "RsaSignature2018"}, "RsaSignature2018"),
        ({"type": 7}, "7"),
    ],
)
def test_unsupported_proof(change: dict[str, Any], described: str) -> None:
    document = signed()
    document["proof"].update(change)
    check = only(document)
    assert check.code == "unsupported_proof"
    assert described in check.message


def test_unresolvable_verification_method() -> None:
    def offline(url: str) -> VerificationMethod:
        raise FetchError(f"{url} is offline")

    def unknown(url: str) -> VerificationMethod:
        raise DidResolutionError(f"no such method {url}")

    document = signed(verification_method="https://issuer.example/keys#1")
    for resolver in (offline, unknown, resolve):
        check = only(document, resolve=resolver)
        assert check.code == "verification_method_unresolved"
        assert "https://issuer.example/keys#1" in check.message


def test_key_type_mismatch() -> None:
    p256 = KeyPair.generate("P-256")

    def wrong(url: str) -> VerificationMethod:
        return VerificationMethod(id=url, controller=url, public_key=p256.public, type="Multikey")

    assert only(signed(), resolve=wrong).code == "key_type_mismatch"


def test_signature_by_another_key() -> None:
    other = KeyPair.generate("Ed25519")
    document = signed(key=other, verification_method=KEY.verification_method)
    assert only(document).code == "invalid_signature"


def test_unknown_context_is_a_failed_check() -> None:
    document = signed()
    document["@context"] = [*document["@context"], "https://unknown.example/context.jsonld"]
    assert only(document).code == "unknown_context"


def test_malformed_json_ld_is_a_failed_check() -> None:
    document = signed()
    document["@context"] = [*document["@context"], {"@version": 2.0}]
    assert only(document).code in ("canonicalization_failed", "unknown_context")


def test_ed25519_signature_2020_needs_its_context() -> None:
    document = sign(credential(), KEY, suite="Ed25519Signature2020", created=CREATED)
    assert only(document).verified
    document["@context"] = document["@context"][:-1]
    assert only(document).code == "missing_suite_context"


def test_jcs_proof_context_must_prefix_document_context() -> None:
    document = sign(credential(), KEY, suite="eddsa-jcs-2022", created=CREATED)
    assert only(document).verified
    document["proof"]["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]
    assert only(document).code == "proof_context_mismatch"


def test_jcs_detects_any_json_change() -> None:
    document = sign(credential(), KEY, suite="eddsa-jcs-2022", created=CREATED)
    document["credentialSubject"]["extra"] = True
    assert only(document).code == "invalid_signature"


def test_legacy_cryptosuite_name_uses_rdfc_algorithm() -> None:
    # A proof made with cryptosuite "eddsa-2022" (same algorithm, pre-standard name).
    unsigned = credential()
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2024-05-06T07:08:09Z",
        "verificationMethod": KEY.verification_method,
        "proofPurpose": "assertionMethod",
    }
    suite = get_suite("eddsa-rdfc-2022")
    hashed = suite.hash_data(unsigned, options, key_algorithm="Ed25519", verifying=True)
    proof = {**options, "proofValue": "z" + base58btc_encode(KEY.sign(hashed.combined))}
    check = only({**unsigned, "proof": proof})
    assert check.verified, check.message
    assert check.cryptosuite == "eddsa-2022"


def test_not_a_mapping_is_a_programmer_error() -> None:
    with pytest.raises(MalformedDocument):
        verify_proofs("{}", resolve=resolve)  # type: ignore[arg-type]


def test_previous_proof_must_be_strings() -> None:
    document = sign(signed(proof_id="urn:p:1"), KEY, previous_proof="urn:p:1", created=CREATED)
    document["proof"][1]["previousProof"] = [1]
    checks = verify_proofs(document, resolve=resolve, now=NOW)
    assert checks[1].code == "malformed_proof"
