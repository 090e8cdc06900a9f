"""The verification pipeline end to end: one report entry per check, offline."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials import baking, jsonld, proofs
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.errors import MalformedDocument
from microcred.credentials.keys import KeyFile, KeyPair
from microcred.credentials.model import (
    Achievement,
    Criteria,
    IdentityObject,
    Profile,
    build_achievement_credential,
)
from microcred.credentials.proofs.jwt import issue_jwt
from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.credentials.status import Bitstring, status_entry, status_list_credential
from microcred.credentials.verify import verify, verify_bytes
from support.images import TINY_SVG, tiny_png

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
LIST_URL = "https://issuer.example/status/1"
ISSUER_KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))
OTHER_KEY = KeyPair.generate("Ed25519", seed=bytes(range(1, 33)))
HOLDER_KEY = KeyPair.generate("Ed25519", seed=bytes(range(2, 34)))


def _credential(
    key: KeyPair = ISSUER_KEY,
    *,
    valid_from: datetime = NOW - timedelta(days=30),
    valid_until: datetime | None = None,
    status_index: int | None = 7,
) -> dict[str, Any]:
    key_file = KeyFile.for_key(key)
    unsigned = build_achievement_credential(
        id="urn:uuid:2d1f1f0c-9b7e-4a53-8f0e-0d2b7a1d4c11",
        issuer=Profile(id=key_file.controller, name="Example Institute"),
        achievement=Achievement(
            id="https://issuer.example/achievements/sql-basics",
            name="SQL Basics",
            description="Writes SELECT queries with joins and aggregates.",
            criteria=Criteria(narrative="Passed the proctored SQL exam."),
            achievement_type="MicroCredential",
        ),
        valid_from=valid_from,
        valid_until=valid_until,
        identifier=[IdentityObject.for_email("ada@example.org", "s4lt")],
        credential_status=(
            status_entry(list_url=LIST_URL, index=status_index, purpose="revocation")
            if status_index is not None
            else None
        ),
    )
    return proofs.sign(unsigned, key, verification_method=key_file.id, created=valid_from)


def _status_list(key: KeyPair = ISSUER_KEY, revoked: tuple[int, ...] = ()) -> dict[str, Any]:
    bits = Bitstring()
    for index in revoked:
        bits.set(index)
    key_file = KeyFile.for_key(key)
    unsigned = status_list_credential(
        id=LIST_URL,
        issuer=key_file.controller,
        purpose="revocation",
        bitstring=bits,
        valid_from=NOW - timedelta(days=1),
    )
    return proofs.sign(
        unsigned, key, verification_method=key_file.id, created=NOW - timedelta(days=1)
    )


def _by_name(report: VerificationReport, name: str) -> list[Any]:
    return [c for c in report.checks if c.name == name]


def _status_of(report: VerificationReport, name: str) -> CheckStatus:
    checks = _by_name(report, name)
    assert checks, f"no {name} check in {report.to_json()}"
    if any(c.status is CheckStatus.FAILED for c in checks):
        return CheckStatus.FAILED
    if any(c.status is CheckStatus.PASSED for c in checks):
        return CheckStatus.PASSED
    return CheckStatus.SKIPPED


def _offline(revoked: tuple[int, ...] = ()) -> OfflineDocuments:
    return OfflineDocuments({LIST_URL: _status_list(revoked=revoked)})


def test_valid_credential_passes_every_check() -> None:
    report = verify(_credential(), fetcher=_offline(), now=NOW)
    assert report.verified, report.to_json()
    names = [c.name for c in report.checks]
    assert names == [
        "well_formed",
        "contexts",
        "terms",
        "schema",
        "proof",
        "issuer_key",
        "validity",
        "status",
    ]
    assert all(c.status is CheckStatus.PASSED for c in report.checks)


def test_report_serialises_to_json() -> None:
    report = verify(_credential(), fetcher=_offline(), now=NOW)
    data = json.loads(json.dumps(report.to_json()))
    assert data["verified"] is True
    assert {c["check"] for c in data["checks"]} >= {"proof", "status"}
    assert data["errors"] == []


def test_tampered_field_fails_the_proof() -> None:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["name"] = "SQL Mastery"
    report = verify(credential, fetcher=_offline(), now=NOW)
    assert not report.verified
    assert _status_of(report, "proof") is CheckStatus.FAILED
    assert _by_name(report, "proof")[0].code == "invalid_signature"


def test_swapped_proof_fails() -> None:
    first = _credential()
    second = _credential(valid_from=NOW - timedelta(days=2))
    first["proof"] = second["proof"]
    report = verify(first, fetcher=_offline(), now=NOW)
    assert _status_of(report, "proof") is CheckStatus.FAILED


def test_undefined_member_added_after_signing_fails_terms_but_not_proof() -> None:
    credential = _credential()
    credential["credentialSubject"]["grade"] = "A+"  # no context defines "grade"
    report = verify(credential, fetcher=_offline(), now=NOW)
    assert _status_of(report, "proof") is CheckStatus.PASSED
    assert _status_of(report, "terms") is CheckStatus.FAILED
    assert "grade" in _by_name(report, "terms")[0].message
    assert not report.verified


def test_unknown_context_fails_without_fetching() -> None:
    credential = _credential()
    credential["@context"] = [*credential["@context"], "https://evil.example/context.json"]
    report = verify(credential, fetcher=OfflineDocuments(), now=NOW)
    assert _status_of(report, "contexts") is CheckStatus.FAILED
    assert not report.verified


def test_expired_and_not_yet_valid() -> None:
    expired = _credential(valid_from=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=1))
    report = verify(expired, fetcher=_offline(), now=NOW)
    assert _by_name(report, "validity")[0].code == "expired"
    assert not report.verified
    future = _credential(valid_from=NOW + timedelta(days=3))
    report = verify(future, fetcher=_offline(), now=NOW + timedelta(days=4))
    assert _status_of(report, "validity") is CheckStatus.PASSED
    report = verify(future, fetcher=_offline(), now=NOW)
    assert not report.verified
    assert {c.code for c in report.failures} >= {"not_yet_valid"}


def test_future_created_proof_fails() -> None:
    credential = _credential(valid_from=NOW + timedelta(hours=2))
    credential["validFrom"] = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = verify(credential, fetcher=_offline(), now=NOW)
    assert _status_of(report, "proof") is CheckStatus.FAILED


def test_revoked_credential_fails_status() -> None:
    report = verify(_credential(), fetcher=_offline(revoked=(7,)), now=NOW)
    assert not report.verified
    status = _by_name(report, "status")[0]
    assert status.status is CheckStatus.FAILED
    assert status.code == "revoked"
    assert [c.name for c in report.failures] == ["status"]


def test_unreachable_status_list_fails_closed() -> None:
    report = verify(_credential(), fetcher=OfflineDocuments(), now=NOW)
    assert not report.verified
    assert _by_name(report, "status")[0].code == "status_unavailable"


def test_status_list_signed_by_someone_else_fails() -> None:
    fetcher = OfflineDocuments({LIST_URL: _status_list(key=OTHER_KEY)})
    report = verify(_credential(), fetcher=fetcher, now=NOW)
    assert not report.verified
    assert _status_of(report, "status") is CheckStatus.FAILED


def test_tampered_status_list_fails() -> None:
    listed = _status_list()
    bits = Bitstring()
    bits.set(7)
    listed["credentialSubject"]["encodedList"] = bits.encode()
    report = verify(_credential(), fetcher=OfflineDocuments({LIST_URL: listed}), now=NOW)
    assert not report.verified
    assert _by_name(report, "status")[0].code == "status_list_unverified"


def test_credential_without_proof_fails() -> None:
    credential = _credential()
    del credential["proof"]
    report = verify(credential, fetcher=_offline(), now=NOW)
    assert _by_name(report, "proof")[0].code == "no_proof"
    assert not report.verified


def test_key_of_another_party_is_not_the_issuers() -> None:
    unsigned = {k: v for k, v in _credential().items() if k != "proof"}
    other = KeyFile.for_key(OTHER_KEY)
    signed = proofs.sign(unsigned, OTHER_KEY, verification_method=other.id, created=NOW)
    report = verify(signed, fetcher=_offline(), now=NOW)
    assert _status_of(report, "proof") is CheckStatus.PASSED
    assert _by_name(report, "issuer_key")[0].code == "key_not_issuers"
    assert not report.verified


def test_vc_jwt_credential() -> None:
    unsigned = {k: v for k, v in _credential(status_index=None).items() if k != "proof"}
    key_file = KeyFile.for_key(ISSUER_KEY)
    token = issue_jwt(unsigned, ISSUER_KEY, kid=key_file.id)
    report = verify(token, now=NOW)
    assert report.kind == "jwt"
    assert report.verified, report.to_json()
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert not verify(tampered, now=NOW).verified


def test_vc_jwt_with_embedded_key_does_not_prove_the_issuer() -> None:
    unsigned = {k: v for k, v in _credential(status_index=None).items() if k != "proof"}
    unsigned["issuer"] = {"id": "https://university.example/issuer", "type": ["Profile"]}
    token = issue_jwt(unsigned, OTHER_KEY, embed_jwk=True)
    report = verify(token, now=NOW)
    assert _by_name(report, "issuer_key")[0].code == "issuer_key_unbound"
    assert not report.verified


def test_baked_png_and_svg(tmp_path: Path) -> None:
    credential = json.dumps(_credential())
    png = baking.bake_png(tiny_png(), credential)
    report = verify_bytes(png, fetcher=_offline(), now=NOW)
    assert report.verified
    svg = baking.bake_svg(TINY_SVG, credential)
    assert verify_bytes(svg.encode(), fetcher=_offline(), now=NOW).verified


# ------------------------------------------------------------------- presentations


def _presentation(challenge: str, domain: str, *, signer: KeyPair = HOLDER_KEY) -> dict[str, Any]:
    holder = KeyFile.for_key(HOLDER_KEY).controller
    signer_file = KeyFile.for_key(signer)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [_credential()],
    }
    return proofs.sign(
        vp,
        signer,
        verification_method=signer_file.id,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        created=NOW,
    )


def test_presentation_with_matching_challenge_and_domain() -> None:
    vp = _presentation("c-123", "employer.example")
    report = verify(vp, fetcher=_offline(), now=NOW, challenge="c-123", domain="employer.example")
    assert report.kind == "presentation"
    assert report.verified, report.to_json()
    assert _status_of(report, "holder") is CheckStatus.PASSED
    assert len(report.credentials) == 1
    assert report.credentials[0].verified


def test_presentation_replayed_with_other_challenge_fails() -> None:
    vp = _presentation("c-123", "employer.example")
    report = verify(vp, fetcher=_offline(), now=NOW, challenge="c-999", domain="employer.example")
    assert not report.verified


def test_presentation_signed_by_someone_else_fails_holder_binding() -> None:
    vp = _presentation("c-1", "d.example", signer=OTHER_KEY)
    report = verify(vp, fetcher=_offline(), now=NOW, challenge="c-1", domain="d.example")
    assert _by_name(report, "holder")[0].status is CheckStatus.FAILED
    assert not report.verified


def test_presentation_with_revoked_credential_fails() -> None:
    vp = _presentation("c-1", "d.example")
    report = verify(
        vp, fetcher=_offline(revoked=(7,)), now=NOW, challenge="c-1", domain="d.example"
    )
    assert not report.verified
    assert not report.credentials[0].verified


# ------------------------------------------------------------------- official samples


def _issuer_profile(issuer: str, vm: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": issuer,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": issuer,
                "publicKeyMultibase": vm.split("#", 1)[1],
            }
        ],
    }


def _sample(standards_dir: Path, name: str) -> dict[str, Any]:
    path = standards_dir / "vectors" / "ob3" / "1edtech-validator" / name
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _fetcher_for(document: dict[str, Any]) -> OfflineDocuments:
    issuer = (
        document["issuer"]["id"] if isinstance(document["issuer"], dict) else document["issuer"]
    )
    fetcher = OfflineDocuments()
    proofs_ = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    for proof in proofs_:
        vm = proof.get("verificationMethod")
        if isinstance(vm, str) and vm.startswith("https://"):
            fetcher.add(vm.split("#")[0], _issuer_profile(issuer, vm))
    return fetcher


@pytest.mark.parametrize(
    "name", ["simple.json", "simple-did-web-method.json", "simple-multiple-proofs.json"]
)
def test_1edtech_samples_verify(standards_dir: Path, name: str) -> None:
    document = _sample(standards_dir, name)
    report = verify(document, fetcher=_fetcher_for(document), now=NOW)
    assert report.verified, report.to_json()


def test_1edtech_vc11_sample_verifies_with_schema_skipped(standards_dir: Path) -> None:
    document = _sample(standards_dir, "simple_v1.json")
    report = verify(document, fetcher=_fetcher_for(document), now=NOW)
    assert _status_of(report, "schema") is CheckStatus.SKIPPED
    assert _status_of(report, "proof") is CheckStatus.PASSED
    assert report.verified, report.to_json()


def test_1edtech_expired_sample_fails_validity(standards_dir: Path) -> None:
    document = _sample(standards_dir, "simple-err-expired.json")
    report = verify(document, fetcher=_fetcher_for(document), now=NOW)
    assert _by_name(report, "validity")[0].code == "expired"
    assert not report.verified


def test_1edtech_bad_proof_value_fails(standards_dir: Path) -> None:
    document = _sample(standards_dir, "simple-err-proof-value.json")
    report = verify(document, fetcher=_fetcher_for(document), now=NOW)
    assert _status_of(report, "proof") is CheckStatus.FAILED
    assert not report.verified


def test_1edtech_sample_without_proof_fails(standards_dir: Path) -> None:
    document = _sample(standards_dir, "simple-noproof.json")
    report = verify(document, fetcher=OfflineDocuments(), now=NOW)
    assert not report.verified


def test_bitstring_vector_revoked(standards_dir: Path) -> None:
    base = standards_dir / "vectors" / "bitstring-status-list"
    credential = json.loads(
        (base / "ob3-credential-with-bitstring-status-revoked.json").read_text()
    )
    status_list = json.loads((base / "ob3-status-list-credential-testlist.json").read_text())
    url = credential["credentialStatus"]["statusListCredential"]
    fetcher = _fetcher_for(credential)
    fetcher.add(url, status_list)
    # The list is signed with the same issuer key the credential's profile lists.
    report = verify(credential, fetcher=fetcher, now=NOW)
    status = _by_name(report, "status")
    assert status and status[0].code == "revoked", report.to_json()


# ------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "not an object"),
        (b'"a string"', "neither"),
        (b"\xff\xfe\x00garbage", "neither"),
        (b"{" + b'"a":' * 0 + b"}", None),
    ],
)
def test_bad_input_is_a_clear_error(data: bytes, fragment: str | None) -> None:
    if fragment is None:
        report = verify_bytes(data, now=NOW)
        assert not report.verified
        return
    with pytest.raises(MalformedDocument) as info:
        verify_bytes(data, now=NOW)
    assert fragment in str(info.value)


def test_huge_document_is_refused() -> None:
    data = b'{"x": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    with pytest.raises(MalformedDocument, match="limit"):
        verify_bytes(data, now=NOW)


def test_deep_nesting_is_refused() -> None:
    data = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    with pytest.raises(MalformedDocument, match="nest"):
        verify_bytes(data, now=NOW)


def test_non_credential_object_gets_a_report_not_a_traceback() -> None:
    report = verify({"hello": "world"}, now=NOW)
    assert not report.verified
    assert report.checks[0].name == "well_formed"
    assert report.checks[0].status is CheckStatus.FAILED


def test_verify_does_not_mutate_its_input() -> None:
    credential = _credential()
    before = copy.deepcopy(credential)
    verify(credential, fetcher=_offline(), now=NOW)
    assert credential == before


def test_presentation_without_holder_verifies_with_holder_skipped() -> None:
    signer = KeyFile.for_key(HOLDER_KEY)
    vp = proofs.sign(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]},
        HOLDER_KEY,
        verification_method=signer.id,
        proof_purpose="authentication",
        challenge="c-1",
        domain="d.example",
        created=NOW,
    )
    report = verify(vp, now=NOW, challenge="c-1", domain="d.example")
    assert report.verified, report.to_json()
    assert _by_name(report, "holder")[0].status is CheckStatus.SKIPPED


def test_issuer_key_found_among_several_proofs() -> None:
    """A proof set where a third party signed first and the issuer second still verifies."""
    unsigned = {k: v for k, v in _credential().items() if k != "proof"}
    other = KeyFile.for_key(OTHER_KEY)
    issuer = KeyFile.for_key(ISSUER_KEY)
    witnessed = proofs.sign(unsigned, OTHER_KEY, verification_method=other.id, created=NOW)
    both = proofs.sign(witnessed, ISSUER_KEY, verification_method=issuer.id, created=NOW)
    report = verify(both, fetcher=_offline(), now=NOW)
    assert report.verified, report.to_json()
    assert _by_name(report, "issuer_key")[0].code == "issuer_controls_key"


# ---------------------------------------------- one walk for the terms and proof checks


def _reports_without_shared_walk(
    monkeypatch: pytest.MonkeyPatch, document: dict[str, Any], **kwargs: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report of ``verify`` as it is, and with the terms check keeping no dataset."""
    shared = verify(copy.deepcopy(document), **kwargs).to_json()
    with monkeypatch.context() as patch:
        patch.setattr(
            jsonld,
            "undefined_terms_checked",
            lambda doc, *, loader=None: (jsonld.undefined_terms(doc, loader=loader), None),
        )
        separate = verify(copy.deepcopy(document), **kwargs).to_json()
    return shared, separate


def _tampered() -> dict[str, Any]:
    credential = _credential()
    credential["credentialSubject"]["achievement"]["name"] = "SQL Mastery"
    return credential


def _undefined_member() -> dict[str, Any]:
    credential = _credential()
    credential["credentialSubject"]["grade"] = "A+"
    return credential


def _foreign_key() -> dict[str, Any]:
    return _credential(OTHER_KEY)


@pytest.mark.parametrize("make", [_credential, _tampered, _undefined_member, _foreign_key])
def test_shared_walk_gives_the_same_report(monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    shared, separate = _reports_without_shared_walk(
        monkeypatch, make(), fetcher=_offline(), now=NOW
    )
    assert shared == separate


def test_shared_walk_gives_the_same_report_for_a_presentation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared, separate = _reports_without_shared_walk(
        monkeypatch,
        _presentation("c-1", "d.example"),
        fetcher=_offline(),
        now=NOW,
        challenge="c-1",
        domain="d.example",
    )
    assert shared == separate
    assert shared["verified"] is True


@pytest.mark.parametrize(
    "name", ["simple.json", "simple-multiple-proofs.json", "simple-err-proof-value.json"]
)
def test_shared_walk_same_report_on_1edtech_samples(
    monkeypatch: pytest.MonkeyPatch, standards_dir: Path, name: str
) -> None:
    document = _sample(standards_dir, name)
    shared, separate = _reports_without_shared_walk(
        monkeypatch, document, fetcher=_fetcher_for(document), now=NOW
    )
    assert shared == separate
