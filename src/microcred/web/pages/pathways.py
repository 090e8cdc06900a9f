"""The learner's pathway and programme pages: ``/wallet/pathways`` (progress on each
pathway: what is done, what is left, which published catalogue items would close the gap,
and the stacked credential once awarded) and ``/wallet/programmes`` (the credit held
toward each programme). Only credentials that verify now count."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from microcred.issuing.models import Award
from microcred.pathways import articulation, progress
from microcred.wallet import service as wallet
from microcred.wallet.models import WalletItem
from microcred.web.api.pathways import fetcher_for
from microcred.web.deps import AppSettings, DbSession, MasterKey
from microcred.web.pages.rendering import page_router, render
from microcred.web.pages.viewer import SignedIn

__all__ = ["router"]

router = page_router()


@router.get("/wallet/pathways", name="wallet_pathways")
def pathways_page(
    request: Request, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    fetcher = fetcher_for(db, settings, master_key)
    holdings = progress.holdings_of(db, user, fetcher=fetcher, base_url=settings.public_base_url)
    items = progress.pathway_progress(
        db, user, fetcher=fetcher, base_url=settings.public_base_url, holdings=holdings
    )
    wallet.sync_claimed(db, user)
    stacks: dict[int, str] = {}
    for item in items:
        if item.awarded is not None and item.awarded.award_id is not None:
            public_id = db.scalar(
                select(WalletItem.public_id).where(
                    WalletItem.user_id == user.id, WalletItem.award_id == item.awarded.award_id
                )
            )
            award = db.get(Award, item.awarded.award_id)
            if public_id is not None and award is not None:
                stacks[item.pathway.id] = public_id
    item_ids = {h.credential_id: h.item_id for h in holdings.credentials}
    return render(
        request,
        "pathways/index.html",
        {
            "active_nav": "wallet",
            "wallet_tab": "pathways",
            "items": items,
            "stacks": stacks,
            "item_ids": item_ids,
        },
    )


@router.get("/wallet/programmes", name="wallet_programmes")
def programmes_page(
    request: Request, user: SignedIn, db: DbSession, settings: AppSettings, master_key: MasterKey
) -> HTMLResponse:
    held_credit = articulation.programme_credits(
        db,
        user,
        fetcher=fetcher_for(db, settings, master_key),
        base_url=settings.public_base_url,
    )
    return render(
        request,
        "pathways/programmes.html",
        {"active_nav": "wallet", "wallet_tab": "programmes", "credits": held_credit},
    )
