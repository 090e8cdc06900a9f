"""Auto-award of stacked credentials.

When a learner's counting credentials (:mod:`microcred.pathways.progress`) meet a
pathway's rules, the pathway's organisation awards the pathway's definition to the learner
through :func:`microcred.issuing.service.issue` (signed with the organisation's key,
``eddsa-rdfc-2022``, status entries like any award) and the award goes straight into the
learner's wallet (``awards.user_id``; nothing to claim). The credential names its
components with terms the contexts define:

* ``evidence``: one OB 3.0 ``Evidence`` per component (``id`` = the component
  credential's id, ``name`` = its title, ``genre`` "Component credential",
  ``description`` naming the issuer);
* ``relatedResource`` (VC 2.0 §5.3): ``{"id": <component id>, "digestMultibase": ...}``
  per component, the SHA-256 of the component's stored bytes
  (:mod:`microcred.pathways.digests`), so the link is verifiable;
* ``credentialSubject.creditsEarned`` (OB 3.0): the sum of the components' ECTS
  (``creditsAvailable``).

Triggers (the callers): after an award is claimed into a wallet, after an import verified,
and the sweep :func:`evaluate_all` (``microcred pathways evaluate``). Idempotent: the
``pathway_awards`` row is unique per (pathway, learner) and the award's external id is
``pathway-<pathway id>-<user id>``, so a pathway is never awarded twice to a learner, even
by two concurrent evaluations. A component revoked later stops counting for *new*
evaluations, but an already issued stacked credential is not revoked automatically (the
issuer decides; it stays listed in the pathway's awards).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from microcred.accounts.models import User
from microcred.accounts.types import Actor
from microcred.audit.service import record
from microcred.catalogue import service as catalogue
from microcred.credentials.documents import Fetcher
from microcred.issuing import service as issuing
from microcred.issuing.models import Award
from microcred.pathways import rules as rule_tree
from microcred.pathways.models import Pathway, PathwayAward
from microcred.pathways.progress import holdings_of
from microcred.pathways.types import HeldCredential
from microcred.storage import utcnow
from microcred.wallet import service as wallet
from microcred.wallet.models import WalletItem

__all__ = ["PATHWAY_ACTOR", "SweepSummary", "award_stack", "evaluate_all", "evaluate_user"]

PATHWAY_ACTOR = Actor.system("pathways")
#: A stack of stacks is awarded in the next round; the rounds stop when nothing new is
#: awarded (at most this many, against cycles the validation already refuses).
MAX_ROUNDS = 5


def _total_ects(components: tuple[HeldCredential, ...]) -> float:
    seen: dict[str, float] = {}
    for held in components:
        key = held.definition or held.credential_id
        seen[key] = max(seen.get(key, 0.0), held.ects or 0.0)
    return round(sum(seen.values()), 6)


def _extras(components: tuple[HeldCredential, ...]) -> dict[str, Any]:
    return {
        "evidence": [
            {
                "id": held.credential_id,
                "type": ["Evidence"],
                "name": held.title[:200],
                "description": f"Component credential issued by {held.issuer or 'its issuer'}."[
                    :500
                ],
                "genre": "Component credential",
            }
            for held in components
        ],
        "relatedResource": [
            {"id": held.credential_id, "digestMultibase": held.digest} for held in components
        ],
    }


def award_stack(
    session: Session,
    pathway: Pathway,
    user: User,
    outcome: rule_tree.Outcome,
    *,
    base_url: str,
    master_key: bytes,
    actor: Actor = PATHWAY_ACTOR,
    now: datetime | None = None,
) -> PathwayAward | None:
    """Award ``pathway``'s credential to ``user`` (whose ``outcome`` is met). Returns the
    new row, or None when the learner already has it (or the stack definition is not
    published: then nothing is awarded, and the next evaluation tries again)."""
    if session.scalar(
        select(PathwayAward.id).where(
            PathwayAward.pathway_id == pathway.id, PathwayAward.user_id == user.id
        )
    ):
        return None
    organisation = pathway.organisation
    if pathway.definition.published_version_id is None:
        return None
    version = catalogue.get_version(session, pathway.definition.published_version_id)
    when = (now or utcnow()).replace(microsecond=0)
    components = outcome.used
    earned = _total_ects(components)
    with session.begin_nested():
        result = issuing.issue(
            session,
            organisation=organisation,
            version=version,
            actor=actor,
            base_url=base_url,
            master_key=master_key,
            recipient_email=user.email,
            recipient_did=user.did or None,
            recipient_name=user.display_name or None,
            external_id=f"pathway-{pathway.public_id}-{user.id}",
            source="pathway",
            now=when,
            subject_extra={"creditsEarned": earned},
            document_extra=_extras(components),
        )
        award: Award = result.award
        if award.user_id is None:
            award.user_id = user.id
            award.claimed_at = when
        row = PathwayAward(
            pathway_id=pathway.id,
            user_id=user.id,
            award_id=award.id,
            components=[
                {"id": h.credential_id, "digestMultibase": h.digest, "title": h.title}
                for h in components
            ],
            credits=earned,
            awarded_at=when,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            # A concurrent evaluation awarded it first; the external id made the award the
            # same one, so there is nothing to undo.
            return None
        wallet.sync_claimed(session, user)  # in the wallet now, nothing to claim
    record(
        session,
        actor=actor,
        action="pathway.award",
        organisation_id=organisation.id,
        subject_type="pathway",
        subject_id=pathway.slug,
        details={
            "credential": award.credential_id,
            "user": user.id,
            "components": [h.credential_id for h in components],
            "credits": earned,
        },
    )
    return row


def evaluate_user(
    session: Session,
    user: User,
    *,
    base_url: str,
    master_key: bytes,
    fetcher: Fetcher,
    now: datetime | None = None,
) -> list[PathwayAward]:
    """Award every active pathway whose rules ``user`` now meets (idempotent)."""
    awarded: list[PathwayAward] = []
    for _ in range(MAX_ROUNDS):
        done = set(
            session.scalars(select(PathwayAward.pathway_id).where(PathwayAward.user_id == user.id))
        )
        pending = [
            p
            for p in session.scalars(
                select(Pathway).where(Pathway.status == "active").order_by(Pathway.id)
            )
            if p.id not in done
        ]
        if not pending:
            break
        holdings = holdings_of(session, user, fetcher=fetcher, base_url=base_url, now=now)
        new: list[PathwayAward] = []
        for pathway in pending:
            outcome = rule_tree.evaluate(rule_tree.parse_rules(pathway.rules), holdings)
            if not outcome.met:
                continue
            row = award_stack(
                session, pathway, user, outcome, base_url=base_url, master_key=master_key, now=now
            )
            if row is not None:
                new.append(row)
        awarded.extend(new)
        if not new:
            break
    return awarded


@dataclass
class SweepSummary:
    learners: int = 0
    awarded: list[tuple[str, str, str]] = field(default_factory=list)  # (email, pathway, id)


def evaluate_all(
    session: Session,
    *,
    base_url: str,
    master_key: bytes,
    fetcher: Fetcher,
    email: str | None = None,
    now: datetime | None = None,
) -> SweepSummary:
    """The sweep: evaluate every learner holding a credential (or just ``email``)."""
    query = select(User).where(
        User.id.in_(select(WalletItem.user_id)) | User.id.in_(select(Award.user_id))
    )
    if email is not None:
        query = select(User).where(User.email == email.strip().lower())
    summary = SweepSummary()
    for user in session.scalars(query.order_by(User.id)).all():
        summary.learners += 1
        for row in evaluate_user(
            session, user, base_url=base_url, master_key=master_key, fetcher=fetcher, now=now
        ):
            pathway = session.get(Pathway, row.pathway_id)
            award = session.get(Award, row.award_id) if row.award_id else None
            summary.awarded.append(
                (
                    user.email,
                    pathway.slug if pathway else "",
                    award.credential_id if award else "",
                )
            )
    return summary
