"""The fast JSON-LD engine against the general one (pyld) and the W3C suites.

* every JSON-LD document among the official vectors (signed and unsigned, and each
  proof's configuration): byte-identical RDFC-1.0 output, SHA-256 and SHA-384, with the
  fast path actually taken wherever the general engine succeeds;
* the W3C RDFC-1.0 suite through the fast engine's canonicalization entry point;
* the W3C JSON-LD toRdf suite through the fast engine, with a loader over the suite's
  files: every positive test either gives the expected dataset or falls back for a
  reason listed in FAST_FALLBACKS; negative tests never give a dataset;
* safe mode (undefined terms) identical to the general check on every vector.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import STANDARDS_DIR
from microcred.credentials.errors import CanonicalizationError, UnknownContextError
from microcred.credentials.jsonld import canonicalize, undefined_terms
from microcred.credentials.jsonld.fast import Unsupported
from microcred.credentials.jsonld.fast.canon import canonical_nquads
from microcred.credentials.jsonld.fast.engine import to_rdf as fast_to_rdf
from microcred.credentials.jsonld.nquads import parse_nquads, serialize_term
from microcred.credentials.jsonld.rdf import to_rdf
from microcred.credentials.jsonld.rdfc import canonicalize_dataset

VECTORS = STANDARDS_DIR / "vectors"
TORDF = STANDARDS_DIR / "conformance" / "json-ld-api"
RDFC = STANDARDS_DIR / "conformance" / "rdf-canon"
TORDF_BASE = "https://w3c.github.io/json-ld-api/tests/"

#: Vectors the general engine rejects too (their contexts are not bundled or invalid).
GENERAL_FAILS = {
    "clr2/1edtech-validator/simple-noproof.json": "context URL not in the bundled set",
    "ob3/educredentials/educredential-context.json": "a context file, not a credential",
    "ob3/educredentials/theed_microcredential_full_ho.json": "context URL not bundled",
}


def _vector_documents() -> list[Any]:
    params = []
    for path in sorted(VECTORS.rglob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        if not isinstance(document, dict) or "@context" not in document:
            continue
        name = str(path.relative_to(VECTORS))
        params.append(pytest.param(name, document, id=name))
        proofs = document.get("proof")
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        if proofs is not None:
            params.append(pytest.param(f"{name}#unsecured", unsecured, id=f"{name}#unsecured"))
            for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
                config = {k: v for k, v in proof.items() if k != "proofValue"}
                config["@context"] = document["@context"]
                label = f"{name}#proof{index}"
                params.append(pytest.param(label, config, id=label))
    return params


def test_vectors_found() -> None:
    assert len(_vector_documents()) > 80


@pytest.mark.parametrize(("name", "document"), _vector_documents())
@pytest.mark.parametrize("algorithm", ["sha256", "sha384"])
def test_vector_identical(name: str, document: dict[str, Any], algorithm: str) -> None:
    if name.split("#", maxsplit=1)[0] in GENERAL_FAILS:
        with pytest.raises((CanonicalizationError, UnknownContextError)):
            canonicalize(document, engine="general")
        with pytest.raises(Unsupported):
            canonicalize(document, engine="fast")
        return
    general = canonicalize(document, engine="general", hash_algorithm=algorithm)
    fast = canonicalize(document, engine="fast", hash_algorithm=algorithm)  # no fallback
    assert fast == general
    assert canonicalize(document, hash_algorithm=algorithm) == general


@pytest.mark.parametrize(("name", "document"), _vector_documents())
def test_vector_safe_mode_identical(name: str, document: dict[str, Any]) -> None:
    if name.split("#", maxsplit=1)[0] in GENERAL_FAILS:
        return
    assert undefined_terms(document) == undefined_terms(document, engine="general")


def test_vector_to_rdf_same_dataset() -> None:
    document = json.loads((VECTORS / "ob3/1edtech-validator/complete.json").read_text("utf-8"))
    fast = to_rdf(document, engine="fast")
    general = to_rdf(document, engine="general")
    assert len(fast) == len(general)
    assert canonicalize_dataset(fast).nquads == canonicalize_dataset(general).nquads


# --- W3C RDFC-1.0 through the fast engine's entry point ---------------------------------


def _rdfc_entries() -> list[Any]:
    entries = json.loads((RDFC / "manifest.jsonld").read_text("utf-8"))["entries"]
    return [
        pytest.param(entry, id=entry["id"].lstrip("#"))
        for entry in entries
        if entry["type"] == "rdfc:RDFC10EvalTest"
    ]


@pytest.mark.parametrize("entry", _rdfc_entries())
def test_rdfc_suite_fast_entry(entry: dict[str, Any]) -> None:
    text = (RDFC / entry["action"]).read_text("utf-8")
    quads = [
        (
            serialize_term(q.subject),
            serialize_term(q.predicate),
            serialize_term(q.object),
            "" if q.graph is None else serialize_term(q.graph),
        )
        for q in parse_nquads(text)
    ]
    algorithm = entry.get("hashAlgorithm", "SHA256")
    expected = (RDFC / entry["result"]).read_bytes()
    assert canonical_nquads(quads, hash_algorithm=algorithm).encode("utf-8") == expected


# --- W3C JSON-LD toRdf through the fast engine -----------------------------------------

#: Positive toRdf tests the fast engine does not handle; the general engine answers them.
FAST_FALLBACKS: dict[str, str] = {
    "tdi09": "rdfDirection option (non-normative): not in the fast engine",
    "tdi10": "rdfDirection option (non-normative): not in the fast engine",
    "tdi11": "rdfDirection option (non-normative): not in the fast engine",
    "tdi12": "rdfDirection option (non-normative): not in the fast engine",
    "te075": "produceGeneralizedRdf option: not in the fast engine",
    "te122": "an @id that expands to null (ill-formed IRI with relative @base)",
    "tin01": "@included: not in the fast engine",
    "tin02": "@included: not in the fast engine",
    "tin03": "@included: not in the fast engine",
    "tin04": "@included: not in the fast engine",
    "tin05": "@included: not in the fast engine",
    "tin06": "@included: not in the fast engine",
    "tli14": "list holding relative IRIs with @base null (general engine crashes)",
    "tpi06": "property-valued index map: not in the fast engine",
    "tpi07": "property-valued index map: not in the fast engine",
    "tpi08": "property-valued index map: not in the fast engine",
    "tpi09": "property-valued index map: not in the fast engine",
    "tpi10": "property-valued index map: not in the fast engine",
    "tpi11": "property-valued index map: not in the fast engine",
}


def _suite_loader(url: str) -> dict[str, Any]:
    if not url.startswith(TORDF_BASE):
        raise UnknownContextError(url)
    path = TORDF / url[len(TORDF_BASE) :].split("#", 1)[0]
    if not path.is_file():
        raise UnknownContextError(url)
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document


def _tordf_entries() -> list[Any]:
    manifest = json.loads((TORDF / "toRdf-manifest.jsonld").read_text("utf-8"))
    return [pytest.param(e, id=e["@id"].lstrip("#")) for e in manifest["sequence"]]


#: Manifest options the fast engine runs with (``useJCS``: it always uses JCS for @json).
_OPTIONS = {"base", "expandContext", "specVersion", "processingMode", "useJCS", "normative"}


def _fast_run(entry: dict[str, Any]) -> str:
    option = entry.get("option", {})
    unsupported = set(option) - _OPTIONS
    if unsupported:
        raise Unsupported(f"option {', '.join(sorted(unsupported))}")
    if option.get("processingMode", "json-ld-1.1") != "json-ld-1.1":
        raise Unsupported("processingMode json-ld-1.0")
    expand_context = None
    if "expandContext" in option:
        expand_context = json.loads((TORDF / option["expandContext"]).read_text("utf-8"))
    base = option.get("base", TORDF_BASE + entry["input"])
    document = json.loads((TORDF / entry["input"]).read_text("utf-8"))
    quads = fast_to_rdf(document, _suite_loader, base=base, expand_context=expand_context)
    return canonicalize_dataset(quads).nquads


def _fallback_reason(entry: dict[str, Any]) -> str | None:
    option = entry.get("option", {})
    if option.get("specVersion") == "json-ld-1.0":
        return "JSON-LD 1.0 only"
    return None


@pytest.mark.parametrize("entry", _tordf_entries())
def test_tordf_fast(entry: dict[str, Any]) -> None:
    test_id = entry["@id"].lstrip("#")
    kinds = entry["@type"]
    if _fallback_reason(entry) is not None:
        pytest.skip(_fallback_reason(entry))
    if "jld:NegativeEvaluationTest" in kinds:
        with pytest.raises(Unsupported):
            _fast_run(entry)
        return
    if test_id in FAST_FALLBACKS:
        with pytest.raises(Unsupported):
            _fast_run(entry)
        return
    result = _fast_run(entry)
    if "jld:PositiveEvaluationTest" in kinds:
        expected = (TORDF / entry["expect"]).read_text("utf-8")
        assert result == canonicalize_dataset(parse_nquads(expected)).nquads


def test_rdfc_entries_found(standards_dir: Path) -> None:
    assert len(_rdfc_entries()) > 60
    assert len(_tordf_entries()) == 467
