"""Property tests: any change to a signed credential breaks its proof; sign -> verify holds."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.dids import VerificationMethod, resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign, verify_proofs

KEY = KeyPair.generate("Ed25519", seed=bytes(range(1, 33)))
CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def resolve(url: str) -> VerificationMethod:
    return resolve_verification_method(url, OfflineDocuments())


# Text that exercises N-Quads escaping: control characters, quotes, backslashes, unicode.
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
ids = st.uuids().map(lambda u: f"urn:uuid:{u}")


@st.composite
def ob3_credentials(draw: st.DrawFn) -> dict[str, Any]:
    """OpenBadgeCredentials built only from terms the OB 3.0 context defines."""
    achievement: dict[str, Any] = {
        "id": draw(ids),
        "type": ["Achievement"],
        "name": draw(texts),
        "description": draw(texts),
        "criteria": {"narrative": draw(texts)},
    }
    if draw(st.booleans()):
        achievement["achievementType"] = draw(
            st.sampled_from(["Course", "MicroCredential", "Badge"])
        )
    if draw(st.booleans()):
        achievement["creditsAvailable"] = draw(st.floats(0.5, 60).map(lambda x: round(x, 1)))
    alignments = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just(["Alignment"]),
                    "targetName": texts,
                    "targetUrl": st.sampled_from(
                        ["https://esco.example/s/1", "https://eqf.example/5"]
                    ),
                }
            ),
            max_size=2,
        )
    )
    if alignments:
        achievement["alignment"] = alignments
    document: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": draw(ids),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": draw(texts)},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": draw(texts),
        "credentialSubject": {
            "id": draw(ids),
            "type": ["AchievementSubject"],
            "achievement": achievement,
        },
    }
    if draw(st.booleans()):
        document["description"] = draw(texts)
    return document


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, (*path, i))]
    return [path]


def _object_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _object_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _object_paths(v, (*path, i))
    return found


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


SIGNED = sign(
    {
        "@context": list(CONTEXT),
        "id": "urn:uuid:7c1e3f0a-5d2b-4c8e-9f6a-1b2c3d4e5f60",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": KEY.did_key, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Data Literacy",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/data",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "Reads charts.",
                "criteria": {"narrative": "Pass the exam."},
                "creditsAvailable": 5,
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "EQF 5",
                        "targetUrl": "https://eqf.example/5",
                    }
                ],
            },
            "result": [{"type": ["Result"], "value": "A"}],
        },
    },
    KEY,
    created=CREATED,
)
# @context entries are covered by test_relative_context_url_is_a_failed_check below.
LEAVES = [p for p in _leaf_paths(SIGNED) if p[0] != "@context"]
OBJECTS = _object_paths(SIGNED)


def test_the_fixture_verifies() -> None:
    [check] = verify_proofs(SIGNED, resolve=resolve)
    assert check.verified, check.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(LEAVES),
    replacement=st.one_of(texts, st.integers(), st.booleans(), st.floats(allow_nan=False)),
)
def test_changing_any_leaf_breaks_verification(path: tuple[Any, ...], replacement: Any) -> None:
    document = copy.deepcopy(SIGNED)
    parent = _at(document, path[:-1])
    original = parent[path[-1]]
    if replacement == original and type(replacement) is type(original):
        replacement = f"{original}!"
    parent[path[-1]] = replacement
    checks = verify_proofs(document, resolve=resolve)
    assert not any(c.verified for c in checks), (path, replacement)


@pytest.mark.parametrize("context", ["foo", "0", ""])
def test_relative_context_url_is_a_failed_check(context: str) -> None:
    document = copy.deepcopy(SIGNED)
    document["@context"][0] = context
    [check] = verify_proofs(document, resolve=resolve)
    assert check.code in ("unknown_context", "canonicalization_failed")


def test_context_changes_break_verification() -> None:
    for replacement in ("https://www.w3.org/2018/credentials/v1", "#x", 5):
        document = copy.deepcopy(SIGNED)
        document["@context"][0] = replacement
        [check] = verify_proofs(document, resolve=resolve)
        assert not check.verified
        assert check.code in ("unknown_context", "canonicalization_failed", "invalid_signature")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(OBJECTS),
    member=st.sampled_from(["name", "description", "id", "url", "image"]),
    value=texts.map(lambda t: "https://x.example/" + t.encode().hex()),
)
def test_inserting_a_defined_member_breaks_verification(
    path: tuple[Any, ...], member: str, value: str
) -> None:
    document = copy.deepcopy(SIGNED)
    target = _at(document, path)
    if member in target:
        member = "description" if member != "description" else "name"
    if member in target:
        target[member] = f"{target[member]} and more"
    else:
        target[member] = value
    checks = verify_proofs(document, resolve=resolve)
    assert not any(c.verified for c in checks), (path, member)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=ob3_credentials(), suite=st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"]))
def test_sign_then_verify_round_trip(document: dict[str, Any], suite: str) -> None:
    signed = sign(document, KEY, suite=suite, created=CREATED)
    [check] = verify_proofs(signed, resolve=resolve)
    assert check.verified, check.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "cryptosuite",
                    "proofValue",
                    "verificationMethod",
                    "proofPurpose",
                    "created",
                    "expires",
                    "id",
                    "previousProof",
                    "domain",
                    "challenge",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(proofs=st.lists(json_values, min_size=1, max_size=3))
def test_garbage_proofs_give_failed_checks_never_exceptions(proofs: list[Any]) -> None:
    document = {k: v for k, v in SIGNED.items() if k != "proof"}
    document["proof"] = proofs
    checks = verify_proofs(document, resolve=resolve)
    assert len(checks) == len(proofs)
    assert not any(c.verified for c in checks)
