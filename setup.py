"""Build hook: compile the fast JSON-LD engine with mypyc, or leave it pure Python.

Everything else about the package is in pyproject.toml. The modules in ``COMPILED`` are
compiled to C extensions with mypyc (part of mypy, a build requirement) next to their
``.py`` sources, which stay the source of truth; Python imports the extension when it
is there and the ``.py`` otherwise. Without a compiled engine microcred works the same,
only slower:

* ``MICROCRED_PURE_PYTHON=1`` at install time builds no extension (and removes those an
  earlier editable install left in the source tree);
* if mypyc or a C compiler is missing or fails, the install goes on without them, with a
  warning.

``tests/unit/credentials/jsonld/test_compiled_engine.py`` reports which one is loaded
(and fails under ``CI=true`` when it is not the compiled one).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

FAST = "src/microcred/credentials/jsonld/fast"
#: The fast engine's hot modules: the one-walk path (walk, quads, contexts), RDFC-1.0
#: (canon), the two-step path (expand) and the glue between them (engine).
COMPILED = ["canon", "contexts", "engine", "expand", "quads", "walk"]
#: The shared library holding the compiled code: a top-level module ``GROUP__mypyc``
#: (mypyc derives the modules' ``__file__`` from its place, at the top of the tree).
GROUP = "microcred_fast"


def _warn(message: str) -> None:
    sys.stderr.write(f"microcred: {message}; the fast JSON-LD engine stays pure Python\n")


def _pure_python() -> bool:
    return os.environ.get("MICROCRED_PURE_PYTHON", "").strip() not in ("", "0")


def _remove_in_place_extensions() -> None:
    """Drop compiled modules an earlier editable install put beside the sources."""
    here = Path(__file__).resolve().parent
    for directory, name in [
        *[(here / FAST, name) for name in COMPILED],
        (here / "src", f"{GROUP}__mypyc"),
    ]:
        for built in [*directory.glob(f"{name}.*.so"), *directory.glob(f"{name}.*.pyd")]:
            built.unlink()


def _extensions() -> list[Any]:
    if _pure_python():
        _remove_in_place_extensions()
        return []
    try:
        from mypyc.build import mypycify  # noqa: PLC0415 - only at build time
    except ImportError:
        _warn("mypyc is not installed")
        return []
    try:
        return mypycify(
            [
                # The build environment has only the build requirements: third-party
                # packages the sources import (pyld, cryptography...) are typed as Any
                # there. make typecheck runs mypy with them installed.
                "--ignore-missing-imports",
                "--cache-dir=build/mypy-cache",
                *[f"{FAST}/{name}.py" for name in COMPILED],
            ],
            opt_level="3",
            debug_level="0",
            target_dir="build/mypyc",
            group_name=GROUP,
        )
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any mypyc failure: pure Python
        _warn(f"mypyc failed ({error!r})")
        return []


class OptionalBuildExt(build_ext):
    """build_ext that falls back to pure Python when compiling fails (no compiler...).

    All or nothing: a half-built set of extensions would not import, so on failure every
    extension already built (in the build directory or copied beside the sources) is
    removed.
    """

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # noqa: BLE001 - compiler errors take many forms
            _warn(f"compiling the extensions failed ({error!r})")
            self._remove_built()

    def _remove_built(self) -> None:
        for extension in self.extensions:
            path = Path(self.get_ext_fullpath(extension.name))
            path.unlink(missing_ok=True)
        _remove_in_place_extensions()


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
