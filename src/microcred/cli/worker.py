"""``microcred worker``: run background jobs (bulk batches, mail).

On PostgreSQL this runs procrastinate's worker (creating its tables on first start); on
SQLite it runs the same tasks in this process, sweeping for work every few seconds.
"""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from microcred.config import Settings
from microcred.jobs import build_procrastinate_app, run_task, run_worker, task_context
from microcred.jobs.worker import ensure_schema
from microcred.storage import create_engine, session_factory

__all__ = ["worker"]


def worker(
    once: Annotated[bool, typer.Option("--once", help="Do the pending work, then exit.")] = False,
    poll: Annotated[float, typer.Option("--poll", help="SQLite: seconds between sweeps.")] = 5.0,
) -> None:
    """Run the background job worker until stopped (Ctrl+C)."""
    settings = Settings.load()
    url = settings.resolved_database_url
    engine = create_engine(url)
    context = task_context(settings, session_factory(engine))
    try:
        if url.startswith("postgresql"):
            app = build_procrastinate_app(url)
            with app.open():
                ensure_schema(app)
            typer.echo("microcred worker: procrastinate on PostgreSQL, queue 'microcred'")
            run_worker(build_procrastinate_app(url), context, wait=not once)
            return
        typer.echo("microcred worker: in-process on SQLite")
        stop = threading.Event()
        while True:
            run_task(context, "sweep")
            if once or stop.wait(poll):
                return
    finally:
        engine.dispose()
