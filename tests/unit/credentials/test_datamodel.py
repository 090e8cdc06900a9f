"""VC Data Model 2.0 structural rules (sections 4 and 5)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.datamodel import (
    credential_problems,
    is_date_time_stamp,
    presentation_problems,
)

V2 = "https://www.w3.org/ns/credentials/v2"


def good() -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": "urn:uuid:0c4c4b8e-7f4e-4b55-9f6f-0d7f5c8b2a10",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }


def test_a_minimal_credential_is_well_formed() -> None:
    assert credential_problems(good()) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"@context": ["https://example.org/other", V2]}, "first @context"),
        ({"id": None}, "id must be a single URL"),
        ({"id": ["urn:a", "urn:b"]}, "id must be a single URL"),
        ({"id": "not a url"}, "id must be a single URL"),
        ({"type": ["Thing"]}, "VerifiableCredential"),
        ({"issuer": None}, "issuer"),
        ({"issuer": {"id": "nope"}}, "issuer"),
        ({"credentialSubject": {}}, "no claims"),
        ({"credentialSubject": []}, "must not be empty"),
        ({"credentialSubject": {"id": ["did:a", "did:b"]}}, "credentialSubject.id"),
        ({"validFrom": "Sat 25 Feb 2023 07:16:31 PM CST"}, "validFrom"),
        ({"validFrom": "2025-01-01T00:00:00"}, "validFrom"),  # no time zone
        ({"validUntil": "2024-01-01T00:00:00Z"}, "before validFrom"),
        ({"credentialStatus": {"id": "https://s.example/1"}}, "credentialStatus must have a type"),
        ({"credentialStatus": {"type": "X", "id": ["a:b", "c:d"]}}, "credentialStatus.id"),
        ({"termsOfUse": {"id": "https://t.example"}}, "termsOfUse must have a type"),
        ({"evidence": [{"id": "https://e.example"}]}, "evidence[0] must have a type"),
        ({"refreshService": {"id": "https://r.example"}}, "refreshService must have a type"),
        ({"credentialSchema": {"id": "https://s.example"}}, "credentialSchema must have a type"),
        ({"credentialSchema": {"type": "JsonSchema"}}, "credentialSchema must have an id"),
        ({"relatedResource": ["https://r.example"]}, "relatedResource[0] must be an object"),
        ({"relatedResource": [{"digestSRI": "sha384-x"}]}, "must have an id"),
        ({"relatedResource": [{"id": "https://r.example"}]}, "digest"),
        (
            {
                "relatedResource": [
                    {"id": "https://r.example", "digestSRI": "sha384-x"},
                    {"id": "https://r.example", "digestMultibase": "uabc"},
                ]
            },
            "more than once",
        ),
        ({"proof": {"proofValue": "z1"}}, "proof must have a type"),
    ],
)
def test_each_rule(change: dict[str, Any], fragment: str) -> None:
    problems = credential_problems({**good(), **change})
    assert any(fragment in p for p in problems), problems


def test_missing_members() -> None:
    for name in ("@context", "type", "issuer", "credentialSubject"):
        document = good()
        del document[name]
        assert credential_problems(document), name


def test_vc11_names_are_allowed_for_11_documents_only() -> None:
    v1 = {
        **{k: v for k, v in good().items() if k != "validFrom"},
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "issuanceDate": "2020-01-01T00:00:00Z",
    }
    assert credential_problems(v1) == []
    assert credential_problems(v1, allow_v1=False)


def test_presentation_rules() -> None:
    vp: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"]}
    assert presentation_problems(vp) == []
    assert presentation_problems({**vp, "holder": "did:example:h"}) == []
    assert presentation_problems({**vp, "holder": {"id": "did:example:h"}}) == []
    assert presentation_problems({**vp, "holder": "Alice"})
    assert presentation_problems({**vp, "type": ["Thing"]})
    assert presentation_problems({**vp, "verifiableCredential": ["eyJ.a.b"]})
    assert presentation_problems({**vp, "verifiableCredential": [{"id": "data:,x"}]})


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2025-01-31T12:00:00Z", True),
        ("2025-01-31T12:00:00.123+02:00", True),
        ("2025-01-31T12:00:00", False),
        ("2025-02-30T12:00:00Z", False),
        ("2025-01-31", False),
        (20250131, False),
    ],
)
def test_date_time_stamp(value: Any, ok: bool) -> None:
    assert is_date_time_stamp(value) is ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                *good().keys(),
                "evidence",
                "relatedResource",
                "proof",
                "holder",
                "verifiableCredential",
            ]
        ),
        json_values,
    )
)
def test_never_raises_on_arbitrary_json(document: dict[str, Any]) -> None:
    assert isinstance(credential_problems(document), list)
    assert isinstance(presentation_problems(document), list)
