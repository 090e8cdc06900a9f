"""Signing bulk awards on every core: credential documents built and signed in worker
processes, everything else (status indexes, storage) in the calling process.

* :class:`SigningSetup` — what every document of a batch shares (issuer, achievement,
  title, base URL) and the organisation's decrypted signing key. It goes to each worker
  **once**, as the argument of the pool initializer, over the pipe multiprocessing uses
  to start the process (never a file); workers hold it in memory only.
* :class:`RowSpec` — one row with everything decided by the main process: public id,
  identity salt, status list entries and the issuing time. A worker only turns it into a
  signed credential (:func:`sign_rows`), so a worker never touches the database.
* :class:`PoolSigner` — a :class:`concurrent.futures.ProcessPoolExecutor` (``forkserver``
  where available, so workers start clean even when the caller runs threads) whose
  workers exit by themselves when the process that started them dies (``kill -9``);
  :class:`InlineSigner` — the same work in the calling process (small batches, one core).
* :func:`allocate_block` — ``count`` consecutive status indexes with one atomic
  ``UPDATE ... SET next_index = next_index + count`` per list touched.

:func:`credential_document` builds the same document as
:func:`microcred.issuing.service.issue` (a test compares the two).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from microcred.catalogue.achievement import CREDENTIAL_CONTEXTS
from microcred.credentials.keys import KeyFile, KeyPair
from microcred.credentials.model import IdentityObject, hash_identity
from microcred.credentials.proofs import sign
from microcred.credentials.proofs.datetimes import format_datetime
from microcred.credentials.status import status_entry
from microcred.errors import MicrocredError, Unavailable
from microcred.issuing import status as status_lists
from microcred.issuing.fields import check_did, check_email, check_text, check_valid_until
from microcred.issuing.models import StatusList
from microcred.issuing.service import _evidence_json, credential_url
from microcred.issuing.types import EvidenceInput

__all__ = [
    "Block",
    "InlineSigner",
    "PoolSigner",
    "RowSpec",
    "Signed",
    "Signer",
    "SigningSetup",
    "allocate_block",
    "available_cores",
    "credential_document",
    "indexes",
    "sign_rows",
]


@dataclass(frozen=True)
class SigningSetup:
    """Shared by every credential of a batch; sent once to each worker."""

    algorithm: str
    secret: bytes
    key_id: str
    controller: str
    base_url: str
    org_slug: str
    title: str
    issuer: dict[str, Any]
    achievement: dict[str, Any]

    @classmethod
    def create(
        cls,
        key: KeyFile,
        *,
        base_url: str,
        org_slug: str,
        title: str,
        issuer: dict[str, Any],
        achievement: dict[str, Any],
    ) -> SigningSetup:
        return cls(
            algorithm=key.algorithm,
            secret=key.key.secret_bytes,
            key_id=key.id,
            controller=key.controller,
            base_url=base_url,
            org_slug=org_slug,
            title=title,
            issuer=issuer,
            achievement=achievement,
        )

    def key_file(self) -> KeyFile:
        return KeyFile(
            key=KeyPair.from_secret_bytes(self.algorithm, self.secret),
            id=self.key_id,
            controller=self.controller,
        )

    def __repr__(self) -> str:  # never print the secret
        return f"SigningSetup(key_id={self.key_id!r}, org_slug={self.org_slug!r})"


@dataclass(frozen=True)
class RowSpec:
    """One credential to build and sign (decided by the main process)."""

    row_id: int
    external_id: str
    public_id: str
    when: datetime
    revocation: tuple[int, int, int]  # (list id, list sequence, index)
    suspension: tuple[int, int, int]
    email: str | None = None
    did: str | None = None
    name: str | None = None
    salt: str | None = None
    result: str | None = None
    evidence_url: str | None = None
    evidence_narrative: str | None = None
    valid_until: datetime | None = None


@dataclass(frozen=True)
class Signed:
    """A worker's answer for one row: the signed JSON text, or why it could not be built."""

    row_id: int
    credential_json: str | None = None
    valid_until: datetime | None = None
    error: str | None = None


def credential_document(
    setup: SigningSetup, spec: RowSpec
) -> tuple[dict[str, Any], datetime | None]:
    """The unsigned OB 3.0 credential for ``spec`` (as :func:`service.issue` builds it)
    and its checked ``validUntil``. Raises :class:`MicrocredError` for a bad value."""
    when = spec.when
    email = check_email(spec.email, field="recipient_email") if spec.email else None
    did = check_did(spec.did, field="recipient_did") if spec.did else None
    name = (
        check_text(spec.name, field="recipient_name", max_length=200) or None if spec.name else None
    )
    res = check_text(spec.result, field="result", max_length=200) or None if spec.result else None
    until = check_valid_until(spec.valid_until, now=when) if spec.valid_until is not None else None
    items = []
    if spec.evidence_url or spec.evidence_narrative:
        items.append(
            _evidence_json(EvidenceInput(url=spec.evidence_url, narrative=spec.evidence_narrative))
        )
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if did:
        subject["id"] = did
    identifiers: list[dict[str, Any]] = []
    salt = spec.salt
    if email and salt:
        identifiers.append(IdentityObject.for_email(email, salt).to_json())
    if name and salt:
        identifiers.append(
            IdentityObject(
                identity_hash=hash_identity(name, salt), identity_type="name", salt=salt
            ).to_json()
        )
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = setup.achievement
    if res:
        subject["result"] = [{"type": ["Result"], "value": res}]
    document: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_url(setup.base_url, spec.public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": setup.title,
        "issuer": setup.issuer,
        "validFrom": format_datetime(when),
    }
    if until is not None:
        document["validUntil"] = format_datetime(until)
    document["awardedDate"] = format_datetime(when)
    document["credentialSubject"] = subject
    if items:
        document["evidence"] = items
    document["credentialStatus"] = [
        status_entry(
            list_url=status_lists.list_url(
                setup.base_url, setup.org_slug, "revocation", spec.revocation[1]
            ),
            index=spec.revocation[2],
            purpose="revocation",
        ),
        status_entry(
            list_url=status_lists.list_url(
                setup.base_url, setup.org_slug, "suspension", spec.suspension[1]
            ),
            index=spec.suspension[2],
            purpose="suspension",
        ),
    ]
    return document, until


def _sign_one(setup: SigningSetup, key: KeyFile, spec: RowSpec) -> Signed:
    try:
        document, until = credential_document(setup, spec)
        signed = sign(document, key.key, verification_method=key.id, created=spec.when)
    except MicrocredError as exc:
        return Signed(row_id=spec.row_id, error=exc.message[:2000])
    return Signed(
        row_id=spec.row_id, credential_json=status_lists.dump_json(signed), valid_until=until
    )


# -- worker processes ---------------------------------------------------------------------

_setup: SigningSetup | None = None
_key: KeyFile | None = None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii")
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _watch(owner: int) -> None:
    while True:
        time.sleep(0.25)
        if not _alive(owner):
            os._exit(1)  # the process that started the pool is gone (e.g. kill -9): stop too


def _init_worker(setup: SigningSetup, owner: int) -> None:
    """Pool initializer: keep the setup and the key in this process's memory, and exit
    when ``owner`` (the process that started the pool) dies."""
    global _setup, _key  # noqa: PLW0603 - per-process worker state
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    _setup = setup
    _key = setup.key_file()
    threading.Thread(target=_watch, args=(owner,), daemon=True).start()


def sign_rows(specs: Sequence[RowSpec]) -> list[Signed]:
    """Worker entry point: build and sign each row with the setup from the initializer."""
    if _setup is None or _key is None:
        raise RuntimeError("sign_rows runs in a worker started with _init_worker")
    return [_sign_one(_setup, _key, spec) for spec in specs]


class Signer(Protocol):
    """Signs chunks of rows, possibly in other processes."""

    def submit(self, specs: Sequence[RowSpec]) -> Future[list[Signed]]: ...

    def close(self) -> None: ...


class InlineSigner:
    """Signs in the calling process (a finished future per chunk)."""

    capacity = 1

    def __init__(self, setup: SigningSetup) -> None:
        self._setup = setup
        self._key = setup.key_file()

    def submit(self, specs: Sequence[RowSpec]) -> Future[list[Signed]]:
        future: Future[list[Signed]] = Future()
        future.set_result([_sign_one(self._setup, self._key, spec) for spec in specs])
        return future

    def close(self) -> None:
        return None

    def __enter__(self) -> InlineSigner:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["microcred.issuing.parallel"])
        return context
    return multiprocessing.get_context("spawn")


class PoolSigner:
    """Signs in ``workers`` processes; ``capacity`` chunks may be in flight at once."""

    def __init__(self, setup: SigningSetup, *, workers: int) -> None:
        self.workers = workers
        self.capacity = 2 * workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(setup, os.getpid()),
        )

    def submit(self, specs: Sequence[RowSpec]) -> Future[list[Signed]]:
        return self._pool.submit(sign_rows, list(specs))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PoolSigner:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def available_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


# -- status indexes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """Consecutive indexes ``start .. start + count - 1`` of one status list."""

    list_id: int
    sequence: int
    start: int
    count: int


_MAX_ATTEMPTS = 50


def allocate_block(
    session: Session, *, organisation_id: int, purpose: str, count: int, size: int
) -> list[Block]:
    """Take ``count`` status indexes of the organisation's ``purpose`` lists: one atomic
    ``UPDATE ... SET next_index = next_index + n WHERE next_index + n <= size RETURNING``
    per list touched (usually one; two when the current list fills up). Indexes taken by
    a transaction that commits but whose credentials are never stored (a crash between
    allocation and storage) stay unused: gaps, never reused."""
    blocks: list[Block] = []
    remaining = count
    for _ in range(_MAX_ATTEMPTS):
        if remaining == 0:
            return blocks
        current = session.execute(
            select(StatusList.id, StatusList.sequence, StatusList.size - StatusList.next_index)
            .where(
                StatusList.organisation_id == organisation_id,
                StatusList.purpose == purpose,
                StatusList.next_index < StatusList.size,
            )
            .order_by(StatusList.sequence)
            .limit(1)
        ).one_or_none()
        if current is None:
            # No list with room: the one-index allocator creates the next list.
            status_list, index = status_lists.allocate(
                session, organisation_id=organisation_id, purpose=purpose, size=size
            )
            blocks.append(Block(status_list.id, status_list.sequence, index, 1))
            remaining -= 1
            continue
        list_id, sequence, room = current
        take = min(remaining, int(room))
        end = session.execute(
            update(StatusList)
            .where(StatusList.id == list_id, StatusList.next_index + take <= StatusList.size)
            .values(next_index=StatusList.next_index + take)
            .returning(StatusList.next_index)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if end is None:
            continue  # a concurrent issuer took some of the room meanwhile; look again
        blocks.append(Block(list_id, sequence, end - take, take))
        remaining -= take
    if remaining == 0:
        return blocks
    raise Unavailable(
        f"Could not allocate {count} {purpose} status indexes; the database is very busy, "
        "try again.",
        code="status_allocation_failed",
    )


def indexes(blocks: Sequence[Block]) -> list[tuple[int, int, int]]:
    """Every ``(list id, sequence, index)`` of ``blocks``, in order."""
    return [
        (block.list_id, block.sequence, block.start + i)
        for block in blocks
        for i in range(block.count)
    ]
