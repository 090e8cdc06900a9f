"""Job runners: where ``enqueue("issue_batch", batch_id=42)`` goes."""

from __future__ import annotations

import logging
import queue
import threading
from datetime import timedelta
from typing import Any, Protocol

import procrastinate
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from microcred.config import Settings
from microcred.errors import InvalidInput, MicrocredError
from microcred.issuing import tasks
from microcred.issuing.delivery import MailSettings
from microcred.jobs.trust import refresh_registries

__all__ = [
    "TASK_NAMES",
    "InProcessRunner",
    "InlineRunner",
    "JobRunner",
    "ProcrastinateRunner",
    "build_runner",
    "run_task",
    "task_context",
]

logger = logging.getLogger("microcred.jobs")

TASK_NAMES = ("issue_batch", "deliver_mail", "sweep", "refresh_registries")


class JobRunner(Protocol):
    """Runs a named task with keyword arguments (ids), some time after the call."""

    def enqueue(self, task_name: str, **kwargs: Any) -> None: ...


def task_context(settings: Settings, factory: sessionmaker[Session]) -> tasks.TaskContext:
    """The tasks' collaborators, from settings."""
    return tasks.TaskContext(
        session_factory=factory,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
        mail=MailSettings(
            sender=settings.mail_from,
            outbox_dir=settings.outbox_dir,
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
        ),
        allow_network=settings.allow_network,
        trust_refresh=(
            timedelta(hours=settings.trust_refresh_hours) if settings.trust_refresh_hours else None
        ),
    )


def run_task(context: tasks.TaskContext, task_name: str, **kwargs: Any) -> None:
    """Run one task now, in this thread."""
    if task_name == "issue_batch":
        tasks.issue_batch(context, int(kwargs["batch_id"]))
    elif task_name == "deliver_mail":
        tasks.deliver_mail(context)
    elif task_name == "sweep":
        tasks.sweep(context)
    elif task_name == "refresh_registries":
        refresh_registries(context)
    else:
        raise InvalidInput(f"Unknown task {task_name!r}; known: {', '.join(TASK_NAMES)}.")


class InlineRunner:
    """Runs each task at once in the calling thread (the CLI, tests)."""

    def __init__(self, context: tasks.TaskContext) -> None:
        self.context = context

    def enqueue(self, task_name: str, **kwargs: Any) -> None:
        run_task(self.context, task_name, **kwargs)


class InProcessRunner:
    """A daemon thread that runs enqueued tasks one at a time (SQLite deployments).

    Every ``poll_seconds`` without work it runs ``sweep``, which finishes batches and mail
    left behind (e.g. by a restart), and ``refresh_registries`` (only registries that are
    due are read). Errors are logged and the thread goes on.
    """

    def __init__(self, context: tasks.TaskContext, *, poll_seconds: float = 30.0) -> None:
        self.context = context
        self.poll_seconds = poll_seconds
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> InProcessRunner:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="microcred-jobs", daemon=True)
            self._thread.start()
        return self

    def enqueue(self, task_name: str, **kwargs: Any) -> None:
        if task_name not in TASK_NAMES:
            raise InvalidInput(f"Unknown task {task_name!r}.")
        self.start()
        self._queue.put((task_name, kwargs))

    def wait_idle(self) -> None:
        """Block until every enqueued task has run (tests, CLI)."""
        self._queue.join()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self.poll_seconds)
            except queue.Empty:
                self._run("sweep", {})
                self._run("refresh_registries", {})
                continue
            try:
                if item is None:
                    return
                self._run(*item)
            finally:
                self._queue.task_done()

    def _run(self, task_name: str, kwargs: dict[str, Any]) -> None:
        try:
            run_task(self.context, task_name, **kwargs)
        except (MicrocredError, SQLAlchemyError, OSError):
            logger.exception("job %s %s failed", task_name, kwargs)


class ProcrastinateRunner:
    """Defers tasks to procrastinate (PostgreSQL); ``microcred worker`` runs them."""

    def __init__(self, app: procrastinate.App) -> None:
        self.app = app

    def enqueue(self, task_name: str, **kwargs: Any) -> None:
        if task_name not in TASK_NAMES:
            raise InvalidInput(f"Unknown task {task_name!r}.")
        self.app.tasks[f"microcred:{task_name}"].defer(**kwargs)


def build_runner(settings: Settings, factory: sessionmaker[Session]) -> JobRunner:
    """procrastinate on PostgreSQL, else an in-process thread."""
    from microcred.jobs.worker import build_procrastinate_app  # noqa: PLC0415

    url = settings.resolved_database_url
    if url.startswith("postgresql"):
        app = build_procrastinate_app(url)
        app.open()
        return ProcrastinateRunner(app)
    return InProcessRunner(task_context(settings, factory)).start()
