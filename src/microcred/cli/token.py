"""``microcred token``: API tokens of organisations."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Annotated

import typer

from microcred.accounts import service
from microcred.accounts import tokens as api_tokens
from microcred.accounts.types import Actor
from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.storage import utcnow

__all__ = ["app"]

app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    scopes: Annotated[
        str, typer.Option("--scopes", help="Comma-separated: issue,revoke,verify,manage,read.")
    ],
    name: Annotated[str, typer.Option("--name", help="A label for the token.")] = "",
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", min=1, help="Days until it expires (default: setting)."),
    ] = None,
) -> None:
    """Create a token and print it once (it is stored only as a hash)."""
    settings = Settings.load()
    days = expires_days if expires_days is not None else settings.token_ttl_days
    with database_session(settings) as session:
        organisation = service.get_organisation(session, org)
        token, plain = api_tokens.create_token(
            session,
            organisation=organisation,
            scopes=api_tokens.parse_scopes(scopes),
            name=name,
            actor=Actor.system("cli"),
            expires_at=utcnow() + timedelta(days=days),
        )
        expires = token.expires_at
    sys.stderr.write(
        f"Token for {org} (scopes {scopes}, expires {expires:%Y-%m-%d}); "
        "store it now, it is not shown again:\n"
    )
    typer.echo(plain)
