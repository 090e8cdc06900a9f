"""The W3C RDFC-1.0 test suite (w3c/rdf-canon tests/manifest.jsonld), every entry."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import STANDARDS_DIR
from microcred.credentials.errors import CanonicalizationError
from microcred.credentials.jsonld.nquads import parse_nquads
from microcred.credentials.jsonld.rdfc import canonicalize_dataset


def _entries() -> list[Any]:
    manifest = STANDARDS_DIR / "conformance" / "rdf-canon" / "manifest.jsonld"
    entries = json.loads(manifest.read_text("utf-8"))["entries"]
    return [pytest.param(entry, id=entry["id"].lstrip("#")) for entry in entries]


def test_manifest_has_all_86_entries() -> None:
    assert len(_entries()) == 86


@pytest.mark.parametrize("entry", _entries())
def test_rdfc10(entry: dict[str, Any], standards_dir: Path) -> None:
    base = standards_dir / "conformance" / "rdf-canon"
    text = (base / entry["action"]).read_text("utf-8")
    algorithm = entry.get("hashAlgorithm", "SHA256")
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        started = time.monotonic()
        with pytest.raises(CanonicalizationError, match="poison"):
            canonicalize_dataset(parse_nquads(text), hash_algorithm=algorithm)
        assert time.monotonic() - started < 10
        return
    result = canonicalize_dataset(parse_nquads(text), hash_algorithm=algorithm)
    if kind == "rdfc:RDFC10EvalTest":
        expected = (base / entry["result"]).read_bytes()
        assert result.nquads.encode("utf-8") == expected
    else:
        assert kind == "rdfc:RDFC10MapTest"
        expected_map = json.loads((base / entry["result"]).read_text("utf-8"))
        assert result.issued == expected_map
