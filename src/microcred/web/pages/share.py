"""``/share/{token}``: the page a learner's share link opens, and its presentation.

Each credential is verified again when the page is opened (signature, issuer, status,
dates). ``/share/{token}/presentation.json`` is an unsigned W3C VerifiablePresentation of
the original signed credentials (see :mod:`microcred.wallet.sharing` for the trust
model). An expired or revoked link answers 410 Gone with a page that says so; an unknown
one 404.
"""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import Response

from microcred.accounts.models import User
from microcred.wallet import service, sharing
from microcred.wallet.errors import ShareGone
from microcred.web.api.issuing import local_fetcher
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.rendering import error_page, page_router, render
from microcred.web.pages.verify import plain_report
from microcred.web.pages.wallet import STATUS_LABELS

__all__ = ["router"]

router = page_router()


@router.get("/share/{token}", name="share")
def share_page(
    request: Request, token: str, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> Response:
    try:
        share = sharing.open_share(db, token)
    except ShareGone as exc:
        return error_page(request, 410, exc.code, exc.message)
    owner = db.get(User, share.user_id)
    assert owner is not None
    _, handle = service.public_name(db, share.user_id)
    fetcher = local_fetcher(db, settings, master_key)
    held = [
        service.check_item(db, item, fetcher=fetcher) for item in sharing.share_items(db, share)
    ]
    views = [plain_report(db, h.report) if h.report is not None else None for h in held]
    return render(
        request,
        "share/index.html",
        {
            "share": share,
            "holder": owner.display_name or "A learner",
            "handle": handle,
            "public": handle is not None,
            "holder_did": owner.did,
            "entries": list(zip(held, views, strict=True)),
            "status_labels": STATUS_LABELS,
            "all_verified": all(h.verified for h in held),
            "token": token,
        },
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get("/share/{token}/presentation.json", name="share_presentation")
def share_presentation(request: Request, token: str, db: DbSession) -> Response:
    try:
        share = sharing.open_share(db, token, count_view=False)
    except ShareGone as exc:
        return error_page(request, 410, exc.code, exc.message)
    body = sharing.presentation(db, sharing.share_items(db, share))
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"),
        media_type="application/vp+ld+json",
        headers={
            "Content-Disposition": 'attachment; filename="presentation.json"',
            "Cache-Control": "no-store",
        },
    )
