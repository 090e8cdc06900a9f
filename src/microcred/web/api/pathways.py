"""Pathways and programmes API: providers manage them (``definition.manage``: owners and
issuers, or a ``manage`` token; reading needs ``definition.read``); learners read their
progress and credit (``/api/wallet/pathways``, ``/api/wallet/programmes``).

:func:`award_stacks` is the auto-award trigger the claim and import endpoints call.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import User
from microcred.config import Settings
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.pathways import articulation, progress, stacking
from microcred.pathways import service as pathways
from microcred.pathways.articulation import programme_items
from microcred.pathways.models import Pathway, PathwayAward, Programme
from microcred.verification.fetching import HttpsFetcher
from microcred.web.deps import AppSettings, CurrentUser, DbSession, MasterKey, Principal
from microcred.web.schemas.pathways import (
    GapItemOut,
    PathwayIn,
    PathwayOut,
    PathwayPatch,
    ProgrammeCreditItemOut,
    ProgrammeIn,
    ProgrammeItemModel,
    ProgrammeOut,
    ProgrammePatch,
    ProgressNodeOut,
    WalletPathwayOut,
    WalletProgrammeOut,
)

__all__ = ["award_stacks", "fetcher_for", "router"]

router = APIRouter(tags=["pathways"])


def fetcher_for(db: Session, settings: Settings, master_key: bytes) -> LocalDocuments:
    """This app's documents from the database; others over HTTPS when allowed."""
    fallback = HttpsFetcher() if settings.allow_network else None
    return LocalDocuments(
        db, base_url=settings.public_base_url, master_key=master_key, fallback=fallback
    )


def award_stacks(
    db: Session, user: User, settings: Settings, master_key: bytes
) -> list[PathwayAward]:
    """Award every stacked credential ``user`` now qualifies for (after a claim or import)."""
    return stacking.evaluate_user(
        db,
        user,
        base_url=settings.public_base_url,
        master_key=master_key,
        fetcher=fetcher_for(db, settings, master_key),
    )


def _z(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _pathway_out(db: Session, pathway: Pathway) -> PathwayOut:
    return PathwayOut(
        id=pathway.public_id,
        organisation=pathway.organisation.slug,
        slug=pathway.slug,
        title=pathway.title,
        description=pathway.description,
        definition=pathway.definition.slug,
        rules=pathway.rules,
        status=pathway.status,
        awards=pathways.pathway_award_count(db, pathway),
        created_at=_z(pathway.created_at),
        updated_at=_z(pathway.updated_at),
    )


def _programme_out(db: Session, programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        id=programme.public_id,
        organisation=programme.organisation.slug,
        slug=programme.slug,
        title=programme.title,
        description=programme.description,
        total_credits=programme.total_credits,
        status=programme.status,
        items=[
            ProgrammeItemModel(
                definition=f"{i.definition.organisation.slug}/{i.definition.slug}",
                credits=i.credits,
                note=i.note,
            )
            for i in programme_items(db, programme)
        ],
    )


def _items(items: list[ProgrammeItemModel]) -> list[pathways.ProgrammeItemInput]:
    return [pathways.ProgrammeItemInput(i.definition, i.credits, i.note) for i in items]


# -- providers: pathways -------------------------------------------------------------------


@router.get("/api/orgs/{org}/pathways", summary="The organisation's pathways")
def list_pathways(org: str, db: DbSession, principal: Principal) -> list[PathwayOut]:
    organisation = accounts.get_organisation(db, org)
    return [_pathway_out(db, p) for p in pathways.list_pathways(db, organisation, principal)]


@router.post("/api/orgs/{org}/pathways", status_code=201, summary="Define a pathway")
def create_pathway(org: str, body: PathwayIn, db: DbSession, principal: Principal) -> PathwayOut:
    organisation = accounts.get_organisation(db, org)
    pathway = pathways.create_pathway(
        db,
        organisation=organisation,
        slug=body.slug,
        title=body.title,
        description=body.description,
        definition=body.definition,
        rules=body.rules,
        principal=principal,
    )
    return _pathway_out(db, pathway)


@router.get("/api/orgs/{org}/pathways/{slug}", summary="One pathway")
def get_pathway(org: str, slug: str, db: DbSession, principal: Principal) -> PathwayOut:
    organisation = accounts.get_organisation(db, org)
    accounts.authorize(db, principal, organisation, "definition.read")
    return _pathway_out(db, pathways.get_pathway(db, organisation, slug))


@router.patch("/api/orgs/{org}/pathways/{slug}", summary="Change a pathway")
def update_pathway(
    org: str, slug: str, body: PathwayPatch, db: DbSession, principal: Principal
) -> PathwayOut:
    organisation = accounts.get_organisation(db, org)
    pathway = pathways.update_pathway(
        db,
        organisation=organisation,
        slug=slug,
        principal=principal,
        title=body.title,
        description=body.description,
        rules=body.rules,
        status=body.status,
    )
    return _pathway_out(db, pathway)


@router.delete(
    "/api/orgs/{org}/pathways/{slug}",
    status_code=204,
    summary="Delete a pathway (retired instead when it was awarded)",
)
def delete_pathway(org: str, slug: str, db: DbSession, principal: Principal) -> Response:
    organisation = accounts.get_organisation(db, org)
    pathways.delete_pathway(db, organisation=organisation, slug=slug, principal=principal)
    return Response(status_code=204)


# -- providers: programmes -----------------------------------------------------------------


@router.get("/api/orgs/{org}/programmes", summary="The organisation's programmes")
def list_programmes(org: str, db: DbSession, principal: Principal) -> list[ProgrammeOut]:
    organisation = accounts.get_organisation(db, org)
    return [_programme_out(db, p) for p in pathways.list_programmes(db, organisation, principal)]


@router.post("/api/orgs/{org}/programmes", status_code=201, summary="Define a programme")
def create_programme(
    org: str, body: ProgrammeIn, db: DbSession, principal: Principal
) -> ProgrammeOut:
    organisation = accounts.get_organisation(db, org)
    programme = pathways.create_programme(
        db,
        organisation=organisation,
        slug=body.slug,
        title=body.title,
        description=body.description,
        total_credits=body.total_credits,
        items=_items(body.items),
        principal=principal,
    )
    return _programme_out(db, programme)


@router.get("/api/orgs/{org}/programmes/{slug}", summary="One programme")
def get_programme(org: str, slug: str, db: DbSession, principal: Principal) -> ProgrammeOut:
    organisation = accounts.get_organisation(db, org)
    accounts.authorize(db, principal, organisation, "definition.read")
    return _programme_out(db, pathways.get_programme(db, organisation, slug))


@router.patch("/api/orgs/{org}/programmes/{slug}", summary="Change a programme")
def update_programme(
    org: str, slug: str, body: ProgrammePatch, db: DbSession, principal: Principal
) -> ProgrammeOut:
    organisation = accounts.get_organisation(db, org)
    programme = pathways.update_programme(
        db,
        organisation=organisation,
        slug=slug,
        principal=principal,
        title=body.title,
        description=body.description,
        total_credits=body.total_credits,
        items=_items(body.items) if body.items is not None else None,
        status=body.status,
    )
    return _programme_out(db, programme)


@router.delete("/api/orgs/{org}/programmes/{slug}", status_code=204, summary="Delete a programme")
def delete_programme(org: str, slug: str, db: DbSession, principal: Principal) -> Response:
    organisation = accounts.get_organisation(db, org)
    pathways.delete_programme(db, organisation=organisation, slug=slug, principal=principal)
    return Response(status_code=204)


# -- learners ------------------------------------------------------------------------------


def _node_out(node: progress.ProgressNode) -> ProgressNodeOut:
    return ProgressNodeOut(
        label=node.label,
        met=node.met,
        detail=node.detail,
        credential_id=node.credential.credential_id if node.credential else None,
        children=[_node_out(c) for c in node.children],
    )


@router.get("/api/wallet/pathways", summary="Your progress on every pathway")
def wallet_pathways(
    db: DbSession, user: CurrentUser, settings: AppSettings, master_key: MasterKey
) -> list[WalletPathwayOut]:
    out = []
    for item in progress.pathway_progress(
        db,
        user,
        fetcher=fetcher_for(db, settings, master_key),
        base_url=settings.public_base_url,
    ):
        award = (
            db.get(Award, item.awarded.award_id)
            if item.awarded is not None and item.awarded.award_id is not None
            else None
        )
        out.append(
            WalletPathwayOut(
                organisation=item.pathway.organisation.slug,
                slug=item.pathway.slug,
                title=item.pathway.title,
                credential=item.stack_title,
                met=item.outcome.met or item.awarded is not None,
                percent=item.percent,
                awarded_credential_id=award.credential_id if award else None,
                progress=_node_out(item.tree),
                gap=[
                    GapItemOut(
                        definition=g.entry.key,
                        title=g.entry.title,
                        provider=g.entry.provider,
                        reason=g.reason,
                        url=g.entry.url,
                    )
                    for g in item.gap
                ],
            )
        )
    return out


@router.get("/api/wallet/programmes", summary="The credit you hold toward each programme")
def wallet_programmes(
    db: DbSession, user: CurrentUser, settings: AppSettings, master_key: MasterKey
) -> list[WalletProgrammeOut]:
    return [
        WalletProgrammeOut(
            organisation=credit.programme.organisation.slug,
            slug=credit.programme.slug,
            title=credit.programme.title,
            total_credits=credit.total,
            earned=credit.earned,
            items=[
                ProgrammeCreditItemOut(
                    definition=i.key,
                    title=i.title,
                    provider=i.provider,
                    credits=i.credits,
                    held=i.held is not None,
                    credential_id=i.held.credential_id if i.held else None,
                )
                for i in credit.items
            ],
        )
        for credit in articulation.programme_credits(
            db,
            user,
            fetcher=fetcher_for(db, settings, master_key),
            base_url=settings.public_base_url,
        )
    ]
