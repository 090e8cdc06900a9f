"""Schema validation against the bundled OB 3.0 / VC 2.0 schemas, on the official vectors."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from referencing.exceptions import Unresolvable

from microcred.credentials.errors import SchemaError
from microcred.credentials.schemas import (
    CLR_DRAFT4_VC11,
    OB3_ACHIEVEMENT_CREDENTIAL,
    VC2_CREDENTIAL,
    VC2_PRESENTATION,
    ensure_valid,
    is_vc11_shaped,
    schema_for,
    validate,
)
from microcred.credentials.schemas.validation import _registry


def _load(standards_dir: Path, relative: str) -> dict[str, Any]:
    return json.loads((standards_dir / "vectors" / relative).read_text("utf-8"))


VALID_OB3 = [
    "ob3/1edtech-spec-impl-guide/credential.json",
    "ob3/1edtech-spec-impl-guide/signed-credential.json",
    "ob3/1edtech-validator/complete.json",
    "ob3/1edtech-validator/simple.json",
    "ob3/1edtech-validator/simple-did-key-method.json",
    "ob3/1edtech-validator/simple-did-web-method.json",
    "ob3/1edtech-validator/simple-multiple-proofs.json",
    "ob3/1edtech-validator/simple-err-expired.json",
    "ob3/1edtech-validator/simple-err-proof-value.json",
    "ob3/educredentials/full_ex.json",
    "ob3/educredentials/minimal_valid_obv3.json",
    "ob3/educredentials/theed_microcredential_full_ho.json",
    "bitstring-status-list/ob3-credential-with-bitstring-status-revoked.json",
]

VALID_VC2 = [
    "ob3/1edtech-validator/endorsement-valid.json",
    "clr2/1edtech-spec-impl-guide/signed-credential.json",
    "clr2/1edtech-validator/simple.json",
    "bitstring-status-list/ob3-status-list-credential-testlist.json",
    "bitstring-status-list/spec-example-status-list-credential.json",
    "bitstring-status-list/spec-example-credential-revocation-and-suspension.json",
    "eddsa/eddsa-rdfc-2022/signedDataInt.json",
    "ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json",
]


@pytest.mark.parametrize("relative", VALID_OB3)
def test_ob3_vectors_pass_the_ob3_schema(standards_dir: Path, relative: str) -> None:
    document = _load(standards_dir, relative)
    assert schema_for(document) == OB3_ACHIEVEMENT_CREDENTIAL
    assert not is_vc11_shaped(document)
    assert validate(document) == []


@pytest.mark.parametrize("relative", VALID_VC2)
def test_other_vc2_vectors_pass_the_vc2_schema(standards_dir: Path, relative: str) -> None:
    document = _load(standards_dir, relative)
    assert schema_for(document) == VC2_CREDENTIAL
    assert validate(document) == []


def test_single_proof_object_fails_only_in_strict_mode(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/1edtech-validator/simple-did-web-method.json")
    issues = validate(document, strict=True)
    assert [(i.path, i.schema) for i in issues] == [("proof", OB3_ACHIEVEMENT_CREDENTIAL)]
    assert "is not of type 'array'" in issues[0].message


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (
            "ob3/1edtech-validator/simple_v1.json",
            [
                ("$", "'validFrom' is a required property"),
                (
                    "@context[0]",
                    "'https://www.w3.org/2018/credentials/v1' is not one of "
                    "['https://www.w3.org/ns/credentials/v2']",
                ),
            ],
        ),
        (
            "ob3/1edtech-validator/simple-noproof.json",
            [
                ("$", "'validFrom' is a required property"),
                (
                    "@context[0]",
                    "'https://www.w3.org/2018/credentials/v1' is not one of "
                    "['https://www.w3.org/ns/credentials/v2']",
                ),
                ("credentialSubject", "'achievement' is a required property"),
            ],
        ),
    ],
)
def test_vc11_badges_are_reported_and_flagged(
    standards_dir: Path, relative: str, expected: list[tuple[str, str]]
) -> None:
    document = _load(standards_dir, relative)
    assert is_vc11_shaped(document)
    assert [(i.path, i.message) for i in validate(document)] == expected


def test_vc11_revoked_badge_issues(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/1edtech-validator/credential-status-revoked.json")
    assert is_vc11_shaped(document)
    paths = [i.path for i in validate(document)]
    assert paths == [
        "$",
        "@context[0]",
        "credentialSubject.achievement.type",
        "credentialSubject.source.address.type",
        "credentialSubject.source.type",
        "credentialSubject.type",
        "issuer",
    ]
    assert validate(document)[-1].message.startswith("matches none of the allowed forms; closest:")


def test_is_vc11_shaped_by_dates_only() -> None:
    assert is_vc11_shaped({"@context": ["x"], "issuanceDate": "2020-01-01T00:00:00Z"})
    assert not is_vc11_shaped(
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "validFrom": "2020-01-01T00:00:00Z"}
    )


def test_missing_required_ob3_fields(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/educredentials/minimal_valid_obv3.json")
    broken = copy.deepcopy(document)
    del broken["credentialSubject"]["achievement"]["criteria"]
    broken["validFrom"] = "2024-13-01T00:00:00Z"
    issues = validate(broken)
    assert [(i.path, i.message) for i in issues] == [
        ("credentialSubject.achievement", "'criteria' is a required property"),
        ("validFrom", "'2024-13-01T00:00:00Z' is not a 'date-time'"),
    ]
    with pytest.raises(SchemaError, match="criteria"):
        ensure_valid(broken)
    ensure_valid(document)


def test_presentation_schema(standards_dir: Path) -> None:
    credential = _load(standards_dir, "eddsa/eddsa-rdfc-2022/signedDataInt.json")
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:holder",
        "verifiableCredential": [credential],
    }
    assert schema_for(presentation) == VC2_PRESENTATION
    assert validate(presentation) == []
    bad = presentation | {"verifiableCredential": [{"type": ["VerifiableCredential"]}]}
    assert validate(bad) != []


def test_clr_draft4_schema_is_only_used_on_request(standards_dir: Path) -> None:
    document = _load(standards_dir, "clr2/1edtech-validator/simple.json")
    assert schema_for(document) == VC2_CREDENTIAL
    issues = validate(document, schema=CLR_DRAFT4_VC11)
    assert [(i.path, i.message) for i in issues] == [
        ("$", "'issuanceDate' is a required property"),
        ("credentialSubject.verifiableCredential[0]", "'issuanceDate' is a required property"),
    ]


def test_unknown_schema_name() -> None:
    with pytest.raises(SchemaError, match="Unknown schema"):
        validate({}, schema="nope")


def test_registry_never_retrieves_unknown_refs(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    resolver = _registry().resolver()
    with pytest.raises(Unresolvable):
        resolver.lookup("https://example.org/schemas/unknown.json")
    assert (
        resolver.lookup("https://www.w3.org/2022/credentials/v2/verifiable-credential-schema.json")
        .contents["$id"]
        .endswith("verifiable-credential-schema.json")
    )
