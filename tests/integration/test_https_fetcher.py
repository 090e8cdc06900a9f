"""HttpsFetcher against a real HTTPS server on 127.0.0.1 (self-signed certificate)."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from microcred.credentials.dids import did_web_document, resolve_did
from microcred.credentials.errors import FetchError
from microcred.credentials.keys import KeyPair
from microcred.verification.fetching import HttpsFetcher, IPAddress, is_public_address

DOC = {"id": "did:web:localhost", "hello": "world"}


@dataclass
class Server:
    port: int
    context: ssl.SSLContext  # client context trusting the server certificate
    hits: dict[str, int] = field(default_factory=dict)
    last_host: str | None = None

    def url(self, path: str) -> str:
        return f"https://localhost:{self.port}{path}"


def _certificate(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), value)
            if "Content_Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            state.last_host = self.headers.get("Host")
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
                self._route()

        def _route(self) -> None:
            body = json.dumps(DOC).encode()
            if self.path == "/doc.json":
                self._send(200, body, Cache_Control="max-age=60")
            elif self.path == "/nostore.json":
                self._send(200, body, Cache_Control="no-store")
            elif self.path == "/.well-known/did.json":
                self._send(200, state_did_document[0])
            elif self.path == "/big-declared":
                self._send(200, b"x" * 2048)
            elif self.path == "/big-stream":
                # no Content-Length: the body ends when the connection closes
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(64):
                    self.wfile.write(b"x" * 1024)
                self.close_connection = True
            elif self.path == "/slow":
                time.sleep(1.5)
                self._send(200, body)
            elif self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif self.path == "/redirect-ok":
                self._send(302, Location="/doc.json")
            elif self.path == "/redirect-private":
                self._send(302, Location="https://10.0.0.1/doc.json")
            elif self.path == "/redirect-metadata":
                self._send(301, Location="https://169.254.169.254/latest/meta-data")
            elif self.path == "/redirect-http":
                self._send(302, Location=f"http://localhost:{state.port}/doc.json")
            elif self.path == "/loop":
                self._send(307, Location="/loop")
            elif self.path == "/gzip":
                self._send(200, b"\x1f\x8b", Content_Encoding="gzip")
            else:
                self._send(404, b"not found")

    return Handler


state_did_document: list[bytes] = [b"{}"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    cert_path, key_path = _certificate(tmp_path_factory.mktemp("tls"))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    client_context = ssl.create_default_context(cafile=str(cert_path))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.daemon_threads = True
    state = Server(port=httpd.server_address[1], context=client_context)
    httpd.RequestHandlerClass = _handler(state)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _loopback(address: IPAddress) -> bool:
    return address.is_loopback or is_public_address(address)


def _localhost(host: str, port: int) -> Sequence[IPAddress]:
    del port
    assert host == "localhost"
    return [ipaddress.ip_address("127.0.0.1")]


def _fetcher(server: Server, **options: object) -> HttpsFetcher:
    defaults: dict[str, object] = {
        "ssl_context": server.context,
        "address_policy": _loopback,
        "resolver": _localhost,
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 5.0,
    }
    defaults.update(options)
    return HttpsFetcher(**defaults)  # type: ignore[arg-type]


def test_success_and_cache_hit(server: Server) -> None:
    fetcher = _fetcher(server)
    before = server.hits.get("/doc.json", 0)
    assert json.loads(fetcher.fetch(server.url("/doc.json#frag"))) == DOC
    assert server.last_host == f"localhost:{server.port}"  # Host is the name, not the IP
    assert json.loads(fetcher.fetch(server.url("/doc.json"))) == DOC
    assert server.hits["/doc.json"] == before + 1  # second answer came from the cache
    fetcher.clear_cache()
    fetcher.fetch(server.url("/doc.json"))
    assert server.hits["/doc.json"] == before + 2


def test_no_store_not_cached(server: Server) -> None:
    fetcher = _fetcher(server)
    fetcher.fetch(server.url("/nostore.json"))
    fetcher.fetch(server.url("/nostore.json"))
    assert server.hits["/nostore.json"] == 2


def test_default_policy_refuses_the_local_server(server: Server) -> None:
    fetcher = HttpsFetcher(ssl_context=server.context, resolver=_localhost)
    with pytest.raises(FetchError, match="non-public address") as info:
        fetcher.fetch(server.url("/doc.json"))
    assert info.value.code == "fetch_refused"


def test_untrusted_certificate(server: Server) -> None:
    fetcher = _fetcher(server, ssl_context=ssl.create_default_context())
    with pytest.raises(FetchError, match="TLS") as info:
        fetcher.fetch(server.url("/doc.json"))
    assert info.value.code == "fetch_tls"


def test_certificate_name_checked(server: Server) -> None:
    # connecting to the vetted IP still verifies the certificate against the URL's name
    def other_name(host: str, port: int) -> Sequence[IPAddress]:
        del host, port
        return [ipaddress.ip_address("127.0.0.1")]

    fetcher = _fetcher(server, resolver=other_name)
    with pytest.raises(FetchError) as info:
        fetcher.fetch(f"https://not-localhost.test:{server.port}/doc.json")
    assert info.value.code == "fetch_tls"


@pytest.mark.parametrize("path", ["/big-declared", "/big-stream"])
def test_size_cap(server: Server, path: str) -> None:
    fetcher = _fetcher(server, max_bytes=1024)
    with pytest.raises(FetchError, match="larger than 1024 bytes") as info:
        fetcher.fetch(server.url(path))
    assert info.value.code == "fetch_too_large"


def test_read_timeout(server: Server) -> None:
    fetcher = _fetcher(server, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer") as info:
        fetcher.fetch(server.url("/slow"))
    assert info.value.code == "fetch_timeout"
    assert time.monotonic() - started < 1.4


def test_total_deadline_against_trickling_server(server: Server) -> None:
    fetcher = _fetcher(server, read_timeout=1.0, total_timeout=0.6)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetcher.fetch(server.url("/trickle"))
    assert info.value.code == "fetch_timeout"
    assert time.monotonic() - started < 2.0


def test_redirect_followed(server: Server) -> None:
    assert json.loads(_fetcher(server).fetch(server.url("/redirect-ok"))) == DOC


@pytest.mark.parametrize("path", ["/redirect-private", "/redirect-metadata"])
def test_redirect_to_private_address_refused(server: Server, path: str) -> None:
    with pytest.raises(FetchError, match="non-public address") as info:
        _fetcher(server).fetch(server.url(path))
    assert info.value.code == "fetch_refused"


def test_redirect_to_http_refused(server: Server) -> None:
    with pytest.raises(FetchError, match="only https://") as info:
        _fetcher(server).fetch(server.url("/redirect-http"))
    assert info.value.code == "fetch_refused"


def test_redirect_loop(server: Server) -> None:
    before = server.hits.get("/loop", 0)
    with pytest.raises(FetchError, match="more than 3 times"):
        _fetcher(server).fetch(server.url("/loop"))
    assert server.hits["/loop"] == before + 4


def test_http_refused(server: Server) -> None:
    with pytest.raises(FetchError, match="only https://"):
        _fetcher(server).fetch(f"http://localhost:{server.port}/doc.json")


def test_not_found(server: Server) -> None:
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as info:
        _fetcher(server).fetch(server.url("/missing"))
    assert info.value.code == "fetch_http_status"


def test_encoded_body_refused(server: Server) -> None:
    with pytest.raises(FetchError, match="gzip"):
        _fetcher(server).fetch(server.url("/gzip"))


def test_connection_refused() -> None:
    fetcher = HttpsFetcher(address_policy=_loopback, resolver=_localhost, total_timeout=2.0)
    with pytest.raises(FetchError, match="Cannot connect"):
        fetcher.fetch("https://localhost:1/doc.json")


def test_did_web_resolution_over_https(server: Server) -> None:
    pair = KeyPair.generate()
    did = f"did:web:localhost%3A{server.port}"
    state_did_document[0] = json.dumps(did_web_document(did, [pair.public])).encode()
    document = resolve_did(did, _fetcher(server))
    assert document["id"] == did
    assert document["verificationMethod"][0]["publicKeyMultibase"] == pair.public.multibase
