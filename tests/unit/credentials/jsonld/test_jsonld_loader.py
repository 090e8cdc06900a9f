"""The static context loader: bundled contexts only, immutable cache, never the network."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from microcred.credentials.errors import UnknownContextError
from microcred.credentials.jsonld import DEFAULT_LOADER, KNOWN_CONTEXTS, StaticLoader

PACKAGE_CONTEXTS = Path(str(resources.files("microcred.credentials.jsonld").joinpath("contexts")))


#: microcred's own contexts live beside the standard ones (only these may differ).
OWN_PREFIX = "https://w3id.org/microcred/"


def _shared_map(standards_dir: Path) -> dict[str, str]:
    shared = json.loads((standards_dir / "contexts.json").read_text("utf-8"))
    return {url: path.removeprefix("contexts/") for url, path in shared.items()}


def test_package_copy_is_byte_identical_to_the_standards_contexts(standards_dir: Path) -> None:
    source = standards_dir / "contexts"
    source_files = sorted(p.name for p in source.iterdir() if p.is_file())
    assert source_files
    for name in source_files:
        assert (PACKAGE_CONTEXTS / name).read_bytes() == (source / name).read_bytes(), name
    ours = json.loads((PACKAGE_CONTEXTS / "contexts.json").read_text("utf-8"))
    own_files = {name for url, name in ours.items() if url.startswith(OWN_PREFIX)}
    package_files = {p.name for p in PACKAGE_CONTEXTS.iterdir()} - {"contexts.json"}
    assert package_files - set(source_files) <= own_files


def test_url_map_extends_the_standards_map(standards_dir: Path) -> None:
    shared = _shared_map(standards_dir)
    ours = json.loads((PACKAGE_CONTEXTS / "contexts.json").read_text("utf-8"))
    assert {url: ours[url] for url in shared} == shared
    assert all(url.startswith(OWN_PREFIX) for url in set(ours) - set(shared))
    assert frozenset(ours) == KNOWN_CONTEXTS
    assert all((PACKAGE_CONTEXTS / name).is_file() for name in ours.values())


@pytest.mark.parametrize("url", sorted(KNOWN_CONTEXTS))
def test_every_known_context_loads_as_a_context_document(url: str) -> None:
    document = DEFAULT_LOADER(url)
    assert isinstance(document.get("@context"), dict | list)
    ours = json.loads((PACKAGE_CONTEXTS / "contexts.json").read_text("utf-8"))
    assert document == json.loads((PACKAGE_CONTEXTS / ours[url]).read_text("utf-8"))


def test_required_contexts_are_known() -> None:
    for url in (
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        "https://www.w3.org/ns/credentials/status/v1",
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "https://www.w3.org/ns/did/v1",
    ):
        assert url in KNOWN_CONTEXTS
        assert url in DEFAULT_LOADER


def test_unknown_context_is_refused_with_its_url() -> None:
    with pytest.raises(UnknownContextError) as caught:
        DEFAULT_LOADER("https://example.com/evil-context.jsonld")
    assert caught.value.url == "https://example.com/evil-context.jsonld"
    assert "KNOWN_CONTEXTS" in caught.value.message


def test_callers_cannot_corrupt_the_cache() -> None:
    loader = StaticLoader()
    url = "https://www.w3.org/ns/credentials/v2"
    first = loader(url)
    first["@context"]["VerifiableCredential"] = "https://evil.example/"
    first["@context"].clear()
    second = loader(url)
    assert second["@context"]["VerifiableCredential"]["@id"] == (
        "https://www.w3.org/2018/credentials#VerifiableCredential"
    )
    assert second is not loader(url)


def test_extra_contexts_are_served_copied_and_override() -> None:
    extra = {"https://example.org/ctx#frag": {"@context": {"foo": "https://example.org/foo"}}}
    loader = StaticLoader(extra)
    extra["https://example.org/ctx#frag"]["@context"]["foo"] = "changed"
    assert loader("https://example.org/ctx")["@context"]["foo"] == "https://example.org/foo"
    assert "https://example.org/ctx" in loader.urls
    assert loader.urls > KNOWN_CONTEXTS
    assert "https://example.org/ctx" not in DEFAULT_LOADER.urls
    override = StaticLoader({"https://www.w3.org/ns/credentials/v2": {"@context": {}}})
    assert override("https://www.w3.org/ns/credentials/v2") == {"@context": {}}
