"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The database fixtures (engine, connection, session_factory, session, dialect) are shared
#: by integration and functional tests.
pytest_plugins = ["db_fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def _standards_dir() -> Path:
    env = os.environ.get("MICROCRED_STANDARDS_DIR")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "standards"


STANDARDS_DIR = _standards_dir()


@pytest.fixture(scope="session")
def standards_dir() -> Path:
    """The read-only official standards data (contexts, schemas, vectors, suites)."""
    if not STANDARDS_DIR.is_dir():
        pytest.fail(f"standards data not found at {STANDARDS_DIR}; set MICROCRED_STANDARDS_DIR")
    return STANDARDS_DIR
