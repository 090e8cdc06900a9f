"""Fetching remote documents (DID documents, status lists, key documents) over HTTPS.

:class:`HttpsFetcher` implements :class:`microcred.credentials.documents.Fetcher` with the
standard library, following DESIGN principle 3 ("Offline and safe by default"):

* HTTPS only (``http://`` only when ``allow_http=True``, for tests);
* the host name is resolved once and every address is checked by the
  :data:`AddressPolicy` (default :func:`is_public_address`: no private, loopback,
  link-local, multicast, reserved, unspecified, shared or site-local IPv4/IPv6 address,
  also when embedded as IPv4-mapped or NAT64); the connection goes to the vetted address
  with SNI, certificate check and ``Host`` set to the name, so DNS rebinding cannot swap
  the target;
* connect, read and total timeouts (the total deadline is enforced by shutting the
  socket down, so a server trickling bytes cannot hold a request open);
* a size cap checked against ``Content-Length`` and enforced while reading;
* at most ``max_redirects`` (3) redirects, each target checked like the first URL;
* an in-memory cache honouring ``Cache-Control`` (``max-age``, ``no-store``,
  ``no-cache``), bounded in entries and bytes.

Errors are :class:`FetchError` with a stable code: ``fetch_refused`` (URL or address not
allowed), ``fetch_timeout``, ``fetch_too_large``, ``fetch_http_status`` (non-200),
``fetch_tls`` (certificate), ``fetch_failed`` (DNS, connection, protocol).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from email.message import Message
from urllib.parse import urljoin, urlsplit

from microcred.credentials.documents import MAX_DOCUMENT_BYTES
from microcred.credentials.errors import FetchError

__all__ = [
    "DEFAULT_USER_AGENT",
    "AddressPolicy",
    "HttpsFetcher",
    "IPAddress",
    "Resolver",
    "is_public_address",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Decides whether a resolved address may be contacted (``True`` = allowed).
AddressPolicy = Callable[[IPAddress], bool]
#: Resolves a host name and port to the addresses to try, in order.
Resolver = Callable[[str, int], Sequence[IPAddress]]

DEFAULT_USER_AGENT = "microcred-verifier/0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    Refuses private (RFC 1918, fc00::/7), loopback, link-local (169.254/16, fe80::/10),
    multicast, reserved, unspecified, shared (100.64/10), site-local (fec0::/10) and
    documentation ranges, also inside IPv4-mapped (::ffff:a.b.c.d) and NAT64 addresses.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.is_site_local:
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Resolve with ``getaddrinfo`` (TCP); raises :class:`FetchError` on failure."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            f"Cannot resolve host {host!r}: {exc}. Check the URL and the network connection."
        ) from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a vetted IP address, with SNI and Host set to the name."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        address: IPAddress,
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((str(self._address), self.port), timeout=self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to a vetted IP address (only with ``allow_http``, for tests)."""

    def __init__(self, host: str, port: int, *, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), timeout=self.timeout)


class HttpsFetcher:
    """A :class:`~microcred.credentials.documents.Fetcher` over HTTPS with safety limits.

    ``address_policy`` and ``resolver`` are injectable (tests allow loopback, or map a
    name to a private address); ``ssl_context`` defaults to the system trust store.
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        total_timeout: float = 30.0,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        max_redirects: int = 3,
        ssl_context: ssl.SSLContext | None = None,
        address_policy: AddressPolicy = is_public_address,
        resolver: Resolver = system_resolver,
        allow_http: bool = False,
        cache_ttl: float = 300.0,
        max_cache_ttl: float = 86400.0,
        cache_entries: int = 256,
        cache_bytes: int = 32 * 1024 * 1024,
        clock: Callable[[], float] = time.monotonic,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.total_timeout = total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.address_policy = address_policy
        self.resolver = resolver
        self.allow_http = allow_http
        self.cache_ttl = cache_ttl
        self.max_cache_ttl = max_cache_ttl
        self.cache_entries = cache_entries
        self.cache_bytes = cache_bytes
        self.clock = clock
        self.user_agent = user_agent
        self._cache: OrderedDict[tuple[str, str], tuple[float, bytes]] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()

    # -- public -------------------------------------------------------------------------
    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        """The body of ``url`` (fragment dropped) or :class:`FetchError`."""
        url = url.split("#", 1)[0]
        cached = self._cache_get((url, accept))
        if cached is not None:
            return cached
        deadline = time.monotonic() + self.total_timeout
        current = url
        for _hop in range(self.max_redirects + 1):
            status, headers, body, location = self._request(current, accept, deadline)
            if status in _REDIRECTS:
                if not location:
                    raise FetchError(f"{current} redirected without a Location header.")
                current = urljoin(current, location).split("#", 1)[0]
                continue
            if status != 200:
                reason = http.client.responses.get(status, "")
                raise FetchError(
                    f"{current} returned HTTP {status} {reason}".rstrip()
                    + "; check the URL, or ask its publisher to make it available.",
                    code="fetch_http_status",
                )
            self._cache_put((url, accept), body, headers)
            return body
        raise FetchError(
            f"{url} redirected more than {self.max_redirects} times; refusing to follow.",
            code="fetch_refused",
        )

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()
            self._cached_bytes = 0

    # -- request ------------------------------------------------------------------------
    def _request(
        self, url: str, accept: str, deadline: float
    ) -> tuple[int, Message, bytes, str | None]:
        scheme, host, port, target = self._check_url(url)
        addresses = self._vetted_addresses(url, host, port)
        last_error: OSError | None = None
        for address in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            timeout = min(self.connect_timeout, remaining)
            connection: http.client.HTTPConnection
            if scheme == "https":
                connection = _PinnedHTTPSConnection(
                    host, port, address=address, timeout=timeout, context=self.ssl_context
                )
            else:
                connection = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
            try:
                connection.connect()
            except ssl.SSLError as exc:
                connection.close()
                raise FetchError(
                    f"TLS with {host} failed: {exc.reason or exc}. The server's certificate is "
                    "not valid for this name or not trusted.",
                    code="fetch_tls",
                ) from None
            except TimeoutError:
                connection.close()
                last_error = TimeoutError(f"connecting to {address} timed out")
                continue
            except OSError as exc:
                connection.close()
                last_error = exc
                continue
            try:
                return self._exchange(connection, url, target, accept, deadline)
            finally:
                connection.close()
        if isinstance(last_error, TimeoutError) or time.monotonic() >= deadline:
            raise FetchError(
                f"Connecting to {host} timed out; the server may be down. Try again later.",
                code="fetch_timeout",
            )
        raise FetchError(
            f"Cannot connect to {host}:{port}: {last_error}. Check the URL or try again later."
        )

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        url: str,
        target: str,
        accept: str,
        deadline: float,
    ) -> tuple[int, Message, bytes, str | None]:
        sock = connection.sock
        assert sock is not None
        watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shutdown, (sock,))
        watchdog.daemon = True
        watchdog.start()
        try:
            sock.settimeout(self.read_timeout)
            connection.putrequest("GET", target, skip_accept_encoding=True)
            connection.putheader("Accept", accept)
            connection.putheader("Accept-Encoding", "identity")
            connection.putheader("User-Agent", self.user_agent)
            connection.endheaders()
            response = connection.getresponse()
            status = response.status
            headers = response.msg
            if status in _REDIRECTS:
                return status, headers, b"", response.getheader("Location")
            if status != 200:
                return status, headers, b"", None
            body = self._read_body(response, url, deadline)
            return status, headers, body, None
        except TimeoutError:
            raise FetchError(
                f"{url} did not answer in time (read timeout {self.read_timeout:g} s, total "
                f"{self.total_timeout:g} s). Try again later.",
                code="fetch_timeout",
            ) from None
        except (http.client.HTTPException, OSError) as exc:
            if time.monotonic() >= deadline:
                raise FetchError(
                    f"{url} did not answer within {self.total_timeout:g} s. Try again later.",
                    code="fetch_timeout",
                ) from None
            raise FetchError(f"Reading {url} failed: {exc!r}. Try again later.") from None
        finally:
            watchdog.cancel()

    def _read_body(self, response: http.client.HTTPResponse, url: str, deadline: float) -> bytes:
        """Read the body within the size cap and the deadline (TimeoutError past it)."""
        encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
        if encoding != "identity":
            raise FetchError(f"{url} sent a {encoding!r}-encoded body; expected identity.")
        declared = (response.getheader("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url)
        body = bytearray()
        while True:
            if time.monotonic() >= deadline:
                raise TimeoutError
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_large(url)
        if time.monotonic() >= deadline:
            raise TimeoutError
        return bytes(body)

    def _too_large(self, url: str) -> FetchError:
        return FetchError(
            f"{url} is larger than {self.max_bytes} bytes; refusing to download it.",
            code="fetch_too_large",
        )

    def _check_url(self, url: str) -> tuple[str, str, int, str]:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"{url!r} is not a valid URL: {exc}", code="fetch_refused") from None
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and self.allow_http):
            raise FetchError(
                f"Refusing to fetch {url}: only https:// URLs are fetched (the document must "
                "be protected in transit).",
                code="fetch_refused",
            )
        host = parts.hostname
        if not host:
            raise FetchError(f"{url!r} has no host name.", code="fetch_refused")
        if parts.username is not None or parts.password is not None:
            raise FetchError(
                f"Refusing to fetch {url}: URLs with credentials are not fetched.",
                code="fetch_refused",
            )
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        return scheme, host, port or (443 if scheme == "https" else 80), target

    def _vetted_addresses(self, url: str, host: str, port: int) -> list[IPAddress]:
        try:
            literal: IPAddress | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        addresses = [literal] if literal is not None else list(self.resolver(host, port))
        if not addresses:
            raise FetchError(f"Host {host!r} has no address.")
        refused = [address for address in addresses if not self.address_policy(address)]
        if refused:
            raise FetchError(
                f"Refusing to fetch {url}: {host} resolves to {refused[0]}, a private, "
                "loopback, link-local or otherwise non-public address. Only public hosts "
                "are contacted.",
                code="fetch_refused",
            )
        return addresses

    # -- cache --------------------------------------------------------------------------
    def _cache_get(self, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            expires, body = entry
            if self.clock() >= expires:
                del self._cache[key]
                self._cached_bytes -= len(body)
                return None
            self._cache.move_to_end(key)
            return body

    def _cache_put(self, key: tuple[str, str], body: bytes, headers: Message) -> None:
        ttl = self._ttl(headers.get("Cache-Control"))
        if ttl <= 0 or self.cache_entries <= 0 or len(body) > self.cache_bytes:
            return
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._cached_bytes -= len(old[1])
            self._cache[key] = (self.clock() + ttl, body)
            self._cached_bytes += len(body)
            while len(self._cache) > self.cache_entries or self._cached_bytes > self.cache_bytes:
                _, (_, evicted) = self._cache.popitem(last=False)
                self._cached_bytes -= len(evicted)

    def _ttl(self, cache_control: str | None) -> float:
        if not cache_control:
            return self.cache_ttl
        directives = [part.strip().lower() for part in cache_control.split(",")]
        if any(d in ("no-store", "no-cache", "private") for d in directives):
            return 0.0
        for directive in directives:
            name, _, value = directive.partition("=")
            if name.strip() == "max-age":
                value = value.strip().strip('"')
                if not value.isdigit():
                    return 0.0
                return min(float(value), self.max_cache_ttl)
        return self.cache_ttl


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
