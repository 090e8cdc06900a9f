"""Background work of the issuing domain, as plain functions that take ids and
collaborators. :mod:`microcred.jobs` registers them with the job runner (procrastinate on
PostgreSQL, a thread on SQLite). Each is idempotent: its durable state lives in tables, so
running it twice, or after a crash, does each piece of work once.

* :func:`issue_batch` — issue the pending rows of a bulk batch;
* :func:`deliver_mail` — send the pending outbox messages;
* :func:`sweep` — find work left behind (queued or running batches, pending mail) and do
  it; runs periodically as a safety net for jobs lost between commit and enqueue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from microcred.issuing import bulk
from microcred.issuing.claims import DEFAULT_CLAIM_TTL
from microcred.issuing.delivery import MailSettings, deliver_pending
from microcred.issuing.models import BulkBatch
from microcred.issuing.types import BatchCounts
from microcred.storage import transaction

__all__ = ["TaskContext", "deliver_mail", "issue_batch", "sweep"]


@dataclass
class TaskContext:
    """What the tasks need, built once per process by the job runner."""

    session_factory: sessionmaker[Session]
    base_url: str
    master_key: bytes
    mail: MailSettings
    claim_ttl: timedelta = DEFAULT_CLAIM_TTL
    chunk_size: int = bulk.DEFAULT_CHUNK
    #: Signing processes for bulk batches (None: every core; small batches use one).
    workers: int | None = None
    #: Test seam for bulk runs (see :func:`microcred.issuing.bulk.run_batch`).
    after_row: Callable[[int], None] | None = field(default=None, repr=False)
    #: Whether tasks may read documents over HTTPS (``MICROCRED_ALLOW_NETWORK``).
    allow_network: bool = False
    #: Consumed trust registries are read again when older than this (None: never on a
    #: schedule); see :mod:`microcred.jobs.trust`.
    trust_refresh: timedelta | None = None


def issue_batch(context: TaskContext, batch_id: int) -> BatchCounts:
    counts = bulk.run_batch(
        context.session_factory,
        batch_id,
        base_url=context.base_url,
        master_key=context.master_key,
        claim_ttl=context.claim_ttl,
        chunk_size=context.chunk_size,
        workers=context.workers,
        after_row=context.after_row,
    )
    deliver_mail(context)
    return counts


def deliver_mail(context: TaskContext) -> int:
    return deliver_pending(context.session_factory, context.mail)


def sweep(context: TaskContext) -> None:
    with transaction(context.session_factory) as session:
        ids = list(
            session.scalars(
                select(BulkBatch.id)
                .where(BulkBatch.status.in_(("queued", "running")))
                .order_by(BulkBatch.id)
            )
        )
    for batch_id in ids:
        bulk.run_batch(
            context.session_factory,
            batch_id,
            base_url=context.base_url,
            master_key=context.master_key,
            claim_ttl=context.claim_ttl,
            chunk_size=context.chunk_size,
            workers=context.workers,
        )
    deliver_mail(context)
