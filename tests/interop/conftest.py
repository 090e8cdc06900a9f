"""Fixtures for the interop tests: Digital Bazaar's JavaScript libraries under Node.js.

The Node scripts in ``node/`` (pinned by ``node/package-lock.json``, installed by
``make node-deps``) sign, verify and build status lists with ``@digitalbazaar/vc`` and
``@digitalbazaar/eddsa-rdfc-2022-cryptosuite``. They read JSON on stdin, write JSON on
stdout and use an offline document loader over the JSON-LD contexts that microcred itself
ships as package data, so both sides canonicalize against the same bytes and nothing is
fetched from the network.

When Node.js or the installed libraries are missing the tests fail under CI (``CI=true``)
and are skipped, with the reason and the fix, elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
#: Every library the scripts import; all must be installed (``npm ci``).
REQUIRED_PACKAGES = (
    "@digitalbazaar/vc",
    "@digitalbazaar/data-integrity",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
    "@digitalbazaar/ed25519-multikey",
    "@digitalbazaar/vc-bitstring-status-list",
    "@digitalbazaar/did-method-key",
)
NODE_TIMEOUT_SECONDS = 60


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    """Fail in CI (the proof of interoperability must run there); skip elsewhere."""
    if _in_ci():
        pytest.fail(f"interop tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"interop tests need Node.js 20 and the pinned libraries: {reason}")


def _bundled_contexts_map() -> Path:
    """microcred's own context map (package data), the one its loader serves."""
    path = Path(str(files("microcred.credentials.jsonld") / "contexts" / "contexts.json"))
    if not path.is_file():
        pytest.fail(f"microcred's bundled context map is missing: {path}", pytrace=False)
    return path


def _node_environment() -> dict[str, str]:
    """A minimal environment: no proxy settings, no inherited NODE_OPTIONS."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"}
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    return env


@dataclass(frozen=True)
class DigitalBazaar:
    """Runs the Node scripts; each method takes a request (or a list of them, a batch)."""

    node: str
    contexts: Path

    def run(self, script: str, request: Any) -> Any:
        completed = subprocess.run(
            [self.node, str(NODE_DIR / script), "--contexts", str(self.contexts)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=NODE_DIR,
            env=_node_environment(),
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            pytest.fail(
                f"node {script} exited with {completed.returncode}:\n{completed.stderr}",
                pytrace=False,
            )
        return json.loads(completed.stdout)

    def sign(self, request: Any) -> Any:
        """``sign.mjs``: vc.issue with eddsa-rdfc-2022 (see the script for the fields)."""
        return self.run("sign.mjs", request)

    def verify(self, request: Any) -> Any:
        """``verify.mjs``: vc.verifyCredential plus Bitstring Status List checking."""
        return self.run("verify.mjs", request)

    def status_list(self, request: Any) -> Any:
        """``status-list.mjs``: a signed BitstringStatusListCredential."""
        return self.run("status-list.mjs", request)


@pytest.fixture(scope="session")
def digitalbazaar() -> DigitalBazaar:
    node = shutil.which("node")
    if node is None:
        _unavailable("`node` is not on PATH; install Node.js 20 (apt-get install nodejs npm)")
    assert node is not None
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False, timeout=30
    ).stdout.strip()
    major = version.lstrip("v").split(".", 1)[0]
    if not major.isdigit() or int(major) < 20:
        _unavailable(f"Node.js {version or '(unknown version)'} is too old; Node.js 20+ is needed")
    missing = [
        name
        for name in REQUIRED_PACKAGES
        if not (NODE_DIR / "node_modules" / name / "package.json").is_file()
    ]
    if missing:
        _unavailable(
            f"{', '.join(missing)} not installed in {NODE_DIR}; run `make node-deps` "
            "(npm ci from the committed package-lock.json)"
        )
    return DigitalBazaar(node=node, contexts=_bundled_contexts_map())
