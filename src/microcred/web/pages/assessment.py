"""Pages for assessment and recognition of prior learning.

Applicant (signed in): ``/apply/{org}/{definition}`` starts an application,
``/wallet/applications`` lists them, ``/wallet/applications/{id}`` shows one with its
evidence per learning outcome, the form to add evidence (file, link or text with its
source), submit / withdraw, and the assessor's feedback.

Assessors (role owner or assessor): ``/dashboard/{org}/assessments`` is the queue,
``/dashboard/{org}/assessments/{id}`` the review with the rubric (per outcome: not met /
partially met / met, with a comment) and the three outcomes: ask for more evidence,
approve (issues the credential), reject. Others get the dashboard's 404 (non-members) or
403 (members without the role).

Evidence files: ``/evidence/{id}`` for the applicant and the provider's assessors only
(and anyone for a file the applicant made shareable, once approved); always an attachment
with ``nosniff``.
"""

from __future__ import annotations

from typing import Final

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from microcred.accounts import service as accounts
from microcred.assessment import service
from microcred.assessment.evidence import ACCEPTED_TYPES, type_name
from microcred.assessment.models import Application
from microcred.assessment.types import (
    EDITABLE_STATUSES,
    EVIDENCE_SOURCES,
    OPEN_STATUSES,
    RUBRIC_LEVELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    EvidenceDraft,
    RubricScore,
)
from microcred.catalogue import service as catalogue
from microcred.errors import Conflict, InvalidInput, MicrocredError
from microcred.issuing.models import Award
from microcred.web.api.assessment import evidence_response, evidence_store, read_upload
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.dashboard import OrgPage, form_text, org_page, redirect
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import PageViewer, SignedIn

__all__ = ["router"]

router = page_router()

_NOTICES: Final = {
    "started": "Your application was started. Add evidence for each learning outcome.",
    "added": "The evidence was added.",
    "removed": "The evidence was removed.",
    "submitted": "Your application was sent to the provider's assessors.",
    "withdrawn": "Your application was withdrawn.",
    "more_evidence": "The applicant was asked for more evidence.",
    "approved": "Approved: the credential was issued into the applicant's wallet.",
    "rejected": "The application was rejected; the applicant sees your feedback.",
}
_QUEUE_TABS: Final = {
    "submitted": ("Waiting", ("submitted",)),
    "more_evidence": ("Waiting for the applicant", ("more_evidence",)),
    "decided": ("Decided", ("approved", "rejected")),
}
_ACCEPT: Final = ",".join(ext for exts in ACCEPTED_TYPES.values() for ext in exts)


def _by_criterion(application: Application) -> list[tuple[int | None, str, list[object]]]:
    outcomes = list(application.version.learning_outcomes or [])
    groups: list[tuple[int | None, str, list[object]]] = [
        (index, outcome, [e for e in application.evidence if e.criterion == index])
        for index, outcome in enumerate(outcomes)
    ]
    general = [e for e in application.evidence if e.criterion is None]
    groups.append((None, "The application as a whole", list(general)))
    return groups


def _credential(db: Session, application: Application) -> Award | None:
    return db.get(Award, application.award_id) if application.award_id is not None else None


def _common(request: Request, application: Application, db: Session) -> dict[str, object]:
    return {
        "application": application,
        "groups": _by_criterion(application),
        "status_labels": STATUS_LABELS,
        "source_labels": SOURCE_LABELS,
        "levels": RUBRIC_LEVELS,
        "type_name": type_name,
        "award": _credential(db, application),
        "notice": _NOTICES.get(request.query_params.get("done", "")),
    }


# -- applicant --------------------------------------------------------------------------------


@router.get("/apply/{org}/{definition}", name="assessment_apply")
def apply_form(
    request: Request, org: str, definition: str, viewer: PageViewer, db: DbSession
) -> HTMLResponse:
    organisation = accounts.get_organisation(db, org[:64])
    version = catalogue.published_version(db, organisation, definition[:64])
    return render(
        request,
        "assessment/apply.html",
        {"org": organisation, "version": version, "signed_in": viewer.signed_in, "error": None},
    )


@router.post("/apply/{org}/{definition}")
def apply(
    request: Request, org: str, definition: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    organisation = accounts.get_organisation(db, org[:64])
    version = catalogue.published_version(db, organisation, definition[:64])
    try:
        application = service.start_application(
            db, user=user, version=version, statement=form_text(form, "statement")
        )
    except MicrocredError as exc:
        return render(
            request,
            "assessment/apply.html",
            {"org": organisation, "version": version, "signed_in": True, "error": str(exc)},
            status_code=exc_status(exc),
        )
    return redirect(f"/wallet/applications/{application.public_id}", done="started")


def exc_status(exc: MicrocredError) -> int:
    return 409 if isinstance(exc, Conflict) else 422


@router.get("/wallet/applications", name="assessment_mine")
def mine(request: Request, user: SignedIn, db: DbSession) -> HTMLResponse:
    return render(
        request,
        "assessment/mine.html",
        {
            "active_nav": "wallet",
            "applications": service.list_for_applicant(db, user),
            "status_labels": STATUS_LABELS,
        },
    )


def _applicant_page(
    request: Request,
    application: Application,
    db: Session,
    *,
    max_bytes: int,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "assessment/application.html",
        {
            "active_nav": "wallet",
            **_common(request, application, db),
            "editable": application.status in EDITABLE_STATUSES,
            "open": application.status in OPEN_STATUSES,
            "current_round": application.round,
            "sources": EVIDENCE_SOURCES,
            "accept": _ACCEPT,
            "max_mb": max_bytes // (1024 * 1024),
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/wallet/applications/{application_id}", name="assessment_application")
def application_page(
    request: Request, application_id: str, user: SignedIn, db: DbSession, settings: AppSettings
) -> HTMLResponse:
    application = service.get_for_applicant(db, user, application_id)
    return _applicant_page(request, application, db, max_bytes=settings.evidence_max_bytes)


def _criterion(value: str) -> int | None:
    if value in ("", "all"):
        return None
    if not value.isdigit() or len(value) > 4:
        raise InvalidInput("Choose a learning outcome from the list.", code="invalid_criterion")
    return int(value)


@router.post("/wallet/applications/{application_id}/evidence")
async def add_evidence(
    request: Request,
    application_id: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    application = service.get_for_applicant(db, user, application_id)
    kind = form_text(form, "kind", 10)
    upload = form.get("file")
    try:
        file = None
        if kind == "file" and isinstance(upload, UploadFile) and upload.filename:
            file = await read_upload(upload, settings.evidence_max_bytes)
        service.add_evidence(
            db,
            application,
            EvidenceDraft(
                kind=kind,
                source=form_text(form, "source", 30),
                title=form_text(form, "title", 300),
                criterion=_criterion(form_text(form, "criterion", 10)),
                text=form_text(form, "text", 20_000),
                url=form_text(form, "url", 3000) or None,
                file=file,
                shareable=form.get("shareable") == "yes",
            ),
            store=evidence_store(settings),
            max_bytes=settings.evidence_max_bytes,
            actor=accounts.actor_for_user(user),
        )
    except InvalidInput as exc:
        # Nothing was changed: evidence is checked (and a file stored) before it is added.
        return _applicant_page(
            request,
            application,
            db,
            max_bytes=settings.evidence_max_bytes,
            error=str(exc),
            status_code=422,
        )
    return redirect(f"/wallet/applications/{application.public_id}", done="added")


@router.post("/wallet/applications/{application_id}/evidence/{evidence_id}/remove")
def remove_evidence(
    application_id: str,
    evidence_id: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    del form
    application = service.get_for_applicant(db, user, application_id)
    service.remove_evidence(
        db,
        application,
        evidence_id,
        store=evidence_store(settings),
        actor=accounts.actor_for_user(user),
    )
    return redirect(f"/wallet/applications/{application.public_id}", done="removed")


@router.post("/wallet/applications/{application_id}/{step}")
def applicant_step(
    request: Request,
    application_id: str,
    step: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    del form
    application = service.get_for_applicant(db, user, application_id)
    actor = accounts.actor_for_user(user)
    if step not in ("submit", "withdraw"):
        raise InvalidInput("There is no such step.", code="not_found")
    try:
        if step == "submit":
            service.submit(db, application, actor=actor)
        else:
            service.withdraw(db, application, actor=actor)
    except MicrocredError as exc:
        return _applicant_page(
            request,
            application,
            db,
            max_bytes=settings.evidence_max_bytes,
            error=str(exc),
            status_code=exc_status(exc),
        )
    done = "submitted" if step == "submit" else "withdrawn"
    return redirect(f"/wallet/applications/{application.public_id}", done=done)


@router.get("/evidence/{evidence_id}", name="assessment_evidence_file")
def evidence_file(
    evidence_id: str, viewer: PageViewer, db: DbSession, settings: AppSettings
) -> Response:
    principal = accounts.principal_for_user(viewer.user) if viewer.user is not None else None
    access = service.evidence_file(
        db, evidence_id, principal=principal, store=evidence_store(settings)
    )
    return evidence_response(access)


# -- assessors --------------------------------------------------------------------------------


@router.get("/dashboard/{slug}/assessments", name="assessment_queue")
def queue_page(request: Request, slug: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, slug)
    page.require(db, "evidence.review")
    tab = request.query_params.get("show", "submitted")
    if tab not in _QUEUE_TABS:
        tab = "submitted"
    label, statuses = _QUEUE_TABS[tab]
    del label
    return render(
        request,
        "assessment/queue.html",
        {
            "active_nav": "dashboard",
            "org": page.organisation,
            "role": page.role,
            "can": page.can,
            "base": page.base,
            "notice": _NOTICES.get(request.query_params.get("done", "")),
            "dash_nav": "assessments",
            "tabs": [(key, value[0]) for key, value in _QUEUE_TABS.items()],
            "tab": tab,
            "counts": service.status_counts(db, page.organisation),
            "applications": service.queue(db, page.organisation, statuses=statuses),
            "status_labels": STATUS_LABELS,
        },
    )


def _review_page(
    request: Request,
    page: OrgPage,
    application: Application,
    db: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "assessment/review.html",
        {
            "active_nav": "dashboard",
            "org": page.organisation,
            "role": page.role,
            "can": page.can,
            "base": page.base,
            "dash_nav": "assessments",
            **_common(request, application, db),
            "reviewable": application.status == "submitted",
            "values": values or {},
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/dashboard/{slug}/assessments/{application_id}", name="assessment_review")
def review_page(
    request: Request, slug: str, application_id: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, slug)
    page.require(db, "evidence.review")
    application = service.get_for_assessor(db, page.organisation, application_id)
    return _review_page(request, page, application, db)


@router.post("/dashboard/{slug}/assessments/{application_id}")
def review(
    request: Request,
    slug: str,
    application_id: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    page = org_page(db, user, slug)
    page.require(db, "evidence.review")
    application = service.get_for_assessor(db, page.organisation, application_id)
    action = form_text(form, "action", 20)
    feedback = form_text(form, "feedback")
    outcomes = application.version.learning_outcomes or []
    scores = [
        RubricScore(i, form_text(form, f"level-{i}", 20), form_text(form, f"comment-{i}", 2000))
        for i in range(len(outcomes))
        if form_text(form, f"level-{i}", 20)
    ]
    values = {key: form_text(form, key) for key in form if isinstance(form.get(key), str)}
    try:
        if action == "more_evidence":
            service.request_evidence(
                db, application, feedback=feedback, scores=scores, principal=page.principal
            )
        elif action in ("approve", "reject"):
            service.decide(
                db,
                application,
                decision=action,
                feedback=feedback,
                scores=scores,
                principal=page.principal,
                base_url=settings.public_base_url,
                master_key=master_key,
            )
        else:
            raise InvalidInput("Choose: ask for more evidence, approve or reject.")
    except MicrocredError as exc:
        # Nothing was changed: every check runs before the first write.
        return _review_page(
            request,
            page,
            application,
            db,
            error=str(exc),
            status_code=exc_status(exc),
            values=values,
        )
    done = {"more_evidence": "more_evidence", "approve": "approved", "reject": "rejected"}[action]
    return redirect(f"{page.base}/assessments", done=done)
