"""``microcred demo``: load the platform demo data (providers, definitions, learners,
awards, one revoked) into the configured database. Running it twice changes nothing.

The credential engine's offline demo is ``microcred credential demo``.
"""

from __future__ import annotations

import typer

from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.demo import load_demo_data

__all__ = ["demo"]


def demo() -> None:
    """Load demo providers, ESCO-aligned definitions, learners and awards (idempotent).

    Run `microcred db upgrade` first. Every demo user's password is printed; the data is
    for trying microcred out, never for production.
    """
    settings = Settings.load()
    base = settings.public_base_url
    with database_session(settings) as session:
        summary = load_demo_data(
            session,
            base_url=base,
            master_key=settings.master_key.get_secret_value().encode("utf-8"),
        )
    if summary.changed:
        typer.echo(f"Demo data loaded ({summary.created} objects created).")
    else:
        typer.echo("Demo data already loaded; nothing changed.")
    typer.echo(f"\nDemo users (password for all: {summary.password}):")
    for email, role in summary.users:
        typer.echo(f"  {email:<36} {role}")
    typer.echo("\nProviders:")
    for slug, name, did in summary.organisations:
        typer.echo(f"  {name} ({slug})")
        typer.echo(f"    DID document: {base}/orgs/{slug}/did.json  [{did}]")
        typer.echo(f"    status list:  {base}/status/{slug}/revocation/1")
    typer.echo("\nCredentials:")
    for award in summary.awards:
        note = "  [REVOKED]" if award.status == "revoked" else ""
        typer.echo(f"  {award.credential_id}  {award.provider}/{award.definition}{note}")
    for path in summary.share_paths:
        typer.echo(f"\nA learner's share link (employers: paste it at {base}/employers/verify):")
        typer.echo(f"  {base}{path}")
    typer.echo(f"\nAPI docs: {base}/docs    verify: POST {base}/credentials/verify")
