"""The fast engine's context cache: per loader, thread-safe, and the fallback signal."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from microcred.credentials.errors import (
    CanonicalizationError,
    MalformedDocument,
    UnknownContextError,
)
from microcred.credentials.jsonld import StaticLoader, canonicalize, to_rdf, undefined_terms
from microcred.credentials.jsonld.fast import Unsupported
from microcred.credentials.jsonld.fast.contexts import root_context

URL = "https://example.org/ctx/v1"


def _document() -> dict[str, Any]:
    return {"@context": [URL], "@id": "https://example.org/s", "name": "Ada"}


def test_two_loaders_never_share_a_processed_context() -> None:
    first = StaticLoader({URL: {"@context": {"name": "https://one.example/name"}}})
    second = StaticLoader({URL: {"@context": {"name": "https://two.example/name"}}})
    one = canonicalize(_document(), loader=first, engine="fast")
    two = canonicalize(_document(), loader=second, engine="fast")
    assert "https://one.example/name" in one
    assert "https://two.example/name" in two
    # and again, now from the caches
    assert canonicalize(_document(), loader=first, engine="fast") == one
    assert canonicalize(_document(), loader=second, engine="fast") == two


def test_root_context_is_cached_per_loader() -> None:
    loader = StaticLoader()
    assert root_context(loader) is root_context(loader)
    assert root_context(loader) is not root_context(StaticLoader())
    assert root_context(loader, "https://example.org/") is not root_context(loader)


def test_concurrent_use_gives_the_same_answer() -> None:
    loader = StaticLoader({URL: {"@context": {"name": "https://three.example/name"}}})
    expected = canonicalize(_document(), loader=loader, engine="general")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda _: canonicalize(_document(), loader=loader, engine="fast"), range(64))
        )
    assert set(results) == {expected}


def test_unknown_context_falls_back_to_the_general_error() -> None:
    document = {"@context": "https://unknown.example/ctx", "name": "x"}
    with pytest.raises(Unsupported):
        canonicalize(document, engine="fast")
    with pytest.raises(UnknownContextError):
        canonicalize(document)


def test_invalid_json_ld_falls_back_to_the_general_error() -> None:
    document = {"@context": {"p": "https://example.org/p"}, "@id": 5, "p": "x"}
    with pytest.raises(Unsupported):
        canonicalize(document, engine="fast")
    with pytest.raises(CanonicalizationError):
        canonicalize(document)


def test_not_an_object_is_the_general_error() -> None:
    with pytest.raises(MalformedDocument):
        to_rdf("nope")  # type: ignore[arg-type]


def test_undefined_terms_fast_and_general_agree() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "Mystery"],
        "credentialSubject": {"id": "did:example:1", "foo": 1},
    }
    assert undefined_terms(document) == undefined_terms(document, engine="general")
    assert undefined_terms(document) != []
    with pytest.raises(Unsupported):
        undefined_terms(document, engine="fast")
    clean = {k: v for k, v in document.items() if k != "credentialSubject"}
    clean["type"] = ["VerifiableCredential"]
    assert undefined_terms(clean, engine="fast") == []


def test_to_rdf_options_outside_the_fast_engine_fall_back() -> None:
    document = {"@context": {"p": {"@id": "_:p"}}, "@id": "https://example.org/s", "p": "x"}
    with pytest.raises(Unsupported):
        to_rdf(document, options={"produceGeneralizedRdf": True}, engine="fast")
    assert len(to_rdf(document, options={"produceGeneralizedRdf": True})) == 1
