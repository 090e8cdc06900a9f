"""Quality pages: the trust registry (``/trust``), provider profiles with accreditations
and endorsements (``/providers/{org}``), and the dashboard tab where quality bodies
accredit providers and any organisation endorses definitions and providers
(``/dashboard/{org}/trust``). Everything goes through :mod:`microcred.quality`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.config import Settings
from microcred.errors import InvalidInput, MicrocredError, PermissionDenied
from microcred.quality import accreditation, endorsements, registry, service
from microcred.quality.models import Endorsement
from microcred.storage import utcnow
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.dashboard import OrgPage, form_text, org_page, redirect
from microcred.web.pages.dashboard import _context as dashboard_context
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["router"]

router = page_router()

_NOTICES = {
    "accredited": "The provider is accredited; the trust registry lists it now.",
    "withdrawn": "The accreditation was withdrawn.",
    "endorsed": "Your endorsement was signed and published.",
}


def _org_names(db: Session, ids: set[int]) -> dict[int, Organisation]:
    return {i: org for i in ids if (org := db.get(Organisation, i)) is not None}


def _accreditation_rows(db: Session, rows: Any) -> list[dict[str, Any]]:
    orgs = _org_names(db, {r.body_id for r in rows} | {r.provider_id for r in rows})
    now = utcnow()
    return [
        {
            "row": row,
            "body": orgs[row.body_id],
            "provider": orgs[row.provider_id],
            "current": row.status == "active"
            and row.valid_from <= now
            and (row.valid_until is None or row.valid_until > now),
        }
        for row in rows
    ]


@router.get("/trust", name="trust")
def trust_page(request: Request, db: DbSession, settings: AppSettings) -> HTMLResponse:
    current = accreditation.current_accreditations(db)
    return render(
        request,
        "quality/trust.html",
        {
            "registry_name": registry.registry_name(settings.public_base_url),
            "publisher": service.registry_publisher(db),
            "current": current,
            "bodies": service.list_quality_bodies(db),
            "registries": registry.list_registries(db),
        },
    )


@router.get("/providers/{org}", name="provider_profile")
def provider_page(request: Request, org: str, db: DbSession) -> HTMLResponse:
    organisation = accounts.get_organisation(db, org[:64])
    rows = accreditation.list_accreditations(db, provider=organisation)
    return render(
        request,
        "quality/provider.html",
        {
            "organisation": organisation,
            "is_body": service.is_quality_body(db, organisation),
            "accreditations": _accreditation_rows(db, rows),
            "endorsements": endorsements.endorsements_of_organisation(db, organisation),
            "did_document_url": (
                f"/orgs/{organisation.slug}/did.json" if organisation.did_method == "web" else None
            ),
        },
    )


def _dashboard(
    request: Request,
    page: OrgPage,
    db: Session,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organisation = page.organisation
    is_body = service.is_quality_body(db, organisation)
    try:
        page.require(db, "org.update")
    except PermissionDenied:
        manage = False
    else:
        manage = True
    context = dashboard_context(
        page,
        request,
        dash_nav="trust",
        is_body=is_body,
        manage=manage,
        given=_accreditation_rows(
            db, accreditation.list_accreditations(db, body=organisation) if is_body else []
        ),
        received=_accreditation_rows(
            db, accreditation.list_accreditations(db, provider=organisation)
        ),
        endorsed=_endorsements_by(db, organisation),
        error=error,
    )
    context["notice"] = context.get("notice") or _NOTICES.get(request.query_params.get("done", ""))
    return render(request, "quality/dashboard.html", context, status_code=status_code)


def _endorsements_by(db: Session, organisation: Organisation) -> list[Endorsement]:
    return list(
        db.scalars(
            select(Endorsement)
            .where(Endorsement.endorser_id == organisation.id)
            .order_by(Endorsement.id.desc())
        ).all()
    )


@router.get("/dashboard/{slug}/trust", name="dashboard_trust")
def dashboard_trust(request: Request, slug: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    return _dashboard(request, org_page(db, user, slug), db)


def _date(value: str, label: str) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{label}: enter a date as YYYY-MM-DD.", code="invalid_date") from None
    return day


@router.post("/dashboard/{slug}/trust/accredit")
def accredit_submit(
    request: Request, slug: str, form: CheckedForm, user: SignedIn, db: DbSession
) -> Response:
    page = org_page(db, user, slug)
    try:
        provider_slug = form_text(form, "provider", 64)
        if not provider_slug:
            raise InvalidInput("Choose the provider to accredit.", code="invalid_provider")
        with db.begin_nested():
            accreditation.accredit(
                db,
                principal=page.principal,
                body=page.organisation,
                provider=accounts.get_organisation(db, provider_slug),
                scope=form_text(form, "scope", 2000),
                definitions=[
                    s for s in form_text(form, "definitions", 5000).replace(",", " ").split() if s
                ],
                field_of_study=form_text(form, "field_of_study", 200) or None,
                valid_from=_date(form_text(form, "valid_from", 10), "Valid from"),
                valid_until=_date(form_text(form, "valid_until", 10), "Valid until"),
                statement=form_text(form, "statement", 10_000),
            )
    except MicrocredError as exc:
        return _dashboard(request, page, db, error=exc.message, status_code=400)
    return redirect(f"{page.base}/trust", done="accredited")


@router.post("/dashboard/{slug}/trust/{accreditation_id}/withdraw")
def withdraw_submit(
    request: Request,
    slug: str,
    accreditation_id: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
) -> Response:
    page = org_page(db, user, slug)
    try:
        row = accreditation.get_accreditation(db, accreditation_id)
        if row.body_id != page.organisation.id:
            raise InvalidInput("That accreditation is not yours.", code="not_yours")
        with db.begin_nested():
            accreditation.withdraw(
                db,
                principal=page.principal,
                public_id=accreditation_id,
                reason=form_text(form, "reason", 2000),
            )
    except MicrocredError as exc:
        return _dashboard(request, page, db, error=exc.message, status_code=400)
    return redirect(f"{page.base}/trust", done="withdrawn")


@router.post("/dashboard/{slug}/trust/endorse")
def endorse_submit(
    request: Request,
    slug: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    page = org_page(db, user, slug)
    target = form_text(form, "target", 200)
    organisation, _, definition = target.partition("/")
    try:
        with db.begin_nested():
            endorsements.endorse(
                db,
                principal=page.principal,
                endorser=page.organisation,
                target_type="definition" if definition else "organisation",
                organisation=organisation,
                definition=definition or None,
                comment=form_text(form, "comment", 5000),
                base_url=_base(settings),
                master_key=master_key,
            )
    except MicrocredError as exc:
        return _dashboard(request, page, db, error=exc.message, status_code=400)
    return redirect(f"{page.base}/trust", done="endorsed")


def _base(settings: Settings) -> str:
    return settings.public_base_url
