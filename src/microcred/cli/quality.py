"""``microcred trust``: quality bodies, accreditations, trust registries, endorsements.

The operator at the command line acts for any organisation (like ``microcred catalogue``);
the web API and pages check roles.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.service import get_organisation
from microcred.accounts.types import Actor
from microcred.catalogue.access import OPERATOR
from microcred.cli.db import database_session
from microcred.cli.output import read_bytes, write_json
from microcred.config import Settings
from microcred.credentials.documents import Fetcher
from microcred.errors import InvalidInput, NotFound
from microcred.quality import accreditation, endorsements, registry, service
from microcred.quality.registry import parse_registry
from microcred.quality.trust import DatabaseTrust, StaticTrust, describe
from microcred.quality.types import TrustEntry, z
from microcred.verification.fetching import HttpsFetcher

__all__ = ["app", "load_trust_registries"]

app = typer.Typer(
    help="Quality assurance and trust: accreditation, trust registries, endorsements.",
    no_args_is_help=True,
)
CLI_ACTOR = Actor.system("cli")


def _master_key(settings: Settings) -> bytes:
    return settings.master_key.get_secret_value().encode("utf-8")


def _date(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{option} takes a date (YYYY-MM-DD) or an ISO 8601 time.", code="bad_option"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command("add-body")
def add_body(org: Annotated[str, typer.Argument(help="Organisation slug.")]) -> None:
    """Register an organisation as a quality body (it may then accredit providers)."""
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = get_organisation(session, org)
        service.add_quality_body(session, organisation, actor=CLI_ACTOR)
        typer.echo(f"{organisation.slug} is a quality body ({organisation.did})")


@app.command("accredit")
def accredit(
    provider: Annotated[str, typer.Argument(help="Slug of the provider to accredit.")],
    body: Annotated[str, typer.Option("--body", help="Slug of the accrediting quality body.")],
    scope: Annotated[str, typer.Option("--scope", help="What the accreditation covers.")],
    definitions: Annotated[
        list[str] | None, typer.Option("--definition", help="A definition slug covered.")
    ] = None,
    field_of_study: Annotated[str | None, typer.Option("--field-of-study")] = None,
    valid_from: Annotated[str | None, typer.Option("--valid-from", help="YYYY-MM-DD")] = None,
    valid_until: Annotated[str | None, typer.Option("--valid-until", help="YYYY-MM-DD")] = None,
    statement: Annotated[str, typer.Option("--statement", help="Public statement.")] = "",
) -> None:
    """Accredit a provider in a quality body's name; prints the accreditation id."""
    settings = Settings.load()
    with database_session(settings) as session:
        row = accreditation.accredit(
            session,
            principal=OPERATOR,
            body=get_organisation(session, body),
            provider=get_organisation(session, provider),
            scope=scope,
            definitions=definitions or [],
            field_of_study=field_of_study,
            valid_from=_date(valid_from, "--valid-from"),
            valid_until=_date(valid_until, "--valid-until"),
            statement=statement,
        )
        typer.echo(row.public_id)


@app.command("withdraw")
def withdraw(
    accreditation_id: Annotated[str, typer.Argument(help="The accreditation id.")],
    reason: Annotated[str, typer.Option("--reason")] = "",
) -> None:
    """Withdraw an accreditation."""
    settings = Settings.load()
    with database_session(settings) as session:
        accreditation.withdraw(
            session, principal=OPERATOR, public_id=accreditation_id, reason=reason
        )
        typer.echo(f"withdrawn {accreditation_id}")


@app.command("list")
def list_accreditations() -> None:
    """List accreditations (id, status, provider, body, scope, validity)."""
    settings = Settings.load()
    with database_session(settings) as session:
        for row in accreditation.list_accreditations(session):
            provider = session.get(Organisation, row.provider_id)
            body = session.get(Organisation, row.body_id)
            typer.echo(
                f"{row.public_id}  {row.status:<9} {provider.slug if provider else '?'} "
                f"by {body.slug if body else '?'}  {z(row.valid_from)}..{z(row.valid_until) or ''}"
                f"  {row.scope}"
            )


@app.command("export")
def export(
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    signed: Annotated[
        bool, typer.Option("--signed", help="The signed TrustRegistryCredential.")
    ] = False,
) -> None:
    """Print (or write) this platform's trust registry, as JSON or as a signed credential."""
    settings = Settings.load()
    with database_session(settings) as session:
        publisher = service.registry_publisher(session)
        if signed:
            if publisher is None:
                raise NotFound(
                    "No quality body yet; add one with `microcred trust add-body ORG`.",
                    code="no_registry_publisher",
                )
            doc = registry.registry_credential(
                session,
                base_url=settings.public_base_url,
                publisher=publisher,
                key=org_keys.signing_key(session, publisher, _master_key(settings)),
            )
        else:
            doc = registry.registry_json(
                session, base_url=settings.public_base_url, publisher=publisher
            )
    if out is None:
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        write_json(out, doc)


@app.command("add-registry")
def add_registry(
    location: Annotated[str, typer.Argument(help="https URL or file of a trust registry.")],
    name: Annotated[str | None, typer.Option("--name")] = None,
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help="DID that must sign it (signed registries only)."),
    ] = None,
) -> None:
    """Consume a trust registry (microcred JSON, its signed form, or the DCC issuer
    registry); reads it now and on every `microcred trust refresh`."""
    settings = Settings.load()
    with database_session(settings) as session:
        row = registry.add_registry(
            session, location, actor=CLI_ACTOR, name=name, expected_publisher=publisher
        )
        registry.refresh_registry(session, row, fetcher=_fetcher(settings))
        typer.echo(
            f"{row.id}  {row.name}: {row.format or '?'}, {row.entry_count} issuers"
            + (f" (error: {row.last_error})" if row.last_error else "")
        )


@app.command("refresh")
def refresh(
    due: Annotated[
        bool,
        typer.Option(
            "--due",
            help="Only registries last read more than MICROCRED_TRUST_REFRESH_HOURS ago "
            "(what the job worker does every hour).",
        ),
    ] = False,
) -> None:
    """Read every configured registry again (or only those that are due)."""
    settings = Settings.load()
    with database_session(settings) as session:
        if due:
            age = timedelta(hours=settings.trust_refresh_hours)
            rows = list(registry.due_registries(session, max_age=age))
            if not rows:
                typer.echo("No registry is due.")
        else:
            rows = list(registry.list_registries(session))
        for row in rows:
            registry.refresh_registry(session, row, fetcher=_fetcher(settings))
            typer.echo(
                f"{row.id}  {row.name}: {row.entry_count} issuers"
                + (f" (error: {row.last_error})" if row.last_error else "")
            )


@app.command("registries")
def registries() -> None:
    """List the configured registries."""
    settings = Settings.load()
    with database_session(settings) as session:
        for row in registry.list_registries(session):
            typer.echo(
                f"{row.id}  {row.name}  {row.location}  {row.format or '?'}  "
                f"{row.entry_count} issuers  {z(row.refreshed_at) or 'never read'}"
            )


@app.command("lookup")
def lookup(did: Annotated[str, typer.Argument(help="An issuer DID.")]) -> None:
    """Who vouches for an issuer: accreditations here and the consumed registries."""
    settings = Settings.load()
    with database_session(settings) as session:
        entries = DatabaseTrust(session, base_url=settings.public_base_url).entries_for(did)
    if not entries:
        typer.echo(f"{did}: unknown (no registry lists it)")
        raise typer.Exit(1)
    for entry in entries:
        typer.echo(f"{did}: {describe(entry)}")


@app.command("endorse")
def endorse(
    endorser: Annotated[str, typer.Option("--by", help="Slug of the endorsing organisation.")],
    target: Annotated[
        str, typer.Argument(help="A provider slug, or PROVIDER/DEFINITION for a definition.")
    ],
    comment: Annotated[str, typer.Option("--comment", help="Why you endorse it.")],
) -> None:
    """Sign and store an EndorsementCredential; prints its URL."""
    settings = Settings.load()
    organisation, _, definition = target.partition("/")
    with database_session(settings) as session:
        row = endorsements.endorse(
            session,
            principal=OPERATOR,
            endorser=get_organisation(session, endorser),
            target_type="definition" if definition else "organisation",
            organisation=organisation,
            definition=definition or None,
            comment=comment,
            base_url=settings.public_base_url,
            master_key=_master_key(settings),
        )
        typer.echo(row.credential_id)


def _fetcher(settings: Settings) -> Fetcher | None:
    return HttpsFetcher() if settings.allow_network else None


def load_trust_registries(locations: list[str], fetcher: Fetcher) -> StaticTrust:
    """The CLI's offline trust lookup (``credential verify --trust-registry``): registry
    files, or URLs read through ``fetcher``; signed ones are verified with it."""
    entries: list[TrustEntry] = []
    for location in locations:
        if location.startswith(("https://", "http://")):
            data = registry.read_location(location, fetcher)
        else:
            data = read_bytes(Path(location), what="trust registry")
        entries.extend(parse_registry(data, label=location, fetcher=fetcher).entries)
    return StaticTrust(entries)
