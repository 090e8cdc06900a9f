"""Background jobs: procrastinate on PostgreSQL, an in-process thread on SQLite.

Both run the same task functions (:mod:`microcred.issuing.tasks`), which take ids and keep
their durable state in tables, so they are idempotent and a lost or repeated job is
harmless. Jobs are enqueued after the transaction that created the work commits; a
periodic ``sweep`` picks up anything left behind.

* :class:`JobRunner` — the protocol: ``enqueue(task_name, **kwargs)``;
* :class:`InProcessRunner` — a daemon thread with a queue (SQLite);
* :class:`InlineRunner` — runs the task at once in the caller's thread (CLI, tests);
* :class:`ProcrastinateRunner` — defers to procrastinate (PostgreSQL);
* :func:`build_runner`, :func:`task_context` — built from Settings by entry points;
* :func:`run_worker` — what ``microcred worker`` runs.
"""

from microcred.jobs.runner import (
    TASK_NAMES,
    InlineRunner,
    InProcessRunner,
    JobRunner,
    ProcrastinateRunner,
    build_runner,
    run_task,
    task_context,
)
from microcred.jobs.worker import build_procrastinate_app, libpq_conninfo, run_worker

__all__ = [
    "TASK_NAMES",
    "InProcessRunner",
    "InlineRunner",
    "JobRunner",
    "ProcrastinateRunner",
    "build_procrastinate_app",
    "build_runner",
    "libpq_conninfo",
    "run_task",
    "run_worker",
    "task_context",
]
