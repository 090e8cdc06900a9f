"""A :class:`~microcred.credentials.documents.Fetcher` that answers this deployment's own
URLs from the database, without any network: status lists
(``<base>/status/<org>/<purpose>/<n>``), DID documents of did:web organisations
(``<base>/orgs/<slug>/did.json``, also under ``https://`` as did:web resolution asks) and
hosted credentials (``<base>/credentials/<uuid>``). Everything else goes to ``fallback``
(e.g. :class:`microcred.verification.fetching.HttpsFetcher`) or is refused.

One instance serves one request (one session): organisations are looked up once per
instance, and status lists are read as the signed JSON already stored (signed again only
when their bits changed since, see :mod:`microcred.issuing.status`). A credential points
at a revocation and a suspension list of the same sequence number, so one query reads
both; the one not asked for is kept for this instance's next fetch of it (once: any later
fetch of the same URL queries again).

A :class:`LocalDocumentCache` (one per web process, see
:class:`~microcred.storage.cache.ReadCache`) lets instances share the stored lists and DID
documents they read: writes by this process are seen at once, writes by other processes
within the cache's ``seconds``. Lists whose stored signature is behind their bits are
never taken from it (they are signed again, a write). With ``cached_only``, an instance
answers from that cache alone and never touches its session: anything else fails with
``fetch_deferred`` and sets :attr:`LocalDocuments.missed` (for code on an event loop,
which then does the work again where it may wait on the database).
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Callable
from urllib.parse import SplitResult, unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.credentials.documents import Fetcher
from microcred.credentials.errors import FetchError
from microcred.issuing import service
from microcred.issuing import status as status_lists
from microcred.issuing.models import StatusList
from microcred.issuing.types import STATUS_PURPOSES
from microcred.storage import NotCached, ReadCache

__all__ = ["LocalDocumentCache", "LocalDocuments"]

#: (purpose, signed JSON) of the lists of one organisation and sequence number whose
#: stored signature shows their current bits.
_Lists = tuple[tuple[str, str], ...]


class LocalDocumentCache:
    """What :class:`LocalDocuments` read, shared by the instances of one process."""

    def __init__(
        self,
        *,
        seconds: float,
        max_entries: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.status_lists: ReadCache[tuple[str, int], _Lists] = ReadCache(
            ("status_lists", "organisations"),
            seconds=seconds,
            max_entries=max_entries,
            clock=clock,
        )
        self.did_documents: ReadCache[str, bytes | None] = ReadCache(
            ("organisations", "organisation_keys"),
            seconds=seconds,
            max_entries=max_entries,
            clock=clock,
        )

    def clear(self) -> None:
        self.status_lists.clear()
        self.did_documents.clear()


def _local_netlocs(base: SplitResult) -> frozenset[str]:
    """The host[:port] forms under which this server's documents are named: the base URL's,
    and, for a loopback base URL (``http://127.0.0.1:8000``), ``localhost`` with the same
    port, the name its did:web DIDs use (did:web needs a domain name)."""
    netlocs = {base.netloc.lower()}
    host = base.hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        netlocs.add("localhost" if base.port is None else f"localhost:{base.port}")
    return frozenset(netlocs)


class LocalDocuments:
    """Fetcher for this app's own documents, falling back to ``fallback``."""

    def __init__(
        self,
        session: Session,
        *,
        base_url: str,
        master_key: bytes,
        fallback: Fetcher | None = None,
        cache: LocalDocumentCache | None = None,
        cached_only: bool = False,
    ) -> None:
        if cached_only and cache is None:
            raise ValueError("cached_only needs a cache")
        self._session = session
        self._cache = cache
        self._cached_only = cached_only
        #: Whether a fetch needed the database while ``cached_only``.
        self.missed = False
        self._base = urlsplit(base_url.rstrip("/"))
        self._netlocs = _local_netlocs(self._base)
        self._base_url = base_url.rstrip("/")
        self._master_key = master_key
        self._fallback = fallback
        self._organisations: dict[str, Organisation | None] = {}
        self._prefetched: dict[tuple[str, str, int], str] = {}

    def _local_path(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() not in self._netlocs:
            return None
        prefix = self._base.path.rstrip("/")
        if not parts.path.startswith(prefix + "/"):
            return None
        return parts.path[len(prefix) :]

    def fetch(self, url: str, *, accept: str = "application/json") -> bytes:
        path = self._local_path(url.split("#", 1)[0])
        if path is None:
            if self._fallback is None:
                raise FetchError(f"{url} is not a document of this server.", code="fetch_refused")
            return self._fallback.fetch(url, accept=accept)
        try:
            data = self._answer([unquote(p) for p in path.strip("/").split("/")])
        except NotCached:
            self.missed = True
            raise FetchError(
                f"{url} is not in this process's cache yet.", code="fetch_deferred"
            ) from None
        if data is None:
            raise FetchError(f"{url} does not exist on this server.", code="fetch_http_status")
        return data

    def _organisation(self, slug: str) -> Organisation | None:
        if self._cached_only:
            raise NotCached(slug)
        if slug not in self._organisations:
            self._organisations[slug] = self._session.scalar(
                select(Organisation).where(Organisation.slug == slug)
            )
        return self._organisations[slug]

    def _current_lists(self, slug: str, sequence: int) -> _Lists:
        rows = self._session.execute(
            select(
                StatusList.purpose,
                StatusList.signed_json,
                StatusList.signed_version,
                StatusList.version,
            )
            .join(Organisation, Organisation.id == StatusList.organisation_id)
            .where(Organisation.slug == slug, StatusList.sequence == sequence)
        ).all()
        return tuple(
            (str(row.purpose), str(row.signed_json))
            for row in rows
            if row.signed_json is not None and row.signed_version == row.version
        )

    def _stored_list(self, slug: str, purpose: str, sequence: int) -> str | None:
        """The stored signed list when it shows the list's current bits (one query for the
        lists of every purpose with this sequence number), else None."""
        if self._cache is not None:
            lists = self._cache.status_lists.get(
                (slug, sequence),
                lambda: self._current_lists(slug, sequence),
                cached_only=self._cached_only,
            )
            return dict(lists).get(purpose)
        prefetched = self._prefetched.pop((slug, purpose, sequence), None)
        if prefetched is not None:
            return prefetched
        found = None
        for row_purpose, signed in self._current_lists(slug, sequence):
            if row_purpose == purpose:
                found = signed
            else:
                self._prefetched[(slug, row_purpose, sequence)] = signed
        return found

    def _did_document(self, slug: str) -> bytes | None:
        org = self._organisation(slug)
        if org is None or org.did_method != "web":
            return None
        return json.dumps(org_keys.did_document(self._session, org)).encode("utf-8")

    def _answer(self, segments: list[str]) -> bytes | None:
        if len(segments) == 4 and segments[0] == "status" and segments[2] in STATUS_PURPOSES:
            if not (segments[3].isascii() and segments[3].isdigit() and len(segments[3]) <= 9):
                return None
            stored = self._stored_list(segments[1], segments[2], int(segments[3]))
            if stored is not None:
                return stored.encode("utf-8")
            org = self._organisation(segments[1])
            if org is None:
                return None
            found = org
            text = status_lists.served_list(
                self._session,
                organisation_id=org.id,
                org_slug=org.slug,
                issuer=org.did,
                purpose=segments[2],
                sequence=int(segments[3]),
                base_url=self._base_url,
                key=lambda: org_keys.signing_key(self._session, found, self._master_key),
            )
            return None if text is None else text.encode("utf-8")
        if len(segments) == 3 and segments[0] == "orgs" and segments[2] == "did.json":
            slug = segments[1]
            if self._cache is None:
                return self._did_document(slug)
            return self._cache.did_documents.get(
                slug, lambda: self._did_document(slug), cached_only=self._cached_only
            )
        if len(segments) == 2 and segments[0] == "credentials":
            if self._cached_only:
                raise NotCached(segments[1])
            award = service.find_award(self._session, segments[1])
            return None if award is None else award.credential_bytes
        return None
