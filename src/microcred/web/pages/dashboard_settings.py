"""Organisation settings in the provider dashboard: members and roles (owners change
them), signing keys and the DID (the DID document link; owners rotate the key) and API
tokens (owners: create — the token is shown once —, list, revoke).

Everything goes through :mod:`microcred.accounts` (``add_member``/``remove_member`` keep the
last owner, ``keys.rotate_key``, ``tokens.create_token``/``revoke_token``), each checked with
:func:`~microcred.accounts.service.authorize` (``member.manage``, ``key.rotate``,
``token.manage``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Final

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts import service as accounts
from microcred.accounts import tokens as api_tokens
from microcred.accounts.models import User
from microcred.accounts.types import ORG_ROLES, SCOPES
from microcred.audit import service as audit
from microcred.config import Settings
from microcred.errors import Conflict, InvalidInput, NotFound
from microcred.storage import utcnow
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.dashboard import OrgPage, check, form_text, org_page, redirect
from microcred.web.pages.dashboard import _context as dashboard_context
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["router"]

router = page_router()

_MAX_TOKEN_DAYS: Final = 3650


def _settings_page(
    request: Request,
    page: OrgPage,
    db: Session,
    settings: Settings,
    *,
    error: str | None = None,
    error_section: str | None = None,
    new_token: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organisation = page.organisation
    tokens = api_tokens.list_tokens(db, organisation) if page.can["token.manage"] else []
    events = (
        audit.list_events(db, organisation_id=organisation.id, limit=20)
        if page.can["audit.read"]
        else []
    )
    did_document_url = (
        f"/orgs/{organisation.slug}/did.json" if organisation.did_method == "web" else None
    )
    return render(
        request,
        "dashboard/settings.html",
        dashboard_context(
            page,
            request,
            dash_nav="settings",
            members=accounts.list_members(db, organisation),
            roles=ORG_ROLES,
            scopes=SCOPES,
            keys=org_keys.list_keys(db, organisation),
            did_document_url=did_document_url,
            tokens=tokens,
            now=utcnow(),
            events=events,
            error=error,
            error_section=error_section,
            new_token=new_token,
            token_days=settings.token_ttl_days,
        ),
        status_code=status_code,
        headers={"Cache-Control": "no-store"} if new_token else None,
    )


@router.get("/dashboard/{org}/settings", name="dashboard_settings")
def settings_page(
    request: Request, org: str, user: SignedIn, db: DbSession, settings: AppSettings
) -> HTMLResponse:
    page = org_page(db, user, org)
    return _settings_page(request, page, db, settings)


def _known_user(db: Session, email: str, missing: Callable[[], NotFound]) -> User:
    """The user with ``email``, or raise ``missing()`` when it is blank or unknown."""
    member = accounts.get_user_by_email(db, email) if email else None
    check(member is not None, missing())
    assert member is not None
    return member


@router.post("/dashboard/{org}/settings/members")
def member_add(
    request: Request,
    org: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "member.manage")
    email = form_text(form, "email", 320)
    role = form_text(form, "role", 20)
    try:
        member = _known_user(
            db,
            email,
            lambda: NotFound(
                f"No user {email[:320]!r}; ask them to sign up first, then add them.",
                code="user_not_found",
            ),
        )
        with db.begin_nested():
            accounts.add_member(
                db,
                organisation=page.organisation,
                user=member,
                role=role,
                actor=page.principal.actor,
            )
    except (InvalidInput, NotFound, Conflict) as exc:
        return _settings_page(
            request, page, db, settings, error=exc.message, error_section="members", status_code=422
        )
    return redirect(f"{page.base}/settings", done="member")


@router.post("/dashboard/{org}/settings/members/remove")
def member_remove(
    request: Request,
    org: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "member.manage")
    email = form_text(form, "email", 320)
    try:
        member = _known_user(
            db,
            email,
            lambda: NotFound(f"{email[:320]!r} is not a member.", code="member_not_found"),
        )
        with db.begin_nested():
            accounts.remove_member(
                db, organisation=page.organisation, user=member, actor=page.principal.actor
            )
    except (NotFound, Conflict) as exc:
        return _settings_page(
            request, page, db, settings, error=exc.message, error_section="members", status_code=422
        )
    return redirect(f"{page.base}/settings", done="removed")


@router.post("/dashboard/{org}/settings/keys/rotate")
def key_rotate(
    request: Request,
    org: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "key.rotate")
    try:
        with db.begin_nested():
            org_keys.rotate_key(
                db, page.organisation, master_key=master_key, actor=page.principal.actor
            )
    except Conflict as exc:
        return _settings_page(
            request, page, db, settings, error=exc.message, error_section="keys", status_code=409
        )
    return redirect(f"{page.base}/settings", done="rotated")


@router.post("/dashboard/{org}/settings/tokens")
def token_create(
    request: Request,
    org: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "token.manage")
    name = form_text(form, "name", 200)
    scopes = [value for value in form.getlist("scopes") if isinstance(value, str)][:10]
    days_text = form_text(form, "expires_days", 10) or str(settings.token_ttl_days)
    try:
        check(
            days_text.isdigit() and 1 <= int(days_text) <= _MAX_TOKEN_DAYS,
            InvalidInput(
                f"Expiry must be a whole number of days from 1 to {_MAX_TOKEN_DAYS}.",
                code="invalid_expiry",
            ),
        )
        with db.begin_nested():
            _, plain = api_tokens.create_token(
                db,
                organisation=page.organisation,
                scopes=scopes,
                name=name,
                actor=page.principal.actor,
                expires_at=utcnow() + timedelta(days=int(days_text)),
                created_by_user_id=user.id,
            )
    except InvalidInput as exc:
        return _settings_page(
            request, page, db, settings, error=exc.message, error_section="tokens", status_code=422
        )
    return _settings_page(request, page, db, settings, new_token=plain)


@router.post("/dashboard/{org}/settings/tokens/{token_id}/revoke")
def token_revoke(
    request: Request,
    org: str,
    token_id: int,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
) -> Response:
    page = org_page(db, user, org)
    page.require(db, "token.manage")
    api_tokens.revoke_token(
        db, organisation=page.organisation, token_id=token_id, actor=page.principal.actor
    )
    return redirect(f"{page.base}/settings", done="token_revoked")
