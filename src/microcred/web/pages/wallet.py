"""The learner's pages: claim from the e-mail link, the wallet, each credential with its
downloads, the skills portfolio, import, share links, privacy settings and the public
profile (``/people/<handle>``).

Every ``/wallet/...`` address needs a signed-in learner and only ever shows that
learner's own items and shares: another learner's ids answer 404, like missing ones.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from microcred.accounts.models import User
from microcred.config import Settings
from microcred.errors import MicrocredError, NotFound
from microcred.issuing import claims
from microcred.storage import utcnow
from microcred.wallet import exports, imports, portfolio, service, sharing
from microcred.wallet.models import WalletItem
from microcred.wallet.service import Held
from microcred.web.api import pathways as pathways_api
from microcred.web.api.issuing import local_fetcher
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.csrf import CheckedForm
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.verify import plain_report
from microcred.web.pages.viewer import PageViewer, SignedIn

__all__ = ["STATUS_LABELS", "held_item", "router", "share_url"]

router = page_router()

#: How each live status reads on a page.
STATUS_LABELS: Final = {
    "active": "Active",
    "revoked": "Revoked",
    "suspended": "Suspended",
    "expired": "Expired",
    "not-yet-valid": "Not valid yet",
    "unverified": "Not verified",
    "ob2-unverified": "Open Badges 2.0: not verified",
}
_EXPIRY_CHOICES: Final = (("7", "1 week"), ("30", "30 days"), ("365", "1 year"), ("", "Never"))


def share_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/share/{token}"


def held_item(
    db: Session, user: User, public_id: str, settings: Settings, master_key: bytes
) -> Held:
    item = service.get_item(db, user, public_id)
    return service.check_item(db, item, fetcher=local_fetcher(db, settings, master_key))


def _all_held(db: Session, user: User, settings: Settings, master_key: bytes) -> list[Held]:
    return service.held_items(db, user, fetcher=local_fetcher(db, settings, master_key))


def _context(**values: Any) -> dict[str, Any]:
    return {"active_nav": "wallet", "status_labels": STATUS_LABELS, **values}


# -- claim ----------------------------------------------------------------------------------


@router.get("/claim/{token}", name="claim")
def claim_page(request: Request, token: str, viewer: PageViewer) -> HTMLResponse:
    return render(request, "wallet/claim.html", _context(token=token[:200], viewer=viewer))


@router.post("/claim/{token}")
def claim_submit(
    request: Request,
    token: str,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    result = claims.claim(
        db,
        token[:200],
        user=user,
        base_url=settings.public_base_url,
        master_key=master_key,
        fetcher=local_fetcher(db, settings, master_key),
        now=utcnow(),
    )
    pathways_api.award_stacks(db, user, settings, master_key)  # stacked credentials now due
    service.sync_claimed(db, user)
    item = db.scalar(
        select(WalletItem).where(
            WalletItem.user_id == user.id, WalletItem.award_id == result.award.id
        )
    )
    target = f"/wallet/credentials/{item.public_id}?claimed=1" if item else "/wallet"
    return RedirectResponse(target, status_code=303)


# -- wallet --------------------------------------------------------------------------------


@router.get("/wallet", name="wallet")
def wallet_page(
    request: Request, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    held = _all_held(db, user, settings, master_key)
    return render(request, "wallet/index.html", _context(held=held))


def _downloads(held: Held, settings: Settings, user: User) -> dict[str, str]:
    base = f"/wallet/credentials/{held.item.public_id}"
    facts = held.facts
    cert_url = facts.credential_id if facts.credential_id.startswith("http") else ""
    return {
        "json": f"{base}/credential.{'jwt' if held.item.format == 'vc-jwt' else 'json'}",
        "png": f"{base}/badge.png",
        "svg": f"{base}/badge.svg",
        "pdf": f"{base}/certificate.pdf",
        "linkedin": exports.linkedin_url(
            title=facts.title,
            issuer=facts.issuer_name or facts.issuer_id,
            issued=facts.issued,
            cert_url=cert_url,
            cert_id=facts.credential_id,
        ),
        "verify": exports.verify_link(settings.public_base_url, cert_url) if cert_url else "",
    }


@router.get("/wallet/credentials/{public_id}", name="wallet_item")
def item_page(
    request: Request,
    public_id: str,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> HTMLResponse:
    held = held_item(db, user, public_id, settings, master_key)
    view = plain_report(db, held.report) if held.report is not None else None
    return render(
        request,
        "wallet/item.html",
        _context(
            held=held,
            view=view,
            links=_downloads(held, settings, user),
            claimed=request.query_params.get("claimed") == "1",
            imported=request.query_params.get("imported") == "1",
        ),
    )


def _badge_text(held: Held) -> exports.BadgeText:
    facts = held.facts
    return exports.BadgeText(facts.title, facts.issuer_name or facts.issuer_id, facts.issued)


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


def _no_baking(held: Held) -> None:
    if held.item.format == "ob2":
        raise NotFound(
            "Open Badges 2.0 badges are kept as they came; download the original instead.",
            code="no_rendering",
        )


@router.get("/wallet/credentials/{public_id}/credential.{ext}")
def download_json(public_id: str, ext: str, user: SignedIn, db: DbSession) -> Response:
    item = service.get_item(db, user, public_id)
    text = service.credential_text(db, item)
    if item.format == "vc-jwt":
        return Response(
            text, media_type="application/vc+jwt", headers=_attachment("credential.jwt")
        )
    return Response(
        text.encode("utf-8"),
        media_type="application/vc+ld+json" if item.format != "ob2" else "application/json",
        headers=_attachment("credential.json"),
    )


@router.get("/wallet/credentials/{public_id}/badge.png")
def download_png(
    public_id: str, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> Response:
    held = held_item(db, user, public_id, settings, master_key)
    _no_baking(held)
    data = exports.baked_png(_badge_text(held), held.text)
    return Response(data, media_type="image/png", headers=_attachment("badge.png"))


@router.get("/wallet/credentials/{public_id}/badge.svg")
def download_svg(
    public_id: str, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> Response:
    held = held_item(db, user, public_id, settings, master_key)
    _no_baking(held)
    data = exports.baked_svg(_badge_text(held), held.text)
    return Response(data, media_type="image/svg+xml", headers=_attachment("badge.svg"))


@router.get("/wallet/credentials/{public_id}/certificate.pdf")
def download_pdf(
    public_id: str, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> Response:
    held = held_item(db, user, public_id, settings, master_key)
    _no_baking(held)
    facts = held.facts
    cert_url = facts.credential_id if facts.credential_id.startswith("http") else ""
    data = exports.certificate_pdf(
        _badge_text(held),
        recipient=user.display_name or user.email,
        skills=[a.name for a in facts.alignments if a.kind != "ext:EQF"],
        verify_url=exports.verify_link(settings.public_base_url, cert_url),
        credential_url=cert_url,
    )
    return Response(data, media_type="application/pdf", headers=_attachment("certificate.pdf"))


@router.post("/wallet/credentials/{public_id}/delete")
def delete_item(public_id: str, form: CheckedForm, user: SignedIn, db: DbSession) -> Response:
    service.delete_item(db, user, public_id)
    return RedirectResponse("/wallet?removed=1", status_code=303)


# -- skills ---------------------------------------------------------------------------------


@router.get("/wallet/skills", name="wallet_skills")
def skills_page(
    request: Request, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    groups = portfolio.portfolio(_all_held(db, user, settings, master_key))
    return render(request, "wallet/skills.html", _context(groups=groups))


# -- import ---------------------------------------------------------------------------------


def _import_page(
    request: Request, *, error: str | None = None, status: int = 200, pasted: str = ""
) -> HTMLResponse:
    return render(
        request,
        "wallet/import.html",
        _context(error=error, pasted=pasted, max_size=f"{imports.MAX_IMPORT_BYTES // 1048576} MB"),
        status_code=status,
    )


@router.get("/wallet/import", name="wallet_import")
def import_page(request: Request, user: SignedIn) -> HTMLResponse:
    return _import_page(request)


@router.post("/wallet/import")
def import_submit(
    request: Request,
    form: CheckedForm,
    user: SignedIn,
    db: DbSession,
    settings: AppSettings,
    master_key: MasterKey,
) -> Response:
    upload = form.get("file")
    pasted = form.get("credential")
    data = b""
    if isinstance(upload, UploadFile) and (upload.filename or upload.size):
        data = upload.file.read(imports.MAX_IMPORT_BYTES + 1)
    elif isinstance(pasted, str):
        data = pasted.encode("utf-8")
    try:
        item = imports.import_credential(
            db, user, data, fetcher=local_fetcher(db, settings, master_key)
        )
    except MicrocredError as exc:
        status = (
            409
            if exc.code == "already_in_wallet"
            else 413
            if exc.code == "import_too_large"
            else 400
        )
        return _import_page(
            request,
            error=exc.message,
            status=status,
            pasted=pasted[:100_000] if isinstance(pasted, str) else "",
        )
    pathways_api.award_stacks(db, user, settings, master_key)  # stacked credentials now due
    return RedirectResponse(f"/wallet/credentials/{item.public_id}?imported=1", status_code=303)


# -- shares ---------------------------------------------------------------------------------


@router.get("/wallet/shares", name="wallet_shares")
def shares_page(
    request: Request, user: SignedIn, db: DbSession, settings: AppSettings
) -> HTMLResponse:
    items = service.list_items(db, user)
    shares = sharing.list_shares(db, user)
    now = utcnow()
    return render(
        request,
        "wallet/shares.html",
        _context(
            items=items,
            shares=[(s, sharing.share_state(s, now), share_url(settings, s.token)) for s in shares],
            expiry_choices=_EXPIRY_CHOICES,
            error=None,
        ),
    )


@router.post("/wallet/shares")
def create_share(request: Request, form: CheckedForm, user: SignedIn, db: DbSession) -> Response:
    picked = [v for v in form.getlist("item") if isinstance(v, str)][: sharing.MAX_SHARE_ITEMS + 1]
    title = form.get("title")
    expiry = form.get("expires_in_days")
    days: int | None = None
    if isinstance(expiry, str) and expiry.strip():
        try:
            days = int(expiry)
        except ValueError:
            days = -1
    share = sharing.create_share(
        db, user, picked, title=title if isinstance(title, str) else "", expires_in_days=days
    )
    return RedirectResponse(f"/wallet/shares/{share.public_id}", status_code=303)


@router.get("/wallet/shares/{public_id}", name="wallet_share")
def share_detail(
    request: Request, public_id: str, user: SignedIn, db: DbSession, settings: AppSettings
) -> HTMLResponse:
    share = sharing.get_share(db, user, public_id)
    return render(
        request,
        "wallet/share.html",
        _context(
            share=share,
            state=sharing.share_state(share),
            url=share_url(settings, share.token),
            items=sharing.share_items(db, share),
        ),
    )


@router.post("/wallet/shares/{public_id}/revoke")
def revoke_share(public_id: str, form: CheckedForm, user: SignedIn, db: DbSession) -> Response:
    share = sharing.revoke_share(db, user, public_id)
    return RedirectResponse(f"/wallet/shares/{share.public_id}", status_code=303)


# -- privacy -------------------------------------------------------------------------------


@router.get("/wallet/settings", name="wallet_settings")
def settings_page(request: Request, user: SignedIn, db: DbSession) -> HTMLResponse:
    profile = service.get_profile(db, user)
    return render(
        request, "wallet/settings.html", _context(profile=profile, error=None, saved=False)
    )


@router.post("/wallet/settings")
def settings_submit(
    request: Request, form: CheckedForm, user: SignedIn, db: DbSession
) -> HTMLResponse:
    handle = form.get("handle")
    headline = form.get("headline")
    try:
        profile = service.update_profile(
            db,
            user,
            handle=handle if isinstance(handle, str) else None,
            headline=headline if isinstance(headline, str) else None,
            public=form.get("public") == "on",
            discoverable=form.get("discoverable") == "on",
        )
    except MicrocredError as exc:
        profile = service.get_profile(db, user)
        return render(
            request,
            "wallet/settings.html",
            _context(profile=profile, error=exc.message, saved=False),
            status_code=409 if exc.code == "handle_taken" else 400,
        )
    return render(
        request, "wallet/settings.html", _context(profile=profile, error=None, saved=True)
    )


@router.get("/people/{handle}", name="person")
def person_page(
    request: Request, handle: str, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    found = service.profile_for_handle(db, handle)
    if found is None:
        raise NotFound("There is no public profile at this address.", code="profile_not_found")
    profile, person = found
    held = _all_held(db, person, settings, master_key)
    return render(
        request,
        "wallet/person.html",
        {"status_labels": STATUS_LABELS, "profile": profile, "person": person, "held": held},
    )
