"""Bulk awards in the provider dashboard: upload a CSV, see every row checked (errors with
line, column and message) before anything is issued, confirm, and watch the progress.

The file is validated by :func:`microcred.issuing.bulk.create_batch` with ``hold=True``:
a valid batch waits as ``preview`` (no job picks it up) until the provider confirms, then
it is queued and the ``issue_batch`` job issues it. The progress page polls
``progress.json`` with ``static/dashboard.js``; without JavaScript it offers a refresh link.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from microcred.catalogue import service as catalogue
from microcred.errors import Conflict, InvalidInput, NotFound
from microcred.issuing import bulk
from microcred.web.api.issuing import job_runner
from microcred.web.deps import AppSettings, DbSession
from microcred.web.pages.csrf import check_token
from microcred.web.pages.dashboard import _context as dashboard_context
from microcred.web.pages.dashboard import _published, check, org_page, redirect
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["router"]

router = page_router()

#: Rows shown in the preview and errors shown inline (all errors: errors.csv).
_PREVIEW_ROWS: Final = 50
_INLINE_ERRORS: Final = 200
_EXAMPLE: Final = (
    "email,did,external_id,name,result,evidence_url,evidence_narrative,valid_until\n"
    "ann@example.org,,2025-001,Ann Learner,A,https://example.org/work/1,,2030-12-31\n"
)


@router.get("/dashboard/{org}/bulk", name="dashboard_bulk")
def bulk_form(request: Request, org: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "award.issue")
    return render(
        request,
        "dashboard/bulk.html",
        dashboard_context(
            page,
            request,
            versions=_published(db, page.organisation),
            example=_EXAMPLE,
            error=None,
            chosen=request.query_params.get("definition", "")[:64],
        ),
    )


@router.post("/dashboard/{org}/bulk")
def bulk_upload(
    request: Request,
    org: str,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    file: Annotated[UploadFile | None, File()] = None,
    definition: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_token(request, csrf_token)
    page = org_page(db, user, org)
    page.require(db, "award.issue")
    organisation = page.organisation
    try:
        check(
            bool(definition),
            InvalidInput("Choose the credential to award.", code="invalid_award"),
        )
        check(
            file is not None and bool(file.filename),
            InvalidInput("Choose a CSV file to upload.", code="no_file"),
        )
        version = catalogue.published_version(db, organisation, definition)
    except (InvalidInput, NotFound, Conflict) as exc:
        return render(
            request,
            "dashboard/bulk.html",
            dashboard_context(
                page,
                request,
                versions=_published(db, organisation),
                example=_EXAMPLE,
                error=exc.message,
                chosen=definition,
            ),
            status_code=422,
        )
    assert file is not None
    batch = bulk.create_batch(
        db,
        organisation=organisation,
        version=version,
        stream=file.file,
        filename=file.filename or "",
        max_rows=settings.bulk_max_rows,
        actor=page.principal.actor,
        hold=True,
    )
    return redirect(f"{page.base}/bulk/{batch.public_id}")


@router.get("/dashboard/{org}/bulk/{batch_id}", name="dashboard_bulk_batch")
def bulk_batch(
    request: Request, org: str, batch_id: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, org)
    page.require(db, "award.read")
    batch = bulk.get_batch(db, page.organisation, batch_id[:36])
    version = catalogue.get_version(db, batch.definition_version_id)
    counts = bulk.batch_counts(db, batch)
    errors = bulk.batch_errors(db, batch, limit=_INLINE_ERRORS)
    failed = bulk.failed_rows(db, batch) if batch.status == "completed" else []
    rows = bulk.batch_rows(db, batch, limit=_PREVIEW_ROWS) if batch.status == "preview" else []
    return render(
        request,
        "dashboard/bulk_batch.html",
        dashboard_context(
            page,
            request,
            dash_nav="bulk",
            batch=batch,
            version=version,
            counts=counts,
            done=counts.issued + counts.skipped + counts.failed,
            errors=errors,
            failed=failed,
            rows=rows,
            more_rows=max(0, counts.total - len(rows)),
        ),
    )


@router.post("/dashboard/{org}/bulk/{batch_id}/confirm")
def bulk_confirm(
    request: Request,
    org: str,
    batch_id: str,
    user: SignedIn,
    db: DbSession,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_token(request, csrf_token)
    page = org_page(db, user, org)
    page.require(db, "award.issue")
    batch = bulk.get_batch(db, page.organisation, batch_id[:36])
    was = batch.status
    bulk.confirm_batch(db, batch, actor=page.principal.actor)
    internal_id, public_id = batch.id, batch.public_id
    db.commit()
    if was == "preview":
        job_runner(request).enqueue("issue_batch", batch_id=internal_id)
    return redirect(f"{page.base}/bulk/{public_id}", done="confirmed")


@router.get("/dashboard/{org}/bulk/{batch_id}/progress.json", name="dashboard_bulk_progress")
def bulk_progress(org: str, batch_id: str, user: SignedIn, db: DbSession) -> JSONResponse:
    page = org_page(db, user, org)
    page.require(db, "award.read")
    batch = bulk.get_batch(db, page.organisation, batch_id[:36])
    counts = bulk.batch_counts(db, batch)
    return JSONResponse(
        {
            "status": batch.status,
            "total": counts.total,
            "pending": counts.pending,
            "issued": counts.issued,
            "skipped": counts.skipped,
            "failed": counts.failed,
            "errors": batch.error_count,
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/dashboard/{org}/bulk/{batch_id}/errors.csv", name="dashboard_bulk_errors")
def bulk_errors_csv(org: str, batch_id: str, user: SignedIn, db: DbSession) -> Response:
    page = org_page(db, user, org)
    page.require(db, "award.read")
    batch = bulk.get_batch(db, page.organisation, batch_id[:36])
    text = bulk.errors_csv([*bulk.batch_errors(db, batch), *bulk.failed_rows(db, batch)])
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="errors-{batch.public_id}.csv"'},
    )
