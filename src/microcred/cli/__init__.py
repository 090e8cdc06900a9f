"""The ``microcred`` command line.

Exit codes: 0 ok, 1 verification failed, 2 bad input, 3 unavailable.
Every :class:`~microcred.errors.MicrocredError` becomes one stderr line and its exit code;
no traceback reaches the user.
"""

from __future__ import annotations

import sys

import click
import typer

from microcred.errors import MicrocredError

__all__ = ["app", "main"]

app = typer.Typer(
    name="microcred",
    help="Micro-credentials as Open Badges 3.0 verifiable credentials.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    try:
        result = app(args=argv, standalone_mode=False)
    except MicrocredError as exc:
        sys.stderr.write(f"error [{exc.code}]: {exc.message}\n")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        sys.stderr.write("Aborted.\n")
        return 2
    except (click.ClickException, typer.exceptions.TyperException) as exc:
        # Usage errors (missing option, bad value) arrive here in non-standalone mode.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:  # pragma: no cover - every typer usage error has show()
            sys.stderr.write(f"error: {exc}\n")
        return 2
    return result if isinstance(result, int) else 0


def _entry() -> None:  # pragma: no cover - process entry
    sys.exit(main())


def _register() -> None:
    from microcred.cli import credential, demo, engine_demo, keys, status  # noqa: PLC0415

    app.add_typer(keys.app, name="keys")
    credential.app.command("demo")(engine_demo.run_demo)
    app.add_typer(credential.app, name="credential")
    app.add_typer(status.app, name="status")
    app.command("demo")(demo.demo)

    from microcred.cli import db, org, serve, token, user  # noqa: PLC0415

    app.add_typer(db.app, name="db")
    app.command("serve")(serve.serve)
    app.add_typer(org.app, name="org")
    app.add_typer(token.app, name="token")
    app.add_typer(user.app, name="user")

    from microcred.cli import catalogue, skills  # noqa: PLC0415

    app.add_typer(catalogue.app, name="catalogue")
    app.add_typer(skills.app, name="skills")

    from microcred.cli import assessment, award, worker  # noqa: PLC0415

    app.add_typer(award.app, name="award")
    app.add_typer(assessment.app, name="assessment")
    from microcred.cli import quality  # noqa: PLC0415

    app.add_typer(quality.app, name="trust")
    app.command("worker")(worker.worker)

    from microcred.cli import pathways  # noqa: PLC0415

    app.add_typer(pathways.app, name="pathways")


_register()
