"""``microcred assessment``: the assessment queue of an organisation, one application, the
assessor's steps (ask for more evidence, approve / reject with the rubric) and a clean-up
of evidence files no application refers to."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.types import Principal
from microcred.assessment import service
from microcred.assessment.evidence import EvidenceStore
from microcred.assessment.models import Application
from microcred.assessment.types import RUBRIC_LEVELS, STATUS_LABELS, RubricScore
from microcred.cli.db import database_session
from microcred.config import Settings
from microcred.errors import InvalidInput
from microcred.issuing.models import Award

__all__ = ["app"]

app = typer.Typer(
    help="Assessment and recognition of prior learning: queues and decisions.",
    no_args_is_help=True,
)

AS_OPTION = typer.Option(
    "--as", help="E-mail of the assessor (role owner or assessor in the organisation)."
)


def _assessor(session: Session, email: str) -> Principal:
    user = accounts.get_user_by_email(session, email)
    if user is None:
        raise InvalidInput(
            f"No user {email!r}; create one with `microcred user create`.", code="unknown_user"
        )
    return accounts.principal_for_user(user)


def _scores(levels: list[str]) -> list[RubricScore]:
    scores = []
    for item in levels:
        number, _, level = item.partition("=")
        if not number.isdigit() or level not in RUBRIC_LEVELS:
            raise InvalidInput(
                f"--level {item!r}: write OUTCOME=LEVEL, e.g. 1=met (levels: "
                f"{', '.join(RUBRIC_LEVELS)}).",
                code="invalid_level",
            )
        scores.append(RubricScore(int(number) - 1, level))
    return scores


def _describe(session: Session, application: Application) -> dict[str, object]:
    award = session.get(Award, application.award_id) if application.award_id else None
    return {
        "id": application.public_id,
        "status": application.status,
        "applicant": application.user.email,
        "definition": application.version.definition.slug,
        "version": application.version.version,
        "round": application.round,
        "feedback": application.feedback,
        "credential_id": award.credential_id if award is not None else None,
        "evidence": [
            {
                "id": e.public_id,
                "kind": e.kind,
                "source": e.source,
                "criterion": None if e.criterion is None else e.criterion + 1,
                "title": e.title,
                "url": e.url,
                "file": e.file_name,
                "sha256": e.sha256,
            }
            for e in application.evidence
        ],
    }


@app.command("queue")
def queue(
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    as_email: Annotated[str, AS_OPTION],
    status: Annotated[
        str, typer.Option("--status", help="Comma-separated statuses.")
    ] = "submitted",
) -> None:
    """List applications waiting for review (or in other statuses)."""
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = service.assessor_organisation(session, _assessor(session, as_email), org)
        statuses = [s for s in status.split(",") if s]
        for application in service.queue(session, organisation, statuses=statuses):
            typer.echo(
                f"{application.public_id}  {STATUS_LABELS.get(application.status, '')[:24]:<24}  "
                f"{application.version.definition.slug:<20}  {application.user.email}"
            )


@app.command("show")
def show(
    application_id: Annotated[str, typer.Argument(help="The application's id.")],
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    as_email: Annotated[str, AS_OPTION],
) -> None:
    """Print one application as JSON."""
    settings = Settings.load()
    with database_session(settings) as session:
        organisation = service.assessor_organisation(session, _assessor(session, as_email), org)
        application = service.get_for_assessor(session, organisation, application_id)
        typer.echo(json.dumps(_describe(session, application), indent=2, ensure_ascii=False))


@app.command("request-evidence")
def request_evidence(
    application_id: Annotated[str, typer.Argument(help="The application's id.")],
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    as_email: Annotated[str, AS_OPTION],
    feedback: Annotated[str, typer.Option("--feedback", help="What to add, for the applicant.")],
    level: Annotated[
        list[str] | None, typer.Option("--level", help="Rubric: OUTCOME=LEVEL, e.g. 1=met.")
    ] = None,
) -> None:
    """Send the application back to the applicant, asking for more evidence."""
    settings = Settings.load()
    with database_session(settings) as session:
        principal = _assessor(session, as_email)
        organisation = service.assessor_organisation(session, principal, org)
        application = service.get_for_assessor(session, organisation, application_id)
        service.request_evidence(
            session,
            application,
            feedback=feedback,
            scores=_scores(level or []),
            principal=principal,
        )
        typer.echo(f"{application.public_id} {application.status}")


@app.command("decide")
def decide(
    application_id: Annotated[str, typer.Argument(help="The application's id.")],
    org: Annotated[str, typer.Option("--org", help="The organisation's slug.")],
    as_email: Annotated[str, AS_OPTION],
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Approve (issues the credential) or reject.")
    ],
    feedback: Annotated[str, typer.Option("--feedback", help="For the applicant.")] = "",
    level: Annotated[
        list[str] | None, typer.Option("--level", help="Rubric: OUTCOME=LEVEL, e.g. 1=met.")
    ] = None,
) -> None:
    """Approve (every outcome met; issues the credential) or reject; prints the result."""
    settings = Settings.load()
    with database_session(settings) as session:
        principal = _assessor(session, as_email)
        organisation = service.assessor_organisation(session, principal, org)
        application = service.get_for_assessor(session, organisation, application_id)
        result = service.decide(
            session,
            application,
            decision="approve" if approve else "reject",
            feedback=feedback,
            scores=_scores(level or []),
            principal=principal,
            base_url=settings.public_base_url,
            master_key=settings.master_key.get_secret_value().encode("utf-8"),
        )
        credential = result.award.credential_id if result.award is not None else ""
        typer.echo(f"{application.public_id} {application.status} {credential}".rstrip())


@app.command("prune-files")
def prune_files(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list them.")] = False,
) -> None:
    """Delete evidence files that no application refers to (left by failed uploads)."""
    settings = Settings.load()
    store = EvidenceStore(settings.data_dir / "evidence")
    with database_session(settings) as session:
        keys = service.unreferenced_files(session, store)
    for key in keys:
        if not dry_run:
            store.delete(key)
        typer.echo(key)
