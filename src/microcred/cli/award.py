"""``microcred award``: award one credential, bulk awards from CSV (with a progress bar),
revoke / suspend / unsuspend, show the stored credential."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from microcred.accounts import service as accounts
from microcred.accounts.types import Actor
from microcred.catalogue import service as catalogue
from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.errors import InvalidInput
from microcred.issuing import bulk, claims, service
from microcred.issuing.types import EvidenceInput
from microcred.jobs import run_task, task_context
from microcred.storage import create_engine, session_factory

__all__ = ["app"]

app = typer.Typer(help="Award, revoke and inspect credentials.", no_args_is_help=True)

CLI_ACTOR = Actor.system("cli")


def _master_key(settings: Settings) -> bytes:
    return settings.master_key.get_secret_value().encode("utf-8")


@app.command("one")
def one(
    org: Annotated[str, typer.Option("--org", help="The issuing organisation's slug.")],
    definition: Annotated[str, typer.Option("--definition", help="The definition's slug.")],
    email: Annotated[str | None, typer.Option("--email", help="The learner's e-mail.")] = None,
    did: Annotated[str | None, typer.Option("--did", help="The learner's DID.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The learner's name.")] = None,
    result: Annotated[str | None, typer.Option("--result")] = None,
    evidence_url: Annotated[str | None, typer.Option("--evidence-url")] = None,
    valid_until: Annotated[
        str | None, typer.Option("--valid-until", help="Expiry: 2030-12-31 or a date-time.")
    ] = None,
    external_id: Annotated[
        str | None, typer.Option("--external-id", help="Your id; awarding it again is a no-op.")
    ] = None,
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="E-mail a claim link.")
    ] = True,
) -> None:
    """Award a credential to one learner; prints the credential id."""
    if not email and not did:
        raise InvalidInput("Give --email or --did.", code="missing_recipient")
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = accounts.get_organisation(session, org)
        version = catalogue.published_version(session, organisation, definition)
        outcome = service.issue(
            session,
            organisation=organisation,
            version=version,
            actor=CLI_ACTOR,
            base_url=settings.public_base_url,
            master_key=_master_key(settings),
            recipient_email=email,
            recipient_did=did,
            recipient_name=name,
            evidence=[EvidenceInput(url=evidence_url)] if evidence_url else [],
            result=result,
            valid_until=valid_until,
            external_id=external_id,
        )
        mail = outcome.created and notify and outcome.award.recipient_email is not None
        if mail:
            claims.notify_learner(
                session,
                outcome.award,
                organisation=organisation,
                title=version.title,
                base_url=settings.public_base_url,
            )
        credential_id = outcome.award.credential_id
    if mail:
        _run_now(settings, "deliver_mail")
    typer.echo(credential_id)


def _run_now(settings: Settings, task: str, **kwargs: int) -> None:
    engine = create_engine(settings.resolved_database_url)
    try:
        run_task(task_context(settings, session_factory(engine)), task, **kwargs)
    finally:
        engine.dispose()


def _change(action: str, credential_id: str, reason: str | None) -> None:
    settings = Settings.load()
    with database_session(settings) as session:
        award = service.get_award_by_credential_id(session, credential_id)
        change = service.set_status(
            session,
            award.id,
            action,
            reason=reason,
            actor=CLI_ACTOR,
            base_url=settings.public_base_url,
            master_key=_master_key(settings),
        )
    note = "" if change.changed else " (unchanged)"
    typer.echo(f"{award.credential_id}: {change.status}{note}")


@app.command("revoke")
def revoke(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (URL) or uuid.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
) -> None:
    """Revoke a credential (final); its status list is re-signed."""
    _change("revoke", credential_id, reason)


@app.command("suspend")
def suspend(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (URL) or uuid.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
) -> None:
    """Suspend a credential (until unsuspended)."""
    _change("suspend", credential_id, reason)


@app.command("unsuspend")
def unsuspend(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (URL) or uuid.")],
    reason: Annotated[str | None, typer.Option("--reason")] = None,
) -> None:
    """Lift a suspension."""
    _change("unsuspend", credential_id, reason)


@app.command("show")
def show(
    credential_id: Annotated[str, typer.Argument(help="The credential's id (URL) or uuid.")],
) -> None:
    """Print the stored signed credential, byte for byte."""
    settings = Settings.load()
    with database_session(settings) as session:
        data = service.get_award_by_credential_id(session, credential_id).credential_bytes
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()


@app.command("bulk")
def bulk_award(
    file: Annotated[Path, typer.Argument(help="UTF-8 CSV: email/did, external_id, ...")],
    org: Annotated[str, typer.Option("--org", help="The issuing organisation's slug.")],
    definition: Annotated[str, typer.Option("--definition", help="The definition's slug.")],
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="E-mail claim links.")
    ] = True,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Signing processes (default: every core)."),
    ] = None,
    progress_bar: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
    ] = True,
) -> None:
    """Validate a CSV (every row, before anything is issued), then issue it on every core
    with a progress bar. Running it again issues nothing twice: an interrupted run of the
    same file (even killed) is resumed where it stopped."""
    settings = Settings.load()
    if not file.is_file():
        raise InvalidInput(f"{file} is not a file.", code="file_not_found")
    with file.open("rb") as stream:
        sha256 = bulk.file_sha256(stream)
    with database_session(settings) as session, file.open("rb") as stream:
        organisation = accounts.get_organisation(session, org)
        version = catalogue.published_version(session, organisation, definition)
        batch = bulk.find_unfinished(session, organisation, version, sha256)
        resumed = batch is not None
        if batch is None:
            batch = bulk.create_batch(
                session,
                organisation=organisation,
                version=version,
                stream=stream,
                filename=file.name,
                max_rows=settings.bulk_max_rows,
                actor=CLI_ACTOR,
            )
        batch_id, public_id, status, total = (
            batch.id,
            batch.public_id,
            batch.status,
            batch.total_rows,
        )
        errors = bulk.batch_errors(session, batch, limit=50) if status == "invalid" else []
        error_count = batch.error_count
        counts = bulk.batch_counts(session, batch)
    if status == "invalid":
        for error in errors:
            column = f" [{error.column}]" if error.column else ""
            sys.stderr.write(f"line {error.line}{column}: {error.message}\n")
        more = f" (first {len(errors)} shown)" if error_count > len(errors) else ""
        raise InvalidInput(
            f"{file.name} has {error_count} error(s){more}; nothing was issued.",
            code="bulk_invalid",
        )
    if resumed:
        sys.stderr.write(
            f"Resuming batch {public_id} of this file: {counts.done} of {total} rows done.\n"
        )
    engine = create_engine(settings.resolved_database_url)
    try:
        factory = session_factory(engine)
        context = task_context(settings, factory)
        done_before = counts.done
        with Progress(
            TextColumn("[bold]Issuing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=False,
            disable=not progress_bar,
        ) as progress:
            task = progress.add_task("issue", total=total, completed=done_before)
            final = bulk.run_batch(
                factory,
                batch_id,
                base_url=context.base_url,
                master_key=context.master_key,
                deliver=notify,
                workers=workers,
                after_row=lambda n: progress.update(task, completed=done_before + n),
            )
            progress.update(task, completed=final.done)
        if notify:
            run_task(context, "deliver_mail")
    finally:
        engine.dispose()
    typer.echo(
        f"Batch {public_id}: {final.issued} issued, {final.skipped} already issued, "
        f"{final.failed} failed, {final.pending} pending."
    )
    if final.failed:
        raise typer.Exit(1)
