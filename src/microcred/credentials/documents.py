"""How the core obtains remote documents: an injected :class:`Fetcher`.

The core never opens a socket. Anything that lives at a URL (a did:web DID document, a
status list credential, an HTTPS key document) is asked of a ``Fetcher`` passed in by the
caller. :class:`OfflineDocuments` answers from documents the caller supplied and refuses
everything else, so verification can run fully offline. The HTTPS implementation, with
timeouts, size caps and private-address blocking, is
:class:`microcred.verification.fetching.HttpsFetcher`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from microcred.credentials.errors import FetchError, MalformedDocument

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "Fetcher",
    "OfflineDocuments",
    "fetch_json",
    "parse_json_object",
]

#: Largest remote document the core will parse (status lists of 131,072 entries are ~16 KB
#: gzipped; DID documents are a few KB). Fetchers enforce it while reading.
MAX_DOCUMENT_BYTES = 1_000_000


class Fetcher(Protocol):
    """Returns the bytes at ``url`` or raises :class:`FetchError`."""

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes: ...


class OfflineDocuments:
    """A fetcher that only answers with documents supplied up front.

    ``documents`` maps a URL (without fragment) to the document's bytes, text or parsed JSON.
    Any other URL fails with a :class:`FetchError` that says how to supply it.
    """

    def __init__(self, documents: Mapping[str, bytes | str | Mapping[str, Any]] | None = None):
        self._documents: dict[str, bytes] = {}
        for url, value in (documents or {}).items():
            self.add(url, value)

    def add(self, url: str, value: bytes | str | Mapping[str, Any]) -> None:
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, str):
            data = value.encode("utf-8")
        else:
            data = json.dumps(value).encode("utf-8")
        self._documents[url.split("#", 1)[0]] = data

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and url.split("#", 1)[0] in self._documents

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        del accept
        key = url.split("#", 1)[0]
        try:
            return self._documents[key]
        except KeyError:
            raise FetchError(
                f"{key} is not available offline; supply it (CLI: --document {key}=FILE) "
                "or allow network access.",
                code="document_not_supplied",
            ) from None


def fetch_json(fetcher: Fetcher, url: str, *, accept: str = "application/json") -> dict[str, Any]:
    """Fetch ``url`` and parse it as a JSON object, with the core's size cap."""
    return parse_json_object(url, fetcher.fetch(url, accept=accept))


def parse_json_object(url: str, data: bytes) -> dict[str, Any]:
    """Parse the bytes fetched from ``url`` as a JSON object, with the core's size cap."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FetchError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes; refusing to parse it.")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedDocument(f"{url} did not return JSON: {exc}") from None
    if not isinstance(value, dict):
        raise MalformedDocument(f"{url} did not return a JSON object.")
    return value
