"""Shared pytest fixtures."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

#: The database fixtures (engine, connection, session_factory, session, dialect) are shared
#: by integration and functional tests.
pytest_plugins = ["db_fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def _origin_checkout() -> Path | None:
    """The local checkout this one was cloned from (``git clone . /tmp/x``), if any."""
    try:
        url = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path if path is not None and path.is_dir() else None


def _standards_dir() -> Path:
    """``MICROCRED_STANDARDS_DIR``, else ``shared/standards`` beside this checkout (as CI and
    the team lay it out), else beside the local checkout this clone came from."""
    env = os.environ.get("MICROCRED_STANDARDS_DIR")
    if env:
        return Path(env)
    beside = REPO_ROOT.parent / "shared" / "standards"
    if beside.is_dir():
        return beside
    origin = _origin_checkout()
    if origin is not None and (origin.parent / "shared" / "standards").is_dir():
        return origin.parent / "shared" / "standards"
    return beside


STANDARDS_DIR = _standards_dir()


@pytest.fixture(scope="session")
def standards_dir() -> Path:
    """The read-only official standards data (contexts, schemas, vectors, suites)."""
    if not STANDARDS_DIR.is_dir():
        pytest.fail(f"standards data not found at {STANDARDS_DIR}; set MICROCRED_STANDARDS_DIR")
    return STANDARDS_DIR
