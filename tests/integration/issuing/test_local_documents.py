"""LocalDocuments serves this app's status lists and DID documents from the database with
little work: the stored signed list as is (one query), re-signed only after a change, the
organisation looked up once per instance (both databases)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer

from microcred.accounts import keys as org_keys
from microcred.accounts import service as accounts
from microcred.credentials.errors import FetchError
from microcred.credentials.status import Bitstring, MemoryStatusListCache
from microcred.credentials.verify import verify
from microcred.issuing import service
from microcred.issuing.documents import LocalDocumentCache, LocalDocuments
from microcred.issuing.models import Award, StatusList


@contextmanager
def _statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    connection = session.connection()

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def _award(session: Session, slug: str = "acme") -> Award:
    org, version = make_issuer(session, slug)
    return service.award(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="ada@example.org",
    )


def _url(purpose: str, sequence: int | str = 1, slug: str = "acme") -> str:
    return f"{BASE}/status/{slug}/{purpose}/{sequence}"


def test_stored_list_is_served_as_is_with_one_query(session: Session) -> None:
    award = _award(session)
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    first = documents.fetch(_url("revocation"))  # signs and stores the list
    row = session.scalar(
        select(StatusList).where(
            StatusList.id == award.revocation_list_id,
        )
    )
    assert row is not None and row.signed_json is not None
    assert first == row.signed_json.encode("utf-8")
    session.flush()
    fresh = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    with _statements(session) as seen:
        assert fresh.fetch(_url("revocation")) == first
    assert len(seen) == 1, seen


def test_both_lists_of_a_credential_cost_one_query(session: Session) -> None:
    _award(session)
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    revocation = documents.fetch(_url("revocation"))
    suspension = documents.fetch(_url("suspension"))
    session.flush()
    fresh = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    with _statements(session) as seen:
        assert fresh.fetch(_url("suspension")) == suspension
        assert fresh.fetch(_url("revocation")) == revocation
        # Kept once only: a second fetch of the same URL reads the database again.
        assert fresh.fetch(_url("revocation")) == revocation
    assert len(seen) == 2, seen


def test_a_change_is_served_at_once(session: Session) -> None:
    award = _award(session)
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    before = documents.fetch(_url("revocation"))
    service.revoke(session, award.id, reason=None, actor=SYSTEM, base_url=BASE, master_key=MASTER)
    after = documents.fetch(_url("revocation"))
    assert after != before
    bits = Bitstring.decode(json.loads(after)["credentialSubject"]["encodedList"])
    assert bits.set_indices() == [award.revocation_index]
    # The re-signed list is now the stored one.
    assert (
        LocalDocuments(session, base_url=BASE, master_key=MASTER).fetch(_url("revocation")) == after
    )


def test_organisation_is_looked_up_once_per_instance(session: Session) -> None:
    _award(session)
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    # Lists not signed yet: each is rendered, with the organisation loaded once.
    with _statements(session) as seen:
        documents.fetch(_url("revocation"))
        documents.fetch(_url("suspension"))
    organisation_reads = [s for s in seen if "FROM organisations" in s and "status" not in s]
    assert len(organisation_reads) == 1, organisation_reads


@pytest.mark.parametrize(
    "url",
    [
        _url("revocation", 9),
        _url("revocation", "²"),
        _url("revocation", "1" * 30),
        _url("revocation", "x"),
        _url("nonsense"),
        _url("revocation", 1, "nobody"),
        f"{BASE}/orgs/nobody/did.json",
    ],
)
def test_unknown_documents_are_fetch_errors(session: Session, url: str) -> None:
    _award(session)
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    with pytest.raises(FetchError):
        documents.fetch(url)


def test_did_web_document_is_served(session: Session) -> None:
    org = accounts.create_organisation(
        session,
        slug="webby",
        name="Webby",
        base_url=BASE,
        did_method="web",
        master_key=MASTER,
        actor=SYSTEM,
    )
    documents = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    first = json.loads(documents.fetch(f"{BASE}/orgs/webby/did.json"))
    assert first["id"] == org.did
    assert json.loads(documents.fetch(f"{BASE}/orgs/webby/did.json")) == first


def test_verify_with_a_cache_sees_a_revocation_at_once(session: Session) -> None:
    award = _award(session)
    cache = MemoryStatusListCache()
    credential = json.loads(award.credential_json)

    def check() -> Any:
        fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER)
        return verify(credential, fetcher=fetcher, status_cache=cache)

    assert check().verified
    assert check().verified  # cached lists
    service.revoke(session, award.id, reason=None, actor=SYSTEM, base_url=BASE, master_key=MASTER)
    report = check()
    assert not report.verified
    assert [c.code for c in report.failures] == ["revoked"]


# -- the process-wide LocalDocumentCache --------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_shared_cache_answers_without_a_query(session: Session) -> None:
    _award(session)
    cache = LocalDocumentCache(seconds=2, clock=_Clock())
    first = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache)
    revocation = first.fetch(_url("revocation"))  # signs and stores
    session.flush()
    LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(
        _url("suspension")
    )  # signs and stores the other list of the sequence
    session.flush()
    warm = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache)
    warm.fetch(_url("revocation"))  # loads both stored lists into the cache
    with _statements(session) as seen:
        again = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache)
        assert again.fetch(_url("revocation")) == revocation
        assert (
            json.loads(again.fetch(_url("suspension")))["credentialSubject"]["statusPurpose"]
            == "suspension"
        )
    assert seen == []


def test_shared_cache_sees_this_process_write_at_once(session: Session) -> None:
    award = _award(session)
    cache = LocalDocumentCache(seconds=60, clock=_Clock())
    credential = json.loads(award.credential_json)

    def check() -> Any:
        fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache)
        return verify(credential, fetcher=fetcher, status_cache=MemoryStatusListCache())

    assert check().verified
    session.flush()
    assert check().verified
    service.revoke(session, award.id, reason=None, actor=SYSTEM, base_url=BASE, master_key=MASTER)
    report = check()
    assert [c.code for c in report.failures] == ["revoked"]


def test_shared_cache_sees_another_process_write_after_its_time_limit(
    session: Session,
) -> None:
    """A write this process did not make (here: plain SQL, as another worker's would be
    to us) is seen once the entry is older than ``seconds``."""
    award = _award(session)
    clock = _Clock()
    cache = LocalDocumentCache(seconds=2, clock=clock)

    def fetch() -> bytes:
        return LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(
            _url("revocation")
        )

    fetch()
    session.flush()
    stored = fetch()
    session.connection().exec_driver_sql(
        "UPDATE status_lists SET signed_json = NULL, signed_version = NULL"
    )
    clock.now += 1.5
    with _statements(session) as seen:
        assert fetch() == stored  # still the cached answer: no query
    assert seen == []
    clock.now += 1.0
    with _statements(session) as seen:
        resigned = fetch()  # read again: no stored signature now, so it is signed anew
    assert any("status_lists" in statement for statement in seen)
    assert json.loads(resigned)["id"] == json.loads(stored)["id"]
    assert award.revocation_list_id is not None


def test_shared_cache_did_documents(session: Session) -> None:
    org = accounts.create_organisation(
        session,
        slug="webby",
        name="Webby",
        base_url=BASE,
        did_method="web",
        master_key=MASTER,
        actor=SYSTEM,
    )
    session.flush()
    cache = LocalDocumentCache(seconds=60, clock=_Clock())
    url = f"{BASE}/orgs/webby/did.json"
    first = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(url)
    with _statements(session) as seen:
        again = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache)
        assert again.fetch(url) == first
    assert seen == []
    org_keys.rotate_key(session, org, master_key=MASTER, actor=SYSTEM)
    rotated = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(url)
    assert len(json.loads(rotated)["verificationMethod"]) == 2
    with pytest.raises(FetchError):
        LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(
            f"{BASE}/orgs/nobody/did.json"
        )


def test_cached_only_answers_from_the_cache_or_defers(session: Session) -> None:
    """``cached_only`` instances never query: a document the cache lacks is a
    ``fetch_deferred`` error and sets ``missed``; once cached, it is served."""
    _award(session)
    cache = LocalDocumentCache(seconds=60, clock=_Clock())
    with pytest.raises(ValueError, match="cache"):
        LocalDocuments(session, base_url=BASE, master_key=MASTER, cached_only=True)
    cold = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache, cached_only=True)
    with _statements(session) as seen:
        for url in (_url("revocation"), f"{BASE}/orgs/acme/did.json", f"{BASE}/credentials/x"):
            with pytest.raises(FetchError) as caught:
                cold.fetch(url)
            assert caught.value.code == "fetch_deferred"
    assert seen == [] and cold.missed
    LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(
        _url("revocation")
    )  # signs and stores
    session.flush()
    LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache).fetch(
        _url("revocation")
    )  # caches the stored list
    warm = LocalDocuments(session, base_url=BASE, master_key=MASTER, cache=cache, cached_only=True)
    with _statements(session) as seen:
        assert json.loads(warm.fetch(_url("revocation")))["type"][1] == (
            "BitstringStatusListCredential"
        )
        with pytest.raises(FetchError):  # the suspension list is not signed yet: a write
            warm.fetch(_url("suspension"))
    assert seen == [] and warm.missed
