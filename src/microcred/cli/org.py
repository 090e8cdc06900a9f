"""``microcred org``: organisations (issuers), their members and signing keys."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from microcred.accounts import keys as org_keys
from microcred.accounts import service
from microcred.accounts.types import Actor
from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.errors import NotFound

__all__ = ["app"]

app = typer.Typer(help="Manage organisations (issuers).", no_args_is_help=True)
CLI_ACTOR = Actor.system("cli")


class DidMethod(StrEnum):
    web = "web"
    key = "key"


class Role(StrEnum):
    owner = "owner"
    issuer = "issuer"
    assessor = "assessor"
    viewer = "viewer"


def _master_key(settings: Settings) -> bytes:
    return settings.master_key.get_secret_value().encode("utf-8")


@app.command("create")
def create(
    slug: Annotated[str, typer.Argument(help="Short name used in URLs, e.g. acme-academy.")],
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    did_method: Annotated[
        DidMethod,
        typer.Option("--did-method", help="did:web (served by this app) or did:key (no domain)."),
    ] = DidMethod.web,
    url: Annotated[str | None, typer.Option("--url", help="The organisation's website.")] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Email of an existing user to make owner.")
    ] = None,
) -> None:
    """Create an organisation with its first signing key; prints its DID."""
    settings = Settings.load()
    with database_session(settings) as session:
        owner_user = None
        if owner is not None:
            owner_user = service.get_user_by_email(session, owner)
            if owner_user is None:
                raise NotFound(
                    f"No user {owner!r}; create it with `microcred user create {owner}`.",
                    code="user_not_found",
                )
        org = service.create_organisation(
            session,
            slug=slug,
            name=name,
            base_url=settings.public_base_url,
            did_method=did_method.value,
            master_key=_master_key(settings),
            actor=CLI_ACTOR,
            owner=owner_user,
            url=url,
        )
        did = org.did
    typer.echo(did)


@app.command("add-member")
def add_member(
    slug: Annotated[str, typer.Argument(help="The organisation.")],
    email: Annotated[str, typer.Argument(help="An existing user's email.")],
    role: Annotated[Role, typer.Option("--role", help="The role to give.")] = Role.viewer,
) -> None:
    """Give a user a role in an organisation (or change it)."""
    settings = Settings.load()
    with database_session(settings) as session:
        org = service.get_organisation(session, slug)
        user = service.get_user_by_email(session, email)
        if user is None:
            raise NotFound(
                f"No user {email!r}; create it with `microcred user create {email}`.",
                code="user_not_found",
            )
        service.add_member(session, organisation=org, user=user, role=role.value, actor=CLI_ACTOR)
    typer.echo(f"{email} is now {role.value} of {slug}")


@app.command("rotate-key")
def rotate_key(slug: Annotated[str, typer.Argument(help="The organisation.")]) -> None:
    """Make a new signing key; old keys stay in the DID document. Prints the new key id."""
    settings = Settings.load()
    with database_session(settings) as session:
        org = service.get_organisation(session, slug)
        key = org_keys.rotate_key(session, org, master_key=_master_key(settings), actor=CLI_ACTOR)
        key_id = key.key_id
    typer.echo(key_id)
