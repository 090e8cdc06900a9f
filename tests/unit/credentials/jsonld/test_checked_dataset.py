"""``undefined_terms_checked``: the safe-mode answer and the walked dataset, whose
canonical form is what ``canonicalize`` gives for the same document."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.jsonld import (
    DEFAULT_LOADER,
    StaticLoader,
    canonicalize,
    undefined_terms,
    undefined_terms_checked,
)

OB3 = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": list(OB3),
        "id": "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://issuer.example/1", "type": ["Profile"], "name": "Example"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example/achievements/1",
                "type": ["Achievement"],
                "name": "Rust Basics",
                "criteria": {"narrative": "Pass the exam."},
                "creditsAvailable": 5,
            },
        },
        **extra,
    }


def _vector_documents(standards_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((standards_dir / "vectors").rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "@context" in data:
            unsigned = {k: v for k, v in data.items() if k != "proof"}
            found.append((str(path.relative_to(standards_dir)), unsigned))
    return found


def _outcome(function: Any, *args: Any) -> Any:
    try:
        return function(*args)
    except Exception as exc:
        return type(exc), str(exc)


def test_every_vector_same_answer_and_same_canonical_form(standards_dir: Path) -> None:
    documents = _vector_documents(standards_dir)
    assert len(documents) > 30
    walked = 0
    for name, document in documents:
        expected = _outcome(undefined_terms, document)
        found = _outcome(undefined_terms_checked, document)
        if isinstance(expected, tuple):  # an error: the same one
            assert found == expected, name
            continue
        undefined, dataset = found
        assert undefined == expected, name
        if dataset is None:
            continue
        walked += 1
        assert dataset.describes(document, None), name
        assert dataset.canonical_nquads() == canonicalize(document), name
    assert walked > 20


def test_undefined_terms_are_named_and_the_dataset_kept() -> None:
    document = _credential(madeUpTerm="x")
    undefined, dataset = undefined_terms_checked(document)
    assert undefined == undefined_terms(document)
    assert undefined  # the made-up term is named
    assert dataset is not None
    assert dataset.canonical_nquads() == canonicalize(document)


def test_non_plain_document_still_answered() -> None:
    document = _credential()
    document["credentialSubject"]["achievement"]["name"] = {"@value": "Rust", "@language": "en"}
    undefined, dataset = undefined_terms_checked(document)
    assert undefined == undefined_terms(document) == []
    if dataset is not None:
        assert dataset.canonical_nquads() == canonicalize(document)


def test_canonical_form_is_computed_once() -> None:
    _, dataset = undefined_terms_checked(_credential())
    assert dataset is not None
    first = dataset.canonical_nquads()
    assert dataset.canonical_nquads() is first


def test_describes_only_the_very_same_values() -> None:
    document = _credential()
    _, dataset = undefined_terms_checked(document)
    assert dataset is not None
    assert dataset.describes(document, None)
    assert dataset.describes(dict(document), DEFAULT_LOADER)  # a shallow copy: same values
    assert not dataset.describes(copy.deepcopy(document), None)  # equal is not enough
    assert not dataset.describes({**document, "name": "extra"}, None)
    assert not dataset.describes({k: v for k, v in document.items() if k != "id"}, None)
    assert not dataset.describes(document, StaticLoader())  # another loader


def test_equal_but_different_values_are_not_described() -> None:
    # 1 == True in Python, but they are different RDF literals.
    document = _credential()
    document["credentialSubject"]["achievement"]["creditsAvailable"] = 1
    _, dataset = undefined_terms_checked(document)
    assert dataset is not None
    swapped = dict(document)
    swapped["credentialSubject"] = copy.deepcopy(document["credentialSubject"])
    swapped["credentialSubject"]["achievement"]["creditsAvailable"] = True
    assert swapped == document
    assert not dataset.describes(swapped, None)
    assert canonicalize(swapped) != dataset.canonical_nquads()


@pytest.mark.parametrize(
    "document",
    [
        [_credential()],
        {"@context": OB3, "@graph": [_credential()]},
        {"@context": "https://unknown.example/context.json", "name": "x"},
        {"@context": OB3, "type": 5},
    ],
)
def test_other_documents_give_the_general_answer(document: Any) -> None:
    expected = _outcome(undefined_terms, document)
    found = _outcome(undefined_terms_checked, document)
    if isinstance(expected, tuple):
        assert found == expected
        return
    undefined, dataset = found
    assert undefined == expected
    if dataset is not None:
        assert dataset.canonical_nquads() == canonicalize(document)
