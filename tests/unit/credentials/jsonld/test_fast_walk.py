"""The single walk (fast/walk.py) against the two-step fast path and the general engine.

* benchmark-shaped Open Badges 3.0 credentials take the single walk (no fallback) and give
  the general engine's canonical form;
* generated credentials (every field kind, undefined properties and types): whenever the
  walk answers, its canonical form equals the two-step path's and the general engine's,
  and its safe-mode verdict equals the general check (:mod:`..terms`);
* inline contexts with ``@list``/``@set`` containers and coercions, including values the
  walk must hand to the two-step path;
* ``canonicalize_checked`` (one walk for signing) and ``safe_mode.canonicalize_safe``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.errors import CanonicalizationError, UndefinedTermError
from microcred.credentials.jsonld import DEFAULT_LOADER, canonicalize, terms
from microcred.credentials.jsonld.fast.canon import canonical_nquads
from microcred.credentials.jsonld.fast.contexts import Unsupported, root_context
from microcred.credentials.jsonld.fast.engine import _two_step_quads, canonicalize_checked
from microcred.credentials.jsonld.fast.walk import NotPlain, Walker
from microcred.credentials.jsonld.safe_mode import canonicalize_safe
from unit.credentials.jsonld.test_fast_equivalence import CONTEXT, credential, json_values, scalar


def _walk(document: Any, *, audit: bool = False) -> tuple[str, bool]:
    walker = Walker(audit=audit)
    quads = walker.walk(root_context(DEFAULT_LOADER), document)
    return canonical_nquads(quads), walker.defined


def _benchmark_credential(number: int) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"https://example.edu/credentials/{number}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Science micro-credential",
        "issuer": {"id": "https://example.edu/issuers/1", "type": ["Profile"], "name": "U"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"did:example:learner-{number}",
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${number:064x}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "0a1b",
                }
            ],
            "achievement": {
                "id": "https://example.edu/achievements/ds",
                "type": ["Achievement"],
                "name": "Data Science",
                "criteria": {"narrative": "Pass."},
                "creditsAvailable": 4.5,
                "tag": ["Python", "Data"],
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Python",
                        "targetUrl": "https://esco.example/python",
                        "targetType": "ceterms:Skill",
                    }
                ],
                "resultDescription": [
                    {
                        "id": f"urn:uuid:{number:032x}",
                        "type": ["ResultDescription"],
                        "name": "Grade",
                        "resultType": "LetterGrade",
                        "allowedValue": ["A", "B", "C"],
                    }
                ],
            },
            "result": [{"type": ["Result"], "resultDescription": f"urn:uuid:{number:032x}"}],
        },
        "credentialStatus": {
            "id": f"https://example.edu/status/1#{number}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(number),
            "statusListCredential": "https://example.edu/status/1",
        },
    }


@pytest.mark.parametrize("number", [0, 1, 7])
def test_benchmark_credential_takes_the_walk(number: int) -> None:
    document = _benchmark_credential(number)
    general = canonicalize(document, engine="general")
    assert _walk(document, audit=True) == (general, True)
    assert canonicalize_checked(document, DEFAULT_LOADER) == (general, True)
    assert canonicalize_safe(document) == general


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(credential)
def test_walk_matches_two_step_and_general(document: dict[str, Any]) -> None:
    try:
        walked, defined = _walk(document, audit=True)
    except NotPlain:
        walked = None
    two_step = canonical_nquads(_two_step_quads(document, DEFAULT_LOADER))
    assert two_step == canonicalize(document, engine="general")
    if walked is not None:
        assert walked == two_step
        assert defined == (terms.undefined_terms(document) == [])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    credential,
    st.sampled_from(["credentialSubject", "issuer", "evidence"]),
    st.sampled_from(["undefinedProp", "type"]),
)
def test_safe_mode_verdict_with_undefined_terms(
    document: dict[str, Any], where: str, kind: str
) -> None:
    """An undefined property or type anywhere: the walk's verdict equals terms.py."""
    target = document.get(where)
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, dict):
        if kind == "type":
            target["type"] = [*target.get("type", []), "NotDefinedAnywhere"]
        else:
            target["undefinedProp"] = "x"
    expected = terms.undefined_terms(document)
    nquads, defined = canonicalize_checked(document, DEFAULT_LOADER)
    assert defined == (expected == [])
    assert nquads == canonicalize(document, engine="general")
    if expected:
        with pytest.raises(UndefinedTermError) as raised:
            canonicalize_safe(document)
        assert raised.value.terms == expected
    else:
        assert canonicalize_safe(document) == nquads


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.lists(st.one_of(scalar, json_values, st.fixed_dictionaries({"q": scalar})), max_size=4),
        scalar,
        st.fixed_dictionaries({"q": scalar}),
    ),
    st.sampled_from(["@list", "@set", "@id", "@vocab", "xsd:double", "xsd:integer", "none"]),
)
def test_inline_containers_and_coercions(values: Any, kind: str) -> None:
    definition: dict[str, Any] = {"@id": "https://example.org/p"}
    if kind in ("@list", "@set"):
        definition["@container"] = kind
    elif kind != "none":
        definition["@type"] = kind
    document = {
        "@context": {
            "@vocab": "https://example.org/vocab#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
            "p": definition,
        },
        "@id": "https://example.org/s",
        "p": values,
    }
    try:
        general = canonicalize(document, engine="general")
    except CanonicalizationError:
        with pytest.raises(Unsupported):
            _walk(document)
        return
    try:
        walked, _ = _walk(document)
    except NotPlain:
        return  # the two-step path answers (test_fast_equivalence covers it)
    except Unsupported as signal:
        assert str(signal) == "equal values with different literals"  # noqa: PT017
        return
    assert walked == general


def test_not_plain_cases_fall_back() -> None:
    base = {"@context": CONTEXT, "type": ["VerifiableCredential"]}
    for extra in (
        {"name": {"@value": "x", "@language": "en"}},
        {"@included": []},
        {"credentialSubject": {"@id": "https://example.org/s", "id": "https://example.org/t"}},
    ):
        with pytest.raises(NotPlain):
            _walk({**base, **extra})
    with pytest.raises(NotPlain):
        _walk([base])
