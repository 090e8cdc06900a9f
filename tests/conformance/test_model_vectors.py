"""The model parses every OB 3.0 / CLR 2.0 JSON vector and round-trips the VC 2.0 ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.errors import MalformedDocument
from microcred.credentials.model import (
    AchievementCredential,
    EndorsementCredential,
    VerifiablePresentation,
    identity_matches,
)

ROUND_TRIP_EXACT = [
    "ob3/1edtech-spec-impl-guide/credential.json",
    "ob3/1edtech-spec-impl-guide/signed-credential.json",
    "ob3/1edtech-validator/complete.json",
    "ob3/1edtech-validator/simple.json",
    "ob3/1edtech-validator/simple-did-web-method.json",
    "ob3/1edtech-validator/simple-multiple-proofs.json",
    "ob3/1edtech-validator/simple-err-expired.json",
    "ob3/1edtech-validator/simple-err-proof-value.json",
    "ob3/educredentials/full_ex.json",
    "ob3/educredentials/minimal_valid_obv3.json",
    "ob3/educredentials/theed_microcredential_full_ho.json",
    "bitstring-status-list/ob3-credential-with-bitstring-status-revoked.json",
    # VC 1.1 shapes whose members are already arrays round-trip exactly too.
    "ob3/1edtech-validator/simple_v1.json",
    "ob3/1edtech-validator/simple-eddsa-2022.json",
]


def _load(standards_dir: Path, relative: str) -> dict[str, Any]:
    return json.loads((standards_dir / "vectors" / relative).read_text("utf-8"))


@pytest.mark.parametrize("relative", ROUND_TRIP_EXACT)
def test_round_trip_preserves_the_document(standards_dir: Path, relative: str) -> None:
    document = _load(standards_dir, relative)
    assert AchievementCredential.from_json(document).to_json() == document


def test_offset_times_are_normalised_to_utc(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/1edtech-validator/simple-did-key-method.json")
    credential = AchievementCredential.from_json(document)
    assert credential.valid_from == datetime(2022, 11, 10, 15, 38, tzinfo=UTC)
    out = credential.to_json()
    assert out["validFrom"] == "2022-11-10T15:38:00Z"
    assert out | {"validFrom": document["validFrom"]} == document


def test_vc11_badge_with_single_values(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/1edtech-validator/credential-status-revoked.json")
    credential = AchievementCredential.from_json(document)
    assert credential.starts == datetime(2023, 5, 23, 1, 10, 41, tzinfo=UTC)
    assert credential.credential_subject.type == ("AchievementSubject",)
    assert credential.issuer.address == {"type": "Address", "addressCountry": "Japan"}
    assert credential.credential_status == {
        "id": "https://dc.1edtech.org/wellspring2022/wellspring-portal/api/revocations/"
        "da1e96e9-afcc-4eed-b9a2-2ddf7353214c",
        "type": "1EdTechRevocationList",
    }
    out = credential.to_json()
    assert out["credentialSubject"]["type"] == ["AchievementSubject"]
    assert out["proof"] == document["proof"]


def test_complete_vector_fields(standards_dir: Path) -> None:
    credential = AchievementCredential.from_json(
        _load(standards_dir, "ob3/1edtech-validator/complete.json")
    )
    subject = credential.credential_subject
    achievement = subject.achievement
    assert achievement.alignment
    assert achievement.result_description
    assert subject.result
    assert credential.evidence
    assert credential.endorsement
    assert all(isinstance(e, dict) for e in credential.endorsement)
    for endorsement in credential.endorsement:
        parsed = EndorsementCredential.from_json(endorsement)
        assert parsed.to_json() == endorsement


def test_endorsement_vector(standards_dir: Path) -> None:
    document = _load(standards_dir, "ob3/1edtech-validator/endorsement-valid.json")
    endorsement = EndorsementCredential.from_json(document)
    assert endorsement.credential_subject.endorsement_comment
    assert endorsement.to_json() == document


def test_identifier_in_spec_example(standards_dir: Path) -> None:
    credential = AchievementCredential.from_json(
        _load(standards_dir, "ob3/educredentials/full_ex.json")
    )
    identifiers = credential.credential_subject.identifier
    assert identifiers
    assert all(i.identity_hash for i in identifiers)


@pytest.mark.parametrize(
    "relative",
    [
        "clr2/1edtech-spec-impl-guide/signed-credential.json",
        "clr2/1edtech-validator/simple.json",
    ],
)
def test_clr_credentials_contain_parseable_badges(standards_dir: Path, relative: str) -> None:
    clr = _load(standards_dir, relative)
    inner = clr["credentialSubject"]["verifiableCredential"]
    assert inner
    for badge in inner:
        parsed = AchievementCredential.from_json(badge)
        assert parsed.issuer.id == badge["issuer"]["id"]
        assert (
            parsed.credential_subject.achievement.name
            == (badge["credentialSubject"]["achievement"]["name"])
        )
        out = parsed.to_json()
        # Single "type" strings become one-element arrays (JSON-LD equivalent); the rest is kept.
        assert out["proof"] == badge["proof"]
        assert set(out) == set(badge)


def test_draft_clr_and_old_noproof_badge(standards_dir: Path) -> None:
    clr = _load(standards_dir, "clr2/1edtech-validator/simple-noproof.json")
    for badge in clr["credentialSubject"]["verifiableCredential"]:
        AchievementCredential.from_json(badge)
    old = _load(standards_dir, "ob3/1edtech-validator/simple-noproof.json")
    with pytest.raises(MalformedDocument, match="missing achievement"):
        AchievementCredential.from_json(old)


def test_presentation_of_vectors(standards_dir: Path) -> None:
    badge = _load(standards_dir, "ob3/1edtech-validator/simple.json")
    vp = VerifiablePresentation(holder="did:example:holder", verifiable_credential=(badge,))
    assert VerifiablePresentation.from_json(vp.to_json()).verifiable_credential == (badge,)


def test_identity_hash_of_getting_started_example() -> None:
    # OB 3.0 implementation guide: sha256 of 'jjefferson18@example.comFleurDeSel'.
    identity = {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": "sha256$658625b25ab3d75d613ca97d9a5a77f70e2192feca5557f4ad09a4d4f121f5fc",
        "identityType": "email",
        "salt": "FleurDeSel",
    }
    assert identity_matches(identity, "jjefferson18@example.com", identity_type="email")
