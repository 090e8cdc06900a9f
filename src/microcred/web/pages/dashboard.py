"""The provider dashboard: an organisation's awards over time, pending claims and recent
revocations; the awards list with revoke / suspend / unsuspend (with a reason); award one
credential. The definition editor, bulk uploads and organisation settings live in
``dashboard_definitions``, ``dashboard_bulk`` and ``dashboard_settings``.

Access: every ``/dashboard/{org}`` page needs a signed-in user who may read the
organisation (:func:`microcred.accounts.service.authorize` ``org.read``: any member, or a
platform admin / quality body). Anyone else gets the same 404 page as for an unknown
organisation, so a dashboard never tells whether an organisation exists. Each change then
checks its own action (viewers and assessors see the pages without the buttons, and a
forged POST is refused with 403). Every form posts with the CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Action, Principal
from microcred.catalogue import service as catalogue
from microcred.catalogue.models import DefinitionVersion
from microcred.errors import Conflict, InvalidInput, MicrocredError, NotFound, PermissionDenied
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.models import Award
from microcred.issuing.types import AWARD_STATUSES, EvidenceInput
from microcred.web.api.issuing import job_runner
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = [
    "OrgPage",
    "check",
    "form_text",
    "org_page",
    "redirect",
    "router",
]

router = page_router()

#: Permissions the pages show buttons for.
_ACTIONS: Final[tuple[Action, ...]] = (
    "award.issue",
    "award.revoke",
    "definition.manage",
    "member.manage",
    "token.manage",
    "key.rotate",
    "audit.read",
)
#: Messages after a change (``?done=<key>``): fixed texts, never user input.
NOTICES: Final = {
    "awarded": "The credential was awarded.",
    "revoked": "The credential was revoked.",
    "suspended": "The credential was suspended.",
    "unsuspended": "The suspension was lifted; the credential is active again.",
    "saved": "The draft was saved.",
    "published": "The definition was published.",
    "retired": "The definition was retired; it is no longer in the catalogue.",
    "member": "The member list was updated.",
    "removed": "The member was removed.",
    "rotated": "A new signing key is active; the old one stays in the DID document.",
    "token_revoked": "The API token was revoked.",
    "confirmed": "The batch is being issued.",
}
_STATUS_VERBS: Final = {
    "revoke": ("Revoke", "revoked"),
    "suspend": ("Suspend", "suspended"),
    "unsuspend": ("Lift the suspension of", "unsuspended"),
}
_PAGE_SIZE: Final = 25


@dataclass
class OrgPage:
    """The organisation a dashboard page is about, and what the viewer may do there."""

    organisation: Organisation
    principal: Principal
    role: str | None
    can: dict[str, bool] = field(default_factory=dict)

    def require(self, db: Session, action: Action) -> None:
        accounts.authorize(db, self.principal, self.organisation, action)

    @property
    def base(self) -> str:
        return f"/dashboard/{self.organisation.slug}"


def _not_found(slug: str) -> NotFound:
    return NotFound(
        f"There is no dashboard {slug[:64]!r} for your account. Open /dashboard to see the "
        "organisations you belong to.",
        code="dashboard_not_found",
    )


def org_page(db: Session, user: User, slug: str) -> OrgPage:
    """The organisation ``slug`` if ``user`` may read it, else NotFound (the same answer
    whether or not the organisation exists)."""
    if len(slug) > 64 or "\x00" in slug:
        raise _not_found(slug)
    principal = accounts.principal_for_user(user)
    try:
        organisation = accounts.get_organisation(db, slug)
        accounts.authorize(db, principal, organisation, "org.read")
    except (NotFound, PermissionDenied):
        raise _not_found(slug) from None
    page = OrgPage(organisation, principal, accounts.role_of(db, user, organisation))
    for action in _ACTIONS:
        try:
            accounts.authorize(db, principal, organisation, action)
        except PermissionDenied:
            page.can[action] = False
        else:
            page.can[action] = True
    return page


def check(ok: bool, error: MicrocredError) -> None:
    """Raise ``error`` unless ``ok`` (form checks inside a page's ``try``)."""
    if not ok:
        raise error


def form_text(form: CheckedForm, name: str, limit: int = 10_000) -> str:
    """A form field as stripped text ("" when absent or a file); at most ``limit`` chars."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def redirect(path: str, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def _context(page: OrgPage, request: Request, **values: object) -> dict[str, object]:
    done = request.query_params.get("done", "")
    return {
        "active_nav": "dashboard",
        "org": page.organisation,
        "role": page.role,
        "can": page.can,
        "base": page.base,
        "notice": NOTICES.get(done),
        **values,
    }


# -- pages ------------------------------------------------------------------------------


@router.get("/dashboard", name="dashboard")
def dashboard_index(request: Request, user: SignedIn, db: DbSession) -> HTMLResponse:
    memberships = accounts.list_organisations_for_user(db, user)
    return render(
        request,
        "dashboard/index.html",
        {"active_nav": "dashboard", "memberships": memberships},
    )


@router.get("/dashboard/{slug}", name="dashboard_org")
def dashboard_org(request: Request, slug: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, slug)
    organisation = page.organisation
    months = issuing.awards_per_month(db, organisation, months=12)
    peak = max((count for _, count in months), default=0)
    bars = [
        (month, count, 0 if peak == 0 else round(20 * count / peak) * 5) for month, count in months
    ]
    summary = issuing.award_summary(db, organisation)
    changes = issuing.recent_status_changes(db, organisation, limit=10)
    definitions = catalogue.list_definitions(db, organisation)
    return render(
        request,
        "dashboard/org.html",
        _context(
            page,
            request,
            bars=bars,
            summary=summary,
            changes=[(award, _title(db, award)) for award in changes],
            published=sum(1 for d, _ in definitions if d.published_version_id is not None),
            drafts=sum(1 for _, v in definitions if v.status == "draft"),
        ),
    )


def _title(db: Session, award: Award) -> str:
    if award.definition_version_id is None:
        return ""
    return catalogue.get_version(db, award.definition_version_id).title


@router.get("/dashboard/{slug}/awards", name="dashboard_awards")
def awards_list(
    request: Request,
    slug: str,
    user: SignedIn,
    db: DbSession,
    status: Annotated[str, Query(max_length=20)] = "",
    definition: Annotated[str, Query(max_length=64)] = "",
    recipient: Annotated[str, Query(max_length=500)] = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    page = org_page(db, user, slug)
    page.require(db, "award.read")
    organisation = page.organisation
    if status and status not in AWARD_STATUSES:
        raise InvalidInput(
            f"Unknown status {status[:20]!r}; choose one of {', '.join(AWARD_STATUSES)}.",
            code="invalid_filter",
        )
    definitions = catalogue.list_definitions(db, organisation)
    definition_id = None
    if definition:
        definition_id = catalogue.get_definition(db, organisation, definition).id
    found = issuing.list_awards(
        db,
        organisation,
        status=status or None,
        definition_id=definition_id,
        recipient=recipient.strip() or None,
        offset=(page_number - 1) * _PAGE_SIZE,
        limit=_PAGE_SIZE,
    )
    pages = max(1, -(-found.total // _PAGE_SIZE))
    filters = {"status": status, "definition": definition, "recipient": recipient}
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "dashboard/awards.html",
        _context(
            page,
            request,
            awards=[(award, _title(db, award)) for award in found.items],
            total=found.total,
            page_number=page_number,
            pages=pages,
            query=query,
            filters=filters,
            statuses=AWARD_STATUSES,
            definitions=[d for d, _ in definitions],
            awarded=request.query_params.get("award", "")[:36],
        ),
    )


def _award(db: Session, page: OrgPage, award_id: str) -> Award:
    return issuing.get_award(db, page.organisation, award_id[:36])


@router.get("/dashboard/{slug}/awards/{award_id}/{action}", name="dashboard_award_status")
def status_form(
    request: Request, slug: str, award_id: str, action: str, user: SignedIn, db: DbSession
) -> HTMLResponse:
    page = org_page(db, user, slug)
    if action not in _STATUS_VERBS:
        raise NotFound("There is no such action for a credential.", code="not_found")
    page.require(db, "award.revoke")
    award = _award(db, page, award_id)
    return render(
        request,
        "dashboard/status_change.html",
        _context(
            page,
            request,
            award=award,
            title=_title(db, award),
            action=action,
            verb=_STATUS_VERBS[action][0],
            reason="",
            error=None,
        ),
    )


@router.post("/dashboard/{slug}/awards/{award_id}/{action}")
def status_change(
    request: Request,
    slug: str,
    award_id: str,
    action: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    page = org_page(db, user, slug)
    if action not in _STATUS_VERBS:
        raise NotFound("There is no such action for a credential.", code="not_found")
    page.require(db, "award.revoke")
    award = _award(db, page, award_id)
    reason = form_text(form, "reason", 1000)
    if action in ("revoke", "suspend") and not reason:
        return render(
            request,
            "dashboard/status_change.html",
            _context(
                page,
                request,
                award=award,
                title=_title(db, award),
                action=action,
                verb=_STATUS_VERBS[action][0],
                reason=reason,
                error="Give a reason: it is recorded in the audit log and shown to the learner.",
            ),
            status_code=422,
        )
    issuing.set_status(
        db,
        award.id,
        action,
        reason=reason or None,
        actor=page.principal.actor,
        base_url=settings.public_base_url,
        master_key=master_key,
    )
    return redirect(f"{page.base}/awards", done=_STATUS_VERBS[action][1])


# -- award one --------------------------------------------------------------------------


def _published(db: Session, organisation: Organisation) -> list[DefinitionVersion]:
    return [
        catalogue.get_version(db, d.published_version_id)
        for d, _ in catalogue.list_definitions(db, organisation)
        if d.published_version_id is not None
    ]


_AWARD_FIELDS: Final = (
    "definition",
    "recipient",
    "name",
    "result",
    "evidence_url",
    "evidence_narrative",
    "valid_until",
)


@router.get("/dashboard/{slug}/award", name="dashboard_award")
def award_form(request: Request, slug: str, user: SignedIn, db: DbSession) -> HTMLResponse:
    page = org_page(db, user, slug)
    page.require(db, "award.issue")
    chosen = request.query_params.get("definition", "")[:64]
    values = dict.fromkeys(_AWARD_FIELDS, "")
    values["definition"] = chosen
    values["notify"] = "on"
    return render(
        request,
        "dashboard/award.html",
        _context(
            page, request, versions=_published(db, page.organisation), values=values, error=None
        ),
    )


@router.post("/dashboard/{slug}/award")
def award_one(
    request: Request,
    slug: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    page = org_page(db, user, slug)
    page.require(db, "award.issue")
    organisation = page.organisation
    values = {name: form_text(form, name, 5000) for name in _AWARD_FIELDS}
    values["notify"] = "on" if form.get("notify") == "on" else ""
    recipient = values["recipient"]
    try:
        check(
            bool(values["definition"]),
            InvalidInput("Choose the credential to award.", code="invalid_award"),
        )
        check(
            bool(recipient),
            InvalidInput("Enter the learner's e-mail address or DID.", code="invalid_award"),
        )
        version = catalogue.published_version(db, organisation, values["definition"])
        evidence = []
        if values["evidence_url"] or values["evidence_narrative"]:
            evidence.append(
                EvidenceInput(
                    url=values["evidence_url"] or None,
                    narrative=values["evidence_narrative"] or None,
                )
            )
        with db.begin_nested():
            result = issuing.issue(
                db,
                organisation=organisation,
                version=version,
                actor=page.principal.actor,
                base_url=settings.public_base_url,
                master_key=master_key,
                recipient_email=None if recipient.startswith("did:") else recipient,
                recipient_did=recipient if recipient.startswith("did:") else None,
                recipient_name=values["name"] or None,
                evidence=evidence,
                result=values["result"] or None,
                valid_until=values["valid_until"] or None,
                source="web",
            )
    except (InvalidInput, NotFound, Conflict) as exc:
        return render(
            request,
            "dashboard/award.html",
            _context(
                page,
                request,
                versions=_published(db, organisation),
                values=values,
                error=exc.message,
            ),
            status_code=422,
        )
    notify = values["notify"] == "on" and result.award.recipient_email is not None
    if notify:
        claims.notify_learner(
            db,
            result.award,
            organisation=organisation,
            title=version.title,
            base_url=settings.public_base_url,
        )
    award_id = result.award.public_id
    db.commit()
    if notify:
        job_runner(request).enqueue("deliver_mail")
    return redirect(f"{page.base}/awards", done="awarded", award=award_id)
