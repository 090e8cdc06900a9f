"""``microcred pathways``: stacked-credential pathways and programmes (credit
articulation), and the auto-award sweep (``evaluate``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from microcred.accounts import service as accounts
from microcred.catalogue.access import OPERATOR
from microcred.cli.db import database_session
from microcred.cli.output import read_bytes
from microcred.config import Settings
from microcred.errors import InvalidInput
from microcred.issuing.documents import LocalDocuments
from microcred.pathways import service, stacking
from microcred.pathways.articulation import programme_items
from microcred.pathways.models import Pathway, Programme
from microcred.verification.fetching import HttpsFetcher

__all__ = ["app"]

app = typer.Typer(help="Pathways (stacked credentials) and programmes.", no_args_is_help=True)


def _split(ref: str) -> tuple[str, str]:
    org, sep, slug = ref.partition("/")
    if not sep or not org or not slug or "/" in slug:
        raise InvalidInput(
            f"{ref!r} is not ORG/SLUG; for example `microcred pathways show acme/data-eng`.",
            code="invalid_reference",
        )
    return org, slug


def _json_file(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(read_bytes(path))
    except ValueError as exc:
        raise InvalidInput(f"{path} is not JSON: {exc}", code="invalid_json") from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{path} must hold a JSON object.", code="invalid_json")
    return value


@app.command("list")
def list_(org: Annotated[str | None, typer.Option("--org")] = None) -> None:
    """List pathways (ORG/SLUG, status, stacked definition, title)."""
    with database_session(Settings.load()) as session:
        query = select(Pathway).order_by(Pathway.organisation_id, Pathway.slug)
        if org is not None:
            query = query.where(
                Pathway.organisation_id == accounts.get_organisation(session, org).id
            )
        for p in session.scalars(query):
            typer.echo(
                f"{p.organisation.slug}/{p.slug}\t{p.status}\t{p.definition.slug}\t{p.title}"
            )


@app.command("show")
def show(ref: str) -> None:
    """Print a pathway as JSON (with its rule tree)."""
    org, slug = _split(ref)
    with database_session(Settings.load()) as session:
        p = service.get_pathway(session, accounts.get_organisation(session, org), slug)
        typer.echo(
            json.dumps(
                {
                    "slug": p.slug,
                    "title": p.title,
                    "description": p.description,
                    "definition": p.definition.slug,
                    "status": p.status,
                    "rules": p.rules,
                    "awards": service.pathway_award_count(session, p),
                },
                indent=2,
            )
        )


@app.command("create")
def create(
    org: Annotated[str, typer.Option("--org")],
    file: Annotated[Path, typer.Option("--file", help="JSON: slug, title, definition, rules")],
) -> None:
    """Define a pathway from a JSON file (the rules are validated)."""
    data = _json_file(file)
    with database_session(Settings.load()) as session:
        p = service.create_pathway(
            session,
            organisation=accounts.get_organisation(session, org),
            slug=str(data.get("slug", "")),
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            definition=str(data.get("definition", "")),
            rules=data.get("rules"),
            principal=OPERATOR,
        )
        typer.echo(f"Created pathway {org}/{p.slug}")


@app.command("retire")
def retire(ref: str) -> None:
    """Retire a pathway (no more auto-awards; awards made stay)."""
    org, slug = _split(ref)
    with database_session(Settings.load()) as session:
        service.update_pathway(
            session,
            organisation=accounts.get_organisation(session, org),
            slug=slug,
            principal=OPERATOR,
            status="retired",
        )
        typer.echo(f"Retired {ref}")


@app.command("evaluate")
def evaluate(
    user: Annotated[str | None, typer.Option("--user", help="Only this learner (e-mail).")] = None,
) -> None:
    """Award every stacked credential that learners now qualify for (idempotent)."""
    settings = Settings.load()
    master_key = settings.master_key.get_secret_value().encode("utf-8")
    with database_session(settings) as session:
        fetcher = LocalDocuments(
            session,
            base_url=settings.public_base_url,
            master_key=master_key,
            fallback=HttpsFetcher() if settings.allow_network else None,
        )
        summary = stacking.evaluate_all(
            session,
            base_url=settings.public_base_url,
            master_key=master_key,
            fetcher=fetcher,
            email=user,
        )
        for email, pathway, credential in summary.awarded:
            typer.echo(f"Awarded {pathway} to {email}: {credential}")
        typer.echo(f"Evaluated {summary.learners} learner(s); {len(summary.awarded)} awarded.")


@app.command("programmes")
def programmes(org: Annotated[str | None, typer.Option("--org")] = None) -> None:
    """List programmes with the definitions they recognise and for how many credits."""
    with database_session(Settings.load()) as session:
        query = select(Programme).order_by(Programme.organisation_id, Programme.slug)
        if org is not None:
            query = query.where(
                Programme.organisation_id == accounts.get_organisation(session, org).id
            )
        for p in session.scalars(query):
            typer.echo(f"{p.organisation.slug}/{p.slug}\t{p.total_credits:g} ECTS\t{p.title}")
            for item in programme_items(session, p):
                d = item.definition
                typer.echo(f"  {d.organisation.slug}/{d.slug}\t{item.credits:g} ECTS")


@app.command("programme-create")
def programme_create(
    org: Annotated[str, typer.Option("--org")],
    file: Annotated[
        Path,
        typer.Option(
            "--file", help="JSON: slug, title, total_credits, items [{definition, credits}]"
        ),
    ],
) -> None:
    """Define a programme from a JSON file."""
    data = _json_file(file)
    items = data.get("items", [])
    if not isinstance(items, list):
        raise InvalidInput("items must be a list.", code="invalid_programme_items")
    with database_session(Settings.load()) as session:
        p = service.create_programme(
            session,
            organisation=accounts.get_organisation(session, org),
            slug=str(data.get("slug", "")),
            title=str(data.get("title", "")),
            description=str(data.get("description", "")),
            total_credits=data.get("total_credits"),  # type: ignore[arg-type]
            items=service.item_inputs(items),
            principal=OPERATOR,
        )
        typer.echo(f"Created programme {org}/{p.slug}")
