"""pytest plugin (``-p pure_fast_engine``): the fast JSON-LD engine from its ``.py`` sources.

Where setup.py compiled the engine with mypyc, Python imports the extension modules
beside the sources; this plugin makes a test run import the pure-Python modules instead,
so the same tests check both implementations (see ``test_compiled_engine.py``). Load it
with ``PYTHONPATH=tests``: ``-p`` plugins are imported before pytest's ``pythonpath``.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PACKAGE = "microcred.credentials.jsonld.fast"


class _PureFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(f"{PACKAGE}.") or path is None:
            return None
        for entry in path:
            source = Path(entry) / f"{fullname.rsplit('.', 1)[1]}.py"
            if source.is_file():
                return importlib.util.spec_from_file_location(fullname, source)
        return None


if any(name.startswith(PACKAGE) for name in sys.modules):
    raise RuntimeError(f"{PACKAGE} was imported before the pure_fast_engine plugin")
sys.meta_path.insert(0, _PureFinder())


def _loaded() -> dict[str, bool]:
    """The fast engine's modules imported so far: name, and whether from a ``.py`` file."""
    return {
        name.rsplit(".", 1)[1]: str(getattr(module, "__file__", "")).endswith(".py")
        for name, module in sys.modules.items()
        if name.startswith(f"{PACKAGE}.")
    }


def pytest_report_header() -> str:
    return "fast JSON-LD engine: pure Python (forced by the pure_fast_engine plugin)"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not all(_loaded().values()):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    loaded = _loaded()
    pure = sorted(name for name, is_pure in loaded.items() if is_pure)
    compiled = sorted(name for name, is_pure in loaded.items() if not is_pure)
    terminalreporter.write_line(f"pure_fast_engine: from sources: {', '.join(pure)}")
    if compiled:
        terminalreporter.write_line(f"pure_fast_engine: COMPILED: {', '.join(compiled)}")
