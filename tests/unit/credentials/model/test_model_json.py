"""Model classes: JSON mapping, identity hashes and the builder."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from microcred.credentials.errors import MalformedDocument
from microcred.credentials.model import (
    OB3_CONTEXTS,
    Achievement,
    AchievementCredential,
    Alignment,
    Criteria,
    EndorsementCredential,
    IdentityObject,
    Profile,
    Result,
    ResultDescription,
    VerifiablePresentation,
    build_achievement_credential,
    eqf_alignment,
    format_datetime,
    hash_email,
    hash_identity,
    identity_matches,
)
from microcred.credentials.schemas import validate

ISSUER = Profile(id="did:example:issuer", name="Example University", url="https://example.edu")
ACHIEVEMENT = Achievement(
    id="https://example.edu/achievements/py-101",
    name="Python 101",
    description="Writes and tests small Python programs.",
    criteria=Criteria(narrative="Pass the final assessment."),
    achievement_type="MicroCredential",
    credits_available=3,
    field_of_study="Computer science",
    in_language="en",
    tag=("python", "programming"),
    alignment=(eqf_alignment(5),),
    result_description=(
        ResultDescription(
            id="urn:uuid:7e3b8c1e-1d4f-4a4e-9c32-000000000001",
            name="Final grade",
            result_type="LetterGrade",
            allowed_value=("A", "B", "C"),
        ),
    ),
)
START = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_hash_email_matches_a_hand_computed_value() -> None:
    expected = hashlib.sha256(b"learner@example.orgpepper").hexdigest()
    assert hash_email("learner@example.org", "pepper") == f"sha256${expected}"


def test_hash_matches_the_spec_example() -> None:
    # OB 3.0 IdentityHash: SHA-256 of 'a@example.comKosher'.
    assert hash_email("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )
    assert hash_identity("a@example.com", "Kosher", algorithm="md5").startswith("md5$")
    with pytest.raises(MalformedDocument, match="sha256"):
        hash_identity("x", algorithm="sha1")


def test_identity_matches() -> None:
    identity = IdentityObject.for_email("learner@example.org", "pepper")
    assert identity.to_json() == {
        "identityHash": hash_email("learner@example.org", "pepper"),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "pepper",
        "type": "IdentityObject",
    }
    assert identity_matches(identity, "learner@example.org")
    assert identity_matches(identity.to_json(), " Learner@Example.org ")
    assert not identity_matches(identity, "other@example.org")
    assert not identity_matches(identity, "learner@example.org", identity_type="name")
    upper = IdentityObject(
        identity_hash=identity.identity_hash.upper().replace("SHA256", "sha256"), salt="pepper"
    )
    assert identity_matches(upper, "learner@example.org")
    plain = IdentityObject(identity_hash="learner@example.org", hashed=False)
    assert identity_matches(plain, "learner@example.org")
    assert not identity_matches(plain, "x@example.org")


def test_format_datetime() -> None:
    assert format_datetime(datetime(2025, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))) == (
        "2025-01-01T00:00:00Z"
    )
    assert format_datetime(datetime(2025, 1, 1, 0, 0, 0, 120000, tzinfo=UTC)) == (
        "2025-01-01T00:00:00.12Z"
    )
    with pytest.raises(MalformedDocument, match="time zone"):
        format_datetime(datetime(2025, 1, 1))


def test_builder_output_is_schema_valid_and_shaped() -> None:
    document = build_achievement_credential(
        id="urn:uuid:2f7c0f6e-7a57-4b0e-a4b6-000000000001",
        issuer=ISSUER,
        achievement=ACHIEVEMENT,
        valid_from=START,
        valid_until=START + timedelta(days=365),
        subject_id="did:example:learner",
        identifier=[IdentityObject.for_email("learner@example.org", "pepper")],
        result=[Result(result_description=ACHIEVEMENT.result_description[0].id, value="A")],
        credits_earned=3,
        awarded_date=START,
    )
    assert validate(document) == []
    assert document["@context"] == list(OB3_CONTEXTS)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {
        "id": "did:example:issuer",
        "name": "Example University",
        "url": "https://example.edu",
        "type": ["Profile"],
    }
    assert document["validFrom"] == "2025-03-01T09:30:00Z"
    assert document["name"] == "Python 101"
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["creditsAvailable"] == 3
    assert subject["achievement"]["alignment"][0]["targetType"] == "ext:EQF"
    assert "proof" not in document
    assert AchievementCredential.from_json(document).to_json() == document


def test_builder_with_email_only_and_status() -> None:
    entry = {
        "id": "https://example.edu/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://example.edu/status/1",
    }
    document = build_achievement_credential(
        id="urn:uuid:2f7c0f6e-7a57-4b0e-a4b6-000000000002",
        issuer=ISSUER,
        achievement=ACHIEVEMENT,
        valid_from=START,
        identifier=[IdentityObject.for_email("conformance@imsglobal.org", "salt")],
        credential_status=entry,
    )
    assert validate(document) == []
    assert "id" not in document["credentialSubject"]
    assert document["credentialStatus"] == entry


def test_builder_requires_a_recipient() -> None:
    with pytest.raises(ValueError, match="subject_id"):
        build_achievement_credential(
            id="urn:x", issuer=ISSUER, achievement=ACHIEVEMENT, valid_from=START
        )


def test_vc11_shapes_are_accepted() -> None:
    document = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:x",
        "type": "OpenBadgeCredential",
        "issuer": "did:example:issuer",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "type": "AchievementSubject",
            "achievement": {
                "id": "urn:a",
                "type": "Achievement",
                "name": "A",
                "description": "D",
                "criteria": {"narrative": "N"},
                "tag": "single",
            },
        },
    }
    credential = AchievementCredential.from_json(document)
    assert credential.issuer == Profile(id="did:example:issuer")
    assert credential.starts == datetime(2020, 1, 1, tzinfo=UTC)
    assert credential.ends == datetime(2030, 1, 1, tzinfo=UTC)
    assert credential.valid_from is None
    assert credential.type == ("OpenBadgeCredential",)
    assert credential.credential_subject.achievement.tag == ("single",)
    out = credential.to_json()
    assert out["issuanceDate"] == "2020-01-01T00:00:00Z"
    assert "validFrom" not in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"validFrom": 5}, "validFrom must be a dateTime"),
        ({"validFrom": "yesterday"}, "not a dateTime"),
        ({"credentialSubject": "x"}, "must be a JSON object"),
        ({"name": 3}, "name must be a str"),
        ({"credentialSubject": {"type": "AchievementSubject"}}, "missing achievement"),
    ],
)
def test_malformed_input(change: dict[str, object], message: str) -> None:
    document = build_achievement_credential(
        id="urn:x",
        issuer=ISSUER,
        achievement=ACHIEVEMENT,
        valid_from=START,
        subject_id="did:example:learner",
    )
    with pytest.raises(MalformedDocument, match=message):
        AchievementCredential.from_json(document | change)


def test_numbers_keep_their_json_type() -> None:
    achievement = Achievement.from_json(ACHIEVEMENT.to_json() | {"creditsAvailable": 2.5})
    assert achievement.credits_available == 2.5
    assert Achievement.from_json(ACHIEVEMENT.to_json()).to_json()["creditsAvailable"] == 3
    with pytest.raises(MalformedDocument, match="number"):
        Achievement.from_json(ACHIEVEMENT.to_json() | {"creditsAvailable": True})


def test_unknown_members_are_kept() -> None:
    data = ACHIEVEMENT.to_json() | {"ECTS": 5}
    achievement = Achievement.from_json(data)
    assert achievement.extra == {"ECTS": 5}
    assert achievement.to_json() == data


def test_alignment_and_presentation_and_endorsement() -> None:
    alignment = Alignment(target_name="Python", target_url="https://esco.example/skill/1")
    assert alignment.to_json() == {
        "targetName": "Python",
        "targetUrl": "https://esco.example/skill/1",
        "type": ["Alignment"],
    }
    vp = VerifiablePresentation(holder="did:example:learner", verifiable_credential=({"a": 1},))
    assert vp.to_json() == {
        "holder": "did:example:learner",
        "verifiableCredential": [{"a": 1}],
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
    }
    assert VerifiablePresentation.from_json(vp.to_json()) == vp
    with pytest.raises(ValueError, match="EQF"):
        eqf_alignment(9)
    with pytest.raises(MalformedDocument, match="missing name"):
        EndorsementCredential.from_json(
            {"id": "urn:e", "issuer": "did:example:i", "credentialSubject": {"id": "urn:a"}}
        )
