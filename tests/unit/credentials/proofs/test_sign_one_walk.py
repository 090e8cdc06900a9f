"""Signing checks safe mode in the same walk as canonicalization: same answers as before.

``sign`` used to run the safe-mode check (:mod:`microcred.credentials.jsonld.terms`) on
the document and the proof configuration, then canonicalize both; now the suite does
both in one walk each. For generated credentials, with and without undefined properties
or types, signing must refuse exactly when the general check finds undefined terms (naming
the same ones) and otherwise give the same proof as signing without safe mode; the input
is never modified and the output shares nothing mutable with it.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.credentials.errors import UndefinedTermError
from microcred.credentials.jsonld import terms
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign
from unit.credentials.jsonld.test_fast_equivalence import credential

KEY = KeyPair.generate("Ed25519", seed=bytes(range(32)))
P256 = KeyPair.generate("P-256", seed=bytes(range(32)))
CREATED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _with_undefined(document: dict[str, Any], where: str, kind: str) -> dict[str, Any]:
    document = copy.deepcopy(document)
    target = document.get(where)
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, dict):
        if kind == "type":
            target["type"] = [*target.get("type", []), "NotDefinedAnywhere"]
        elif kind == "property":
            target["undefinedProp"] = {"nested": 1}
    return document


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    credential,
    st.sampled_from(["credentialSubject", "issuer", "evidence"]),
    st.sampled_from(["type", "property", "none"]),
    st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019"]),
)
def test_safe_mode_same_as_check_then_sign(
    document: dict[str, Any], where: str, kind: str, suite: str
) -> None:
    document = _with_undefined(document, where, kind)
    before = copy.deepcopy(document)
    key = P256 if suite.startswith("ecdsa") else KEY
    expected = terms.undefined_terms(document)
    if expected:
        with pytest.raises(UndefinedTermError) as raised:
            sign(document, key, suite=suite, created=CREATED)
        assert raised.value.terms == expected
        return
    signed = sign(document, key, suite=suite, created=CREATED)
    unchecked = sign(document, key, suite=suite, created=CREATED, safe_mode=False)
    if suite != "ecdsa-rdfc-2019":  # ECDSA signatures are randomized
        assert signed == unchecked
    assert document == before
    signed["credentialSubject"] = None
    assert document == before


def test_output_independent_of_input() -> None:
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.org/issuer",
        "credentialSubject": {"id": "https://example.org/s", "name": ["a", "b"]},
    }
    signed = sign(document, KEY, created=CREATED)
    signed["credentialSubject"]["name"].append("c")
    assert document["credentialSubject"]["name"] == ["a", "b"]


def test_proof_configuration_checked_in_the_walk() -> None:
    """A context without the Data Integrity terms: the proof configuration is refused."""
    document = {
        "@context": {"@version": 1.1, "name": "https://schema.org/name"},
        "@id": "https://example.org/x",
        "name": "x",
    }
    assert terms.undefined_terms(document) == []
    proof = sign(document, KEY, created=CREATED, safe_mode=False)["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    expected = terms.undefined_terms(config)
    assert expected
    with pytest.raises(UndefinedTermError) as raised:
        sign(document, KEY, created=CREATED)
    assert raised.value.terms == expected
