"""``microcred catalogue``: credential definitions (list, show, create, publish, retire)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from microcred.accounts import service as accounts
from microcred.catalogue import service
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.achievement import achievement_id
from microcred.catalogue.completeness import completeness
from microcred.catalogue.models import DefinitionVersion
from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.cli.db import database_session
from microcred.cli.output import read_bytes
from microcred.config import Settings
from microcred.errors import InvalidInput

__all__ = ["app"]

app = typer.Typer(help="Manage credential definitions.", no_args_is_help=True)


def _split(ref: str) -> tuple[str, str]:
    org, sep, slug = ref.partition("/")
    if not sep or not org or not slug or "/" in slug:
        raise InvalidInput(
            f"{ref!r} is not ORG/SLUG; for example `microcred catalogue show acme/py-101`.",
            code="invalid_reference",
        )
    return org, slug


def _line(version: DefinitionVersion) -> str:
    definition = version.definition
    return (
        f"{definition.organisation.slug}/{definition.slug}\tv{version.version}\t"
        f"{version.status}\t{version.title}"
    )


def _summary(version: DefinitionVersion) -> str:
    report = completeness(version)
    missing = ", ".join(element.key for element in report.missing) or "nothing"
    return f"completeness {report.score}% (missing: {missing})"


@app.command("list")
def list_(
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    q: Annotated[
        str | None, typer.Option("--q", help="Search the published catalogue for these words.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 100,
) -> None:
    """List definitions (latest version of each), or search the published catalogue."""
    settings = Settings.load()
    with database_session(settings) as session:
        if q is not None:
            page = search_catalogue(session, CatalogueQuery(q=q, provider=org, limit=limit))
            lines = [_line(version) for version in page.items]
        else:
            organisation = accounts.get_organisation(session, org) if org else None
            lines = [_line(v) for _, v in service.list_definitions(session, organisation)][:limit]
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo(
            "No definitions; create one with "
            "`microcred catalogue create --org ORG --file DEF.json`.",
            err=True,
        )


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(help="ORG/SLUG")],
    version: Annotated[int | None, typer.Option("--version", help="A version number.")] = None,
) -> None:
    """Show a definition's latest version (or --version N) as JSON, with its completeness."""
    org, slug = _split(ref)
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = accounts.get_organisation(session, org)
        if version is None:
            found = service.latest_version(
                session, service.get_definition(session, organisation, slug)
            )
        else:
            found = service.version_by_number(session, organisation, slug, version)
        output: dict[str, Any] = {
            "organisation": org,
            "slug": slug,
            "version": found.version,
            "status": found.status,
            "achievement_id": achievement_id(settings.public_base_url, org, slug, found.version),
            "fields": found.field_values(),
            "completeness": completeness(found).to_json(),
        }
    typer.echo(json.dumps(output, indent=2, ensure_ascii=False))


@app.command("create")
def create(
    org: Annotated[str, typer.Option("--org", help="The organisation.")],
    file: Annotated[
        Path, typer.Option("--file", help="JSON object: slug and the definition's fields.")
    ],
) -> None:
    """Create a definition (version 1, draft) from a JSON file."""
    try:
        data = json.loads(read_bytes(file, what="definition file"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file} is not valid JSON: {exc}.", code="invalid_json") from None
    if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
        raise InvalidInput(
            f'{file} must be a JSON object with a "slug" and the definition\'s fields.',
            code="invalid_definition_file",
        )
    slug = data.pop("slug")
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = accounts.get_organisation(session, org)
        version = service.create_definition(
            session, organisation=organisation, slug=slug, data=data, principal=OPERATOR
        )
        summary = _summary(version)
    typer.echo(f"Created {org}/{slug} v1 (draft); {summary}.")


@app.command("publish")
def publish(ref: Annotated[str, typer.Argument(help="ORG/SLUG")]) -> None:
    """Publish the latest draft of a definition."""
    org, slug = _split(ref)
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = accounts.get_organisation(session, org)
        version = service.publish(session, organisation=organisation, slug=slug, principal=OPERATOR)
        number = version.version
    typer.echo(
        f"Published {org}/{slug} v{number}: "
        f"{achievement_id(settings.public_base_url, org, slug, number)}"
    )


@app.command("retire")
def retire(ref: Annotated[str, typer.Argument(help="ORG/SLUG")]) -> None:
    """Take a definition out of the catalogue (issued credentials stay valid)."""
    org, slug = _split(ref)
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = accounts.get_organisation(session, org)
        version = service.retire(session, organisation=organisation, slug=slug, principal=OPERATOR)
        number = version.version
    typer.echo(f"Retired {org}/{slug} (was v{number}).")
