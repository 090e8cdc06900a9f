"""`microcred credential verify` against a development server on http://127.0.0.1:
refused by default; `--allow-http` alone still refuses the loopback address;
`--allow-http --allow-private` fetches the status list and the did:web DID document over
plain HTTP (a real local HTTP server), so a revoked credential fails and a good one
passes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from microcred.cli import main
from microcred.credentials import proofs
from microcred.credentials.dids import did_web_document
from microcred.credentials.keys import KeyPair
from microcred.credentials.model import (
    Achievement,
    Criteria,
    Profile,
    build_achievement_credential,
)
from microcred.credentials.status import Bitstring, status_entry, status_list_credential


class _Documents(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        del format, args


@pytest.fixture
def dev_server() -> Iterator[tuple[int, dict[str, bytes]]]:
    documents: ClassVar[dict[str, bytes]] = {}
    handler = type("Handler", (_Documents,), {"documents": documents})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], documents
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _issue(port: int, documents: dict[str, bytes], tmp_path: Path) -> tuple[Path, Path]:
    """A did:web issuer on localhost:<port> (DID document served over http) with a status
    list; credential 1 is good, credential 2 revoked."""
    key = KeyPair.generate("Ed25519")
    did = f"did:web:localhost%3A{port}:orgs:acme"
    key_id = f"{did}#key-1"
    documents["/orgs/acme/did.json"] = json.dumps(
        did_web_document(did, [key.public], key_ids=[key_id])
    ).encode()
    list_url = f"http://127.0.0.1:{port}/status/acme/revocation/1"
    now = datetime.now(UTC).replace(microsecond=0)
    bits = Bitstring()
    bits.set(2)
    documents["/status/acme/revocation/1"] = json.dumps(
        proofs.sign(
            status_list_credential(
                id=list_url, issuer=did, purpose="revocation", bitstring=bits, valid_from=now
            ),
            key,
            verification_method=key_id,
        )
    ).encode()
    paths = []
    for index in (1, 2):
        unsigned = build_achievement_credential(
            id=f"http://127.0.0.1:{port}/credentials/{index}",
            issuer=Profile(id=did, name="Acme"),
            achievement=Achievement(
                id=f"http://127.0.0.1:{port}/definitions/acme/git/v1",
                name="Git",
                description="Git basics.",
                criteria=Criteria(narrative="Lab."),
            ),
            valid_from=now,
            subject_id="did:example:learner",
            credential_status=status_entry(list_url=list_url, index=index),
        )
        path = tmp_path / f"c{index}.json"
        path.write_text(json.dumps(proofs.sign(unsigned, key, verification_method=key_id)))
        paths.append(path)
    return paths[0], paths[1]


def _verify(capsys: pytest.CaptureFixture[str], path: Path, *flags: str) -> tuple[int, Any]:
    code = main(["credential", "verify", str(path), "--json", *flags])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def _failed(report: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["message"] for c in report["checks"] if c["status"] == "failed"}


def test_dev_server_needs_both_flags(
    dev_server: tuple[int, dict[str, bytes]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port, documents = dev_server
    good, revoked = _issue(port, documents, tmp_path)

    code, report = _verify(capsys, good)
    assert code == 1
    assert "only https://" in _failed(report)["status"]

    code, report = _verify(capsys, good, "--allow-http")
    assert code == 1
    failed = _failed(report)
    assert "non-public address" in failed["status"]  # loopback still refused
    assert "non-public address" in failed["proof"]

    code, report = _verify(capsys, good, "--allow-private")
    assert code == 1
    assert "only https://" in _failed(report)["status"]

    code, report = _verify(capsys, good, "--allow-http", "--allow-private")
    assert code == 0, report
    assert report["verified"] is True
    code, report = _verify(capsys, revoked, "--allow-http", "--allow-private")
    assert code == 1
    assert list(_failed(report)) == ["status"]
    assert "revoked" in _failed(report)["status"]


def test_allow_http_never_downgrades_other_https_urls(
    dev_server: tuple[int, dict[str, bytes]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Only a did:web DID document is retried over http; a status list named https://
    that cannot be fetched over HTTPS stays a failure."""
    port, documents = dev_server
    good, _ = _issue(port, documents, tmp_path)
    document = json.loads(good.read_text())
    https_list = f"https://127.0.0.1:{port}/status/acme/revocation/1"
    document["credentialStatus"]["statusListCredential"] = https_list
    # (The altered credential's proof fails too; what matters is how the list is fetched.)
    good.write_text(json.dumps(document))
    code, report = _verify(capsys, good, "--allow-http", "--allow-private")
    assert code == 1
    assert "status" in _failed(report)
    assert "TLS" in _failed(report)["status"]
