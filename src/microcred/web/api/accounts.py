"""Accounts API: sign up, sessions, organisations, members, API tokens, keys, audit log.

Every organisation route goes through :func:`microcred.accounts.service.authorize`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts import service
from microcred.accounts import sessions as browser_sessions
from microcred.accounts import tokens as api_tokens
from microcred.accounts.models import ApiToken, BrowserSession, Organisation, User
from microcred.audit import service as audit
from microcred.config import Settings
from microcred.errors import NotFound, PermissionDenied
from microcred.storage import utcnow
from microcred.web.deps import (
    SESSION_COOKIE,
    AppSettings,
    BrowserSessionRow,
    CurrentUser,
    DbSession,
    MasterKey,
    Principal,
)
from microcred.web.ratelimit import rate_limited
from microcred.web.schemas.accounts import (
    AuditEventOut,
    AuditPage,
    KeyOut,
    MemberIn,
    MemberOut,
    MembershipOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    SessionOut,
    SignInIn,
    SignUpIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["accounts"])
_auth_limit = [Depends(rate_limited("auth"))]


def cookie_secure(settings: Settings) -> bool:
    """Cookies are Secure unless the app runs on plain http on the loopback interface."""
    parts = urlsplit(settings.public_base_url)
    local = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    return not (parts.scheme == "http" and local)


def _user_out(db: Session, user: User) -> UserOut:
    out = UserOut.model_validate(user)
    out.organisations = [
        MembershipOut(slug=org.slug, name=org.name, role=role)
        for org, role in service.list_organisations_for_user(db, user)
    ]
    return out


def _org_out(db: Session, org: Organisation, settings: Settings, *, keys: bool) -> OrganisationOut:
    out = OrganisationOut.model_validate(org)
    base = settings.public_base_url
    out.did_document_url = f"{base}/orgs/{org.slug}/did.json"
    out.profile_url = f"{base}/orgs/{org.slug}/profile"
    if keys:
        out.keys = [KeyOut.model_validate(k) for k in org_keys.list_keys(db, org)]
    return out


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=sorted(token.scope_set),
        created_at=token.created_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        last_used_at=token.last_used_at,
    )


# -- users and sessions -------------------------------------------------------------------
@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    dependencies=_auth_limit,
    summary="Sign up",
)
def sign_up(body: SignUpIn, db: DbSession) -> UserOut:
    user = service.create_user(
        db, email=body.email, password=body.password, display_name=body.display_name
    )
    return _user_out(db, user)


@router.post("/session", dependencies=_auth_limit, summary="Sign in (sets the session cookie)")
def sign_in(body: SignInIn, db: DbSession, settings: AppSettings, response: Response) -> SessionOut:
    user = service.authenticate_user(db, email=body.email, password=body.password)
    row, cookie = browser_sessions.start_session(db, user)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int((row.expires_at - utcnow()).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings),
        path="/",
    )
    return SessionOut(
        user=_user_out(db, user), csrf_token=row.csrf_token, expires_at=row.expires_at
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out")
def sign_out(
    db: DbSession, row: BrowserSessionRow, settings: AppSettings, response: Response
) -> None:
    browser_sessions.end_session(db, row)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings),
    )


@router.get("/me", summary="Who am I (a signed-in user, or an API token)")
def me(request: Request, db: DbSession, principal: Principal) -> MeOut:
    if principal.user is not None:
        row = getattr(request.state, "browser_session", None)
        return MeOut(
            kind="user",
            user=_user_out(db, principal.user),
            csrf_token=row.csrf_token if isinstance(row, BrowserSession) else None,
        )
    assert principal.organisation is not None
    return MeOut(
        kind="token", organisation=principal.organisation.slug, scopes=sorted(principal.scopes)
    )


# -- organisations ------------------------------------------------------------------------
@router.post("/orgs", status_code=status.HTTP_201_CREATED, summary="Create an organisation")
def create_org(
    body: OrganisationIn,
    db: DbSession,
    user: CurrentUser,
    principal: Principal,
    settings: AppSettings,
    master_key: MasterKey,
) -> OrganisationOut:
    """The signed-in user becomes its owner; an admin may name another owner."""
    owner = user
    if body.owner_email is not None and body.owner_email.strip().lower() != user.email:
        if user.platform_role != "admin":
            raise PermissionDenied(
                "Only a platform admin can create an organisation for someone else.",
                code="forbidden",
            )
        found = service.get_user_by_email(db, body.owner_email)
        if found is None:
            raise NotFound(
                f"No user {body.owner_email!r}; they must sign up first.", code="user_not_found"
            )
        owner = found
    org = service.create_organisation(
        db,
        slug=body.slug,
        name=body.name,
        base_url=settings.public_base_url,
        did_method=body.did_method,
        master_key=master_key,
        actor=principal.actor,
        owner=owner,
        url=body.url,
        description=body.description,
        country=body.country,
        email=body.email,
    )
    return _org_out(db, org, settings, keys=True)


@router.get("/orgs/{slug}", summary="An organisation (members only)")
def get_org(
    slug: str, db: DbSession, principal: Principal, settings: AppSettings
) -> OrganisationOut:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "org.read")
    return _org_out(db, org, settings, keys=True)


@router.get("/orgs/{slug}/members", summary="Members and their roles")
def list_members(slug: str, db: DbSession, principal: Principal) -> list[MemberOut]:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "org.read")
    return [_member_out(u, role) for u, role in service.list_members(db, org)]


def _member_out(user: User, role: str) -> MemberOut:
    return MemberOut(user_id=user.id, email=user.email, display_name=user.display_name, role=role)


@router.post(
    "/orgs/{slug}/members",
    status_code=status.HTTP_201_CREATED,
    summary="Add a member or change a role (owners)",
)
def add_member(slug: str, body: MemberIn, db: DbSession, principal: Principal) -> MemberOut:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "member.manage")
    user = service.get_user_by_email(db, body.email)
    if user is None:
        raise NotFound(
            f"No user {body.email!r}; ask them to sign up (POST /api/users) first.",
            code="user_not_found",
        )
    service.add_member(db, organisation=org, user=user, role=body.role, actor=principal.actor)
    return _member_out(user, body.role)


@router.delete(
    "/orgs/{slug}/members/{email}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a member (owners)",
)
def remove_member(slug: str, email: str, db: DbSession, principal: Principal) -> None:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "member.manage")
    user = service.get_user_by_email(db, email)
    if user is None:
        raise NotFound(f"{email!r} is not a member of {slug!r}.", code="member_not_found")
    service.remove_member(db, organisation=org, user=user, actor=principal.actor)


# -- tokens -------------------------------------------------------------------------------
@router.post(
    "/orgs/{slug}/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token (owners; shown once)",
)
def create_token(
    slug: str, body: TokenIn, db: DbSession, principal: Principal, settings: AppSettings
) -> TokenCreatedOut:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "token.manage")
    days = body.expires_days if body.expires_days is not None else settings.token_ttl_days
    token, plain = api_tokens.create_token(
        db,
        organisation=org,
        scopes=set(body.scopes),
        name=body.name,
        actor=principal.actor,
        expires_at=utcnow() + timedelta(days=days),
        created_by_user_id=principal.user.id if principal.user else None,
    )
    return TokenCreatedOut(token=plain, **_token_out(token).model_dump())


@router.get("/orgs/{slug}/tokens", summary="List API tokens (owners; secrets never shown)")
def list_tokens(slug: str, db: DbSession, principal: Principal) -> list[TokenOut]:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "token.manage")
    return [_token_out(t) for t in api_tokens.list_tokens(db, org)]


@router.delete("/orgs/{slug}/tokens/{token_id}", summary="Revoke an API token (owners)")
def revoke_token(slug: str, token_id: int, db: DbSession, principal: Principal) -> TokenOut:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "token.manage")
    token = api_tokens.revoke_token(db, organisation=org, token_id=token_id, actor=principal.actor)
    return _token_out(token)


# -- keys ---------------------------------------------------------------------------------
@router.get("/orgs/{slug}/keys", summary="Signing keys (public parts), retired ones too")
def list_keys(slug: str, db: DbSession, principal: Principal) -> list[KeyOut]:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "org.read")
    return [KeyOut.model_validate(k) for k in org_keys.list_keys(db, org)]


@router.post(
    "/orgs/{slug}/keys/rotate",
    status_code=status.HTTP_201_CREATED,
    summary="Rotate the signing key (owners or the manage scope)",
)
def rotate_key(slug: str, db: DbSession, principal: Principal, master_key: MasterKey) -> KeyOut:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "key.rotate")
    key = org_keys.rotate_key(db, org, master_key=master_key, actor=principal.actor)
    return KeyOut.model_validate(key)


# -- audit --------------------------------------------------------------------------------
@router.get("/orgs/{slug}/audit", summary="The audit log, newest first (owners)")
def audit_log(
    slug: str,
    db: DbSession,
    principal: Principal,
    limit: Annotated[int, Query(ge=1, le=audit.MAX_PAGE_SIZE)] = 50,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditPage:
    org = service.get_organisation(db, slug)
    service.authorize(db, principal, org, "audit.read")
    events = audit.list_events(
        db, organisation_id=org.id, limit=limit, before_id=before_id, action=action
    )
    items = [AuditEventOut.model_validate(e) for e in events]
    return AuditPage(items=items, next_before_id=items[-1].id if len(items) == limit else None)
