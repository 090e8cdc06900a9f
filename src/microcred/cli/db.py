"""``microcred db``: the database schema; and the session helper every CLI command uses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from microcred.config import Settings
from microcred.errors import Unavailable
from microcred.storage import create_engine, session_factory, transaction
from microcred.storage.migrate import upgrade as run_upgrade

__all__ = ["app", "database_session"]

app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)


@contextmanager
def database_session(settings: Settings) -> Iterator[Session]:
    """A session in a transaction on the configured database (committed on success)."""
    engine = create_engine(settings.resolved_database_url)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    except OperationalError as exc:
        raise Unavailable(
            f"The database at {engine.url.render_as_string(hide_password=True)} cannot be "
            f"used: {exc.orig}. Check MICROCRED_DATABASE_URL and run `microcred db upgrade`.",
            code="database_unavailable",
        ) from None
    finally:
        engine.dispose()


@app.command("upgrade")
def upgrade() -> None:
    """Create or migrate the database schema to the newest version."""
    settings = Settings.load()
    engine = create_engine(settings.resolved_database_url)
    try:
        run_upgrade(engine, "heads")
    except OperationalError as exc:
        raise Unavailable(
            f"Cannot migrate {engine.url.render_as_string(hide_password=True)}: {exc.orig}. "
            "Check MICROCRED_DATABASE_URL.",
            code="database_unavailable",
        ) from None
    finally:
        engine.dispose()
    typer.echo(f"Database is up to date ({engine.url.render_as_string(hide_password=True)}).")
