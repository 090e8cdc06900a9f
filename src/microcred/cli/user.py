"""``microcred user``: user accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from microcred.accounts import service
from microcred.accounts.types import Actor
from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.errors import InvalidInput

__all__ = ["app"]

app = typer.Typer(help="Manage users.", no_args_is_help=True)


@app.command("create")
def create(
    email: Annotated[str, typer.Argument(help="The user's email address.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    admin: Annotated[bool, typer.Option("--admin", help="Make a platform admin.")] = False,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
) -> None:
    """Create a user (asks for the password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InvalidInput("The password is empty.", code="weak_password")
    settings = Settings.load()
    with database_session(settings) as session:
        user = service.create_user(
            session,
            email=email,
            password=password,
            display_name=name,
            platform_role="admin" if admin else None,
            actor=Actor.system("cli"),
        )
        address, user_id = user.email, user.id
    typer.echo(f"Created user {address} (id {user_id}){' as admin' if admin else ''}")
