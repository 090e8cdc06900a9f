"""procrastinate: the app, its tasks (thin wrappers around :mod:`microcred.issuing.tasks`),
and the worker that ``microcred worker`` runs."""

from __future__ import annotations

from typing import Any

import procrastinate
from sqlalchemy.engine import make_url

from microcred.issuing import tasks
from microcred.jobs.trust import refresh_registries

__all__ = ["QUEUE", "blueprint", "build_procrastinate_app", "libpq_conninfo", "run_worker"]

QUEUE = "microcred"
CONTEXT_KEY = "microcred"


def _context(job_context: procrastinate.JobContext) -> tasks.TaskContext:
    context = job_context.additional_context[CONTEXT_KEY]
    assert isinstance(context, tasks.TaskContext)
    return context


def blueprint() -> procrastinate.Blueprint:
    """A fresh blueprint with the microcred tasks (procrastinate renames tasks when they
    are added to an app, so every app gets its own)."""
    bp = procrastinate.Blueprint()

    @bp.task(name="issue_batch", queue=QUEUE, pass_context=True)
    def issue_batch(job_context: procrastinate.JobContext, batch_id: int) -> None:
        tasks.issue_batch(_context(job_context), batch_id)

    @bp.task(name="deliver_mail", queue=QUEUE, pass_context=True)
    def deliver_mail(job_context: procrastinate.JobContext) -> None:
        tasks.deliver_mail(_context(job_context))

    @bp.periodic(cron="*/5 * * * *")
    @bp.task(name="sweep", queue=QUEUE, pass_context=True)
    def sweep(job_context: procrastinate.JobContext, timestamp: int | None = None) -> None:
        del timestamp
        tasks.sweep(_context(job_context))

    @bp.periodic(cron="17 * * * *")
    @bp.task(name="refresh_registries", queue=QUEUE, pass_context=True)
    def refresh_trust_registries(
        job_context: procrastinate.JobContext, timestamp: int | None = None
    ) -> None:
        del timestamp
        refresh_registries(_context(job_context))

    return bp


def libpq_conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` -> ``postgresql://``)."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def build_procrastinate_app(database_url: str, **pool_kwargs: Any) -> procrastinate.App:
    """A procrastinate App on the database (``pool_kwargs`` go to the connection pool,
    e.g. ``kwargs={"options": "-csearch_path=..."}``)."""
    connector = procrastinate.PsycopgConnector(conninfo=libpq_conninfo(database_url), **pool_kwargs)
    app = procrastinate.App(connector=connector)
    app.add_tasks_from(blueprint(), namespace="microcred")
    return app


def ensure_schema(app: procrastinate.App) -> None:
    """Create procrastinate's tables if they are missing (first start of a worker)."""
    connector = app.connector.get_sync_connector()
    row = connector.execute_query_one(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
    )
    if not row["present"]:
        app.schema_manager.apply_schema()


def run_worker(
    app: procrastinate.App, context: tasks.TaskContext, *, wait: bool = True, **options: Any
) -> None:
    """Run procrastinate's worker on the microcred queue until stopped (``wait=False``:
    until the queue is empty)."""
    app.run_worker(
        queues=[QUEUE],
        wait=wait,
        additional_context={CONTEXT_KEY: context},
        **options,
    )
