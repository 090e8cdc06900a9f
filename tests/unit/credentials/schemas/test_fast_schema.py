"""The compiled (fastjsonschema) OB 3.0 validator decides pass/fail exactly as jsonschema.

``validate()`` trusts the compiled validator when it accepts a document, so every
document it accepts must also be accepted by ``jsonschema`` and the other way round.
Compared on every JSON vector of the standards data (as it is, in every shape
``validate()`` hands over) and on hypothesis-mutated copies of the OB 3.0 vectors.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import STANDARDS_DIR
from microcred.credentials.schemas import OB3_ACHIEVEMENT_CREDENTIAL, VC2_CREDENTIAL, validate
from microcred.credentials.schemas.validation import _fast_valid, _fast_validator, _validator

NAME = OB3_ACHIEVEMENT_CREDENTIAL
STANDARDS = STANDARDS_DIR


def _vectors(standards_dir: Path) -> list[tuple[str, Any]]:
    out = []
    for path in sorted((standards_dir / "vectors").rglob("*.json")):
        try:
            value = json.loads(path.read_text("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        out.append((str(path.relative_to(standards_dir)), value))
    return out


def _shapes(document: Any) -> list[Any]:
    """The document as given and in the shapes validate() checks (proof as an array, one
    status entry at a time)."""
    shapes = [document]
    if isinstance(document, dict):
        if isinstance(document.get("proof"), dict):
            document = {**document, "proof": [document["proof"]]}
            shapes.append(document)
        statuses = document.get("credentialStatus")
        if isinstance(statuses, list):
            shapes.extend({**document, "credentialStatus": entry} for entry in statuses)
    return shapes


def _agree(document: Any) -> bool:
    slow = _validator(NAME).is_valid(document)
    fast = _fast_valid(NAME, [document])
    assert fast == slow, json.dumps(document)[:2000]
    return slow


def test_fast_path_equals_jsonschema_on_every_vector(standards_dir: Path) -> None:
    vectors = _vectors(standards_dir)
    assert len(vectors) > 40
    verdicts = [_agree(shape) for _, value in vectors for shape in _shapes(value)]
    # Both outcomes occur, so the comparison means something.
    assert any(verdicts)
    assert not all(verdicts)


def test_validate_results_unchanged_on_every_vector(
    standards_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate() with the fast path gives the same issues as jsonschema alone."""
    documents = [
        (name, value) for name, value in _vectors(standards_dir) if isinstance(value, dict)
    ]
    with_fast = [validate(value) for _, value in documents]
    monkeypatch.setattr(
        "microcred.credentials.schemas.validation._fast_valid", lambda _name, _docs: False
    )
    for (name, value), fast_issues in zip(documents, with_fast, strict=True):
        assert validate(value) == fast_issues, name


def test_only_the_ob3_schema_has_a_fast_path() -> None:
    assert _fast_validator(NAME) is not None
    assert _fast_validator(VC2_CREDENTIAL) is None
    assert _fast_valid(VC2_CREDENTIAL, [{}]) is False


# -- hypothesis: mutated OB 3.0 documents -----------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 1.0, 2.5, True, False, "", " "]),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2024-01-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01t10:00:00+01:00",
            "2024-01-01",
            "2024-13-01",
            "did:example:123",
            "https://example.org/x",
            "urn:uuid:1",
            "VerifiableCredential",
            "OpenBadgeCredential",
            "AchievementCredential",
            "Achievement",
            "AchievementSubject",
            "Profile",
            "DataIntegrityProof",
            "BitstringStatusListEntry",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "ext:Custom",
        ]
    ),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["id", "type", "name", "x", "achievement", "narrative"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, (*prefix, index)))
    return out


def _ob3_documents() -> list[dict[str, Any]]:
    docs = []
    for _, value in _vectors(STANDARDS):
        for shape in _shapes(value):
            if isinstance(shape, dict) and _validator(NAME).is_valid(shape):
                docs.append(shape)
    return docs


_DOCS = _ob3_documents() if STANDARDS.is_dir() else []


@st.composite
def _mutated(draw: st.DrawFn) -> Any:
    if not _DOCS:
        pytest.skip("standards data not found")
    document = copy.deepcopy(draw(st.sampled_from(_DOCS)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "delete", "wrap", "unwrap", "add"]))
        if action == "replace":
            parent[last] = draw(_json)
        elif action == "delete":
            del parent[last]
        elif action == "wrap":
            parent[last] = [parent[last]]
        elif action == "unwrap" and isinstance(parent[last], list) and parent[last]:
            parent[last] = parent[last][0]
        elif action == "add" and isinstance(parent[last], dict):
            parent[last][draw(st.sampled_from(["id", "type", "extra", "@context"]))] = draw(_json)
        elif action == "add" and isinstance(parent[last], list):
            parent[last].append(draw(_json))
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_fast_path_equals_jsonschema_on_mutated_documents(document: Any) -> None:
    _agree(document)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_fast_path_equals_jsonschema_on_arbitrary_json(document: Any) -> None:
    _agree(document)
