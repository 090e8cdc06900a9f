"""Safe mode: undefined properties and types are found, with paths; the vectors are clean."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.errors import UndefinedTermError, UnknownContextError
from microcred.credentials.jsonld import ensure_fully_defined, to_rdf, undefined_terms

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"

# Every JSON-LD document among the vectors whose contexts are all bundled, and the terms
# they really leave undefined (checked by hand against the contexts).
CLEAN_VECTORS = [
    "eddsa/unsigned.json",
    "eddsa/employmentAuth.json",
    "eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "eddsa/eddsa-rdfc-2022/employ/signedDataInt.json",
    "eddsa/eddsa-jcs-2022/signedJCS.json",
    "eddsa/Ed25519Signature2020/signedEdSig.json",
    "eddsa/proof-set-chain/signedProofChain2.json",
    "eddsa/proof-set-chain/signedProofSet2.json",
    "ecdsa/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json",
    "ob3/1edtech-spec-impl-guide/signed-credential.json",
    "ob3/1edtech-validator/simple.json",
    "ob3/1edtech-validator/complete.json",
    "ob3/1edtech-validator/endorsement-valid.json",
    "ob3/1edtech-validator/simple-did-key-method.json",
    "ob3/1edtech-validator/simple-eddsa-2022.json",
    "ob3/1edtech-validator/simple_v1.json",
    "ob3/1edtech-validator/credential-status-revoked.json",
    "ob3/educredentials/full_ex.json",
    "ob3/educredentials/minimal_valid_obv3.json",
    "clr2/1edtech-spec-impl-guide/signed-credential.json",
    "clr2/1edtech-validator/simple.json",
    "bitstring-status-list/ob3-status-list-credential-testlist.json",
    "bitstring-status-list/spec-example-revocable-credential.json",
]


def _vector(standards_dir: Path, name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((standards_dir / "vectors" / name).read_text("utf-8"))
    return value


@pytest.mark.parametrize("name", CLEAN_VECTORS)
def test_official_documents_are_fully_defined(standards_dir: Path, name: str) -> None:
    document = _vector(standards_dir, name)
    assert undefined_terms(document) == []
    ensure_fully_defined(document)


def test_unknown_proof_type_leaves_its_members_undefined(standards_dir: Path) -> None:
    # One proof has a made-up type: its type and the proof terms under it are undefined,
    # because the Data Integrity terms are scoped to the known proof types.
    document = _vector(standards_dir, "ob3/1edtech-validator/simple-multiple-proofs.json")
    assert undefined_terms(document) == [
        "proof[0].type: SomeProofType",
        "proof[0].created",
        "proof[0].proofPurpose",
    ]


@pytest.fixture
def credential(standards_dir: Path) -> dict[str, Any]:
    return _vector(standards_dir, "ob3/1edtech-spec-impl-guide/credential.json")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("foo",), "foo"),
        (("credentialSubject", "foo"), "credentialSubject.foo"),
        (("credentialSubject", "achievement", "foo"), "credentialSubject.achievement.foo"),
        (
            ("credentialSubject", "achievement", "criteria", "foo"),
            "credentialSubject.achievement.criteria.foo",
        ),
        (("issuer", "foo"), "issuer.foo"),
    ],
)
def test_undefined_property_at_any_depth(
    credential: dict[str, Any], path: tuple[str, ...], expected: str
) -> None:
    node = credential
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = {"nested": "also dropped"}
    assert undefined_terms(credential) == [expected]
    with pytest.raises(UndefinedTermError) as caught:
        ensure_fully_defined(credential)
    assert caught.value.terms == [expected]
    assert expected in caught.value.message


def test_undefined_property_in_an_array_item(credential: dict[str, Any]) -> None:
    credential["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": "x", "targetUrl": "https://e.org/a"},
        {"type": ["Alignment"], "targetName": "y", "targetUrl": "https://e.org/b", "bogus": 1},
    ]
    assert undefined_terms(credential) == ["credentialSubject.achievement.alignment[1].bogus"]


def test_undefined_and_relative_types(credential: dict[str, Any]) -> None:
    credential["type"] = ["VerifiableCredential", "OpenBadgeCredential", "MadeUp"]
    credential["credentialSubject"]["achievement"]["type"] = ["Achievement", "./relative"]
    assert undefined_terms(credential) == [
        "type: MadeUp",
        "credentialSubject.achievement.type: ./relative",
    ]
    # They really are missing from the signed RDF.
    objects = {str(q.object) for q in to_rdf(credential)}
    assert not any("MadeUp" in o or "relative" in o for o in objects)


def test_absolute_iri_keys_and_types_are_defined(credential: dict[str, Any]) -> None:
    credential["https://example.org/ns#extra"] = "kept"
    credential["type"] = [*credential["type"], "https://example.org/ns#Type"]
    assert undefined_terms(credential) == []


def test_nested_context_defines_terms(credential: dict[str, Any]) -> None:
    credential["credentialSubject"]["@context"] = {"extra": "https://example.org/ns#extra"}
    credential["credentialSubject"]["extra"] = "x"
    assert undefined_terms(credential) == []
    credential["credentialSubject"]["achievement"]["extra"] = "propagates"
    assert undefined_terms(credential) == []


def test_type_scoped_terms_do_not_leak_into_other_nodes(credential: dict[str, Any]) -> None:
    # `criteria` and `achievementType` are scoped to the Achievement type, and
    # `achievement` to AchievementSubject: at the top level they mean nothing.
    assert undefined_terms(credential) == []
    credential["criteria"] = {"narrative": "top-level"}
    credential["achievementType"] = "Badge"
    credential["issuer"]["achievement"] = "x"
    assert sorted(undefined_terms(credential)) == [
        "achievementType",
        "criteria",
        "issuer.achievement",
    ]


def test_json_literal_contents_are_not_terms() -> None:
    document = {
        "@context": [VC2, {"data": {"@id": "https://example.org/ns#data", "@type": "@json"}}],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"data": {"anything": {"goes": [1, {"here": True}]}}},
    }
    assert undefined_terms(document) == []


def test_nest_values_are_checked_with_their_key_in_the_path() -> None:
    document = {
        "@context": [
            VC2,
            {"meta": "@nest", "ex": "https://example.org/ns#"},
        ],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"meta": {"ex:ok": 1, "bad": 2}},
    }
    assert undefined_terms(document) == ["credentialSubject.meta.bad"]


def test_keyword_aliases_and_vocab() -> None:
    document = {
        "@context": [VC2, {"@vocab": "https://example.org/vocab#"}],
        "type": ["VerifiableCredential", "Anything"],
        "issuer": "did:example:1",
        "credentialSubject": {"whatever": 1},
    }
    assert undefined_terms(document) == []


def test_term_mapped_to_null_is_undefined() -> None:
    document = {
        "@context": [VC2, {"hidden": None}],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"hidden": "x"},
    }
    assert undefined_terms(document) == ["credentialSubject.hidden"]


def test_undefined_terms_context_marks_terms_undefined(credential: dict[str, Any]) -> None:
    # https://www.w3.org/ns/credentials/undefined-terms/v2 sets an @vocab that maps every
    # otherwise undefined term into .../undefined-term#: the term is then in the signed
    # RDF, but explicitly flagged as having no definition. Safe mode still names it.
    credential["@context"] = [*credential["@context"], UNDEFINED_TERMS]
    credential["credentialSubject"]["achievement"]["foo"] = "x"
    credential["type"] = [*credential["type"], "MadeUp"]
    assert undefined_terms(credential) == ["type: MadeUp", "credentialSubject.achievement.foo"]
    signed = {str(q.predicate) for q in to_rdf(credential)} | {
        str(q.object) for q in to_rdf(credential)
    }
    assert "<https://www.w3.org/ns/credentials/undefined-term#foo>" in signed
    assert "<https://www.w3.org/ns/credentials/undefined-term#MadeUp>" in signed


def test_input_is_not_modified_and_unknown_contexts_raise(credential: dict[str, Any]) -> None:
    before = copy.deepcopy(credential)
    undefined_terms(credential)
    assert credential == before
    credential["@context"] = [*credential["@context"], "https://unknown.example/ctx"]
    with pytest.raises(UnknownContextError):
        undefined_terms(credential)
