"""The W3C JSON-LD 1.1 "Transform JSON-LD to RDF" suite (json-ld-api tests/toRdf-manifest).

Positive evaluation tests compare datasets by isomorphism, through our own RDFC-1.0
canonical form; negative tests expect the JSON-LD error code; syntax tests must simply
not fail. Contexts load through an offline loader that maps the suite's base URL to the
local copy and refuses everything else.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import STANDARDS_DIR
from microcred.credentials.errors import CanonicalizationError, UnknownContextError
from microcred.credentials.jsonld.nquads import parse_nquads
from microcred.credentials.jsonld.rdf import to_rdf
from microcred.credentials.jsonld.rdfc import canonicalize_dataset

SUITE_DIR = STANDARDS_DIR / "conformance" / "json-ld-api"
BASE_IRI = "https://w3c.github.io/json-ld-api/tests/"

# Tests pyld 3.3.0 gets wrong. Each is a normative JSON-LD 1.1 test: strict xfail, so a
# pyld upgrade that fixes one makes the suite fail until the entry is removed here.
PYLD_FAILURES: dict[str, str] = {
    "te122": "pyld 3.3.0 crashes (TypeError in IRI resolution) on an IRI that is not "
    "well-formed inside a list with a relative @base",
    "tli14": "pyld 3.3.0 crashes (TypeError: None base) on a list of relative IRIs "
    "when the context sets @base to null",
}


def _skip_reason(entry: dict[str, Any]) -> str | None:
    option = entry.get("option", {})
    if option.get("specVersion") == "json-ld-1.0":
        return "JSON-LD 1.0 only; microcred runs a JSON-LD 1.1 processor"
    if option.get("normative") is False:
        return "non-normative test (rdfDirection option), not required for conformance"
    return None


def _entries() -> list[Any]:
    manifest = json.loads((SUITE_DIR / "toRdf-manifest.jsonld").read_text("utf-8"))
    params = []
    for entry in manifest["sequence"]:
        test_id = entry["@id"].lstrip("#")
        marks: list[Any] = []
        reason = _skip_reason(entry)
        if reason is not None:
            marks.append(pytest.mark.skip(reason=reason))
        elif test_id in PYLD_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=PYLD_FAILURES[test_id]))
        params.append(pytest.param(entry, id=test_id, marks=marks))
    return params


def _suite_loader(url: str) -> dict[str, Any]:
    """Offline: suite URLs map to the local copy; anything else is unknown."""
    if not url.startswith(BASE_IRI):
        raise UnknownContextError(url)
    path = SUITE_DIR / url[len(BASE_IRI) :].split("#", 1)[0]
    if not path.is_file():
        raise UnknownContextError(url)
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return document  # may be an array on purpose (#ter05): pyld must reject it


def _run(entry: dict[str, Any]) -> str:
    option = entry.get("option", {})
    options: dict[str, Any] = {}
    if "processingMode" in option:
        options["processingMode"] = option["processingMode"]
    if option.get("produceGeneralizedRdf"):
        options["produceGeneralizedRdf"] = True
    if "rdfDirection" in option:
        options["rdfDirection"] = option["rdfDirection"]
    if "expandContext" in option:
        options["expandContext"] = json.loads(
            (SUITE_DIR / option["expandContext"]).read_text("utf-8")
        )
    base = option.get("base", BASE_IRI + entry["input"])
    document = json.loads((SUITE_DIR / entry["input"]).read_text("utf-8"))
    quads = to_rdf(document, loader=_suite_loader, base=base, options=options)
    return canonicalize_dataset(quads).nquads


def test_manifest_has_467_entries() -> None:
    assert len(_entries()) == 467


@pytest.mark.parametrize("entry", _entries())
def test_to_rdf(entry: dict[str, Any]) -> None:
    kinds = entry["@type"]
    if "jld:NegativeEvaluationTest" in kinds:
        with pytest.raises((CanonicalizationError, UnknownContextError)) as caught:
            _run(entry)
        codes = _error_codes(caught.value)
        assert entry["expectErrorCode"] in codes, codes
    elif "jld:PositiveSyntaxTest" in kinds:
        _run(entry)
    else:
        assert "jld:PositiveEvaluationTest" in kinds
        expected = (SUITE_DIR / entry["expect"]).read_text("utf-8")
        assert _run(entry) == canonicalize_dataset(parse_nquads(expected)).nquads


def _error_codes(error: BaseException) -> list[str]:
    codes: list[str] = []
    if isinstance(error, UnknownContextError):
        codes.append("loading remote context failed")
    cause: BaseException | None = error
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        code = getattr(cause, "code", None)
        if isinstance(code, str):
            codes.append(code)
        cause = cause.__cause__ or cause.__context__
    return codes
