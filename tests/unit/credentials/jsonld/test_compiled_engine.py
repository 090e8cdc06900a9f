"""Which fast JSON-LD engine is loaded: mypyc-compiled (setup.py) or pure Python.

The compiled modules are what an install normally runs, so CI (``CI=true``) fails when
they are not the ones imported: otherwise the suite would test the pure-Python fallback
only. Elsewhere the test is skipped with the reason, e.g. after an install with
``MICROCRED_PURE_PYTHON=1`` or without a C compiler. When the compiled modules are
loaded, the fast engine's equivalence and conformance tests also run once more against
the pure-Python sources (a subprocess with the ``pure_fast_engine`` plugin), so both
implementations are checked against the general engine.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.jsonld import fast
from microcred.credentials.jsonld.fast.contexts import MAX_DEPTH
from microcred.credentials.jsonld.loader import DEFAULT_LOADER

#: The modules setup.py compiles (``COMPILED`` there).
COMPILED = ["canon", "contexts", "engine", "expand", "quads", "walk"]
PACKAGE = "microcred.credentials.jsonld.fast"
REPO_ROOT = Path(__file__).resolve().parents[4]
#: The fast engine's tests against the general engine, run again on the pure modules.
EQUIVALENCE_TESTS = [
    "tests/unit/credentials/jsonld/test_fast_equivalence.py",
    "tests/unit/credentials/jsonld/test_fast_walk.py",
    "tests/unit/credentials/jsonld/test_fast_canon.py",
    "tests/unit/credentials/jsonld/test_fast_contexts.py",
    "tests/conformance/test_fast_engine.py",
]


def _files() -> dict[str, Path]:
    return {
        name: Path(str(importlib.import_module(f"{PACKAGE}.{name}").__file__)) for name in COMPILED
    }


def _is_compiled(path: Path) -> bool:
    return path.suffix in (".so", ".pyd")


def test_compiled_engine_is_loaded() -> None:
    files = _files()
    pure = sorted(name for name, path in files.items() if not _is_compiled(path))
    if not pure:
        return
    message = (
        f"fast JSON-LD engine modules loaded as pure Python: {', '.join(pure)} "
        "(reinstall with `pip install -e .`, a C compiler and Python headers; see setup.py)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def test_compiled_modules_are_not_older_than_their_sources() -> None:
    """A compiled module built before its ``.py`` was edited would shadow the edit."""
    stale = [
        f"{name} ({path.name})"
        for name, path in _files().items()
        if _is_compiled(path)
        and path.stat().st_mtime < path.with_name(f"{name}.py").stat().st_mtime
    ]
    assert not stale, (
        f"compiled modules older than their sources: {', '.join(stale)}; rebuild them "
        "with `make .venv/.installed-dev` or `pip install -e .`"
    )


@pytest.mark.slow
def test_equivalence_tests_pass_on_the_pure_python_modules() -> None:
    if not all(_is_compiled(path) for path in _files().values()):
        pytest.skip("the pure-Python modules are the ones loaded: this run already tests them")
    path = [str(REPO_ROOT / "tests"), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "pure_fast_engine",
            "-p",
            "no:cacheprovider",
            "-q",
            "-x",
            *EQUIVALENCE_TESTS,
        ],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    summary = [line for line in result.stdout.splitlines() if line.startswith("pure_fast_engine:")]
    assert summary == [f"pure_fast_engine: from sources: {', '.join(COMPILED)}"], summary


def _nested(depth: int, *, value_object: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"@context": {"@vocab": "http://example.org/vocab#"}}
    node = document
    for number in range(depth - 1):
        node["@id"] = f"urn:n{number}"
        node["p"] = {}
        node = node["p"]
    if value_object:  # not a plain document: the two-step path (expand, then quads)
        node["v"] = {"@value": "x", "@language": "en"}
    return document


@pytest.mark.parametrize("value_object", [False, True], ids=["one walk", "two steps"])
def test_nesting_beyond_max_depth_is_left_to_the_general_engine(value_object: bool) -> None:
    """mypyc-compiled code has no recursion check: the fast engine counts the depth."""
    assert fast.canonicalize(_nested(200, value_object=value_object), DEFAULT_LOADER)
    with pytest.raises(fast.Unsupported, match="nested too deeply"):
        fast.canonicalize(_nested(MAX_DEPTH + 1, value_object=value_object), DEFAULT_LOADER)
