"""Claim links and claiming: a learner takes an e-mailed award into their account and,
optionally, has it re-issued to a DID they prove they control.

* :func:`notify_learner` creates a single-use claim token (only its SHA-256 is stored; it
  expires) and queues the mail with ``<base_url>/claim/<token>``.
* :func:`new_challenge` gives a signed-in user a challenge for a DID-auth presentation
  (a VerifiablePresentation with ``holder`` = their DID, signed by that DID with
  ``proofPurpose`` authentication, this ``challenge`` and the ``domain``).
* :func:`claim` consumes the token (one atomic ``UPDATE ... WHERE used_at IS NULL``, so a
  token works once even under concurrency), links the award to the user and, with a
  verified presentation, issues a new credential bound to the DID
  (``credentialSubject.id``) and marks the e-mail-bound one ``superseded`` (its revocation
  bit is set; the status list is re-signed).
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Actor
from microcred.audit.service import record
from microcred.credentials.documents import Fetcher
from microcred.credentials.proofs import sign
from microcred.credentials.proofs.datetimes import format_datetime
from microcred.credentials.verify import verify
from microcred.issuing import service
from microcred.issuing import status as status_lists
from microcred.issuing.delivery import queue_mail
from microcred.issuing.errors import ClaimInvalid
from microcred.issuing.models import Award, ClaimToken, DidChallenge, StatusList
from microcred.storage import utcnow

__all__ = [
    "CHALLENGE_TTL",
    "DEFAULT_CLAIM_TTL",
    "ClaimResult",
    "claim",
    "claim_url",
    "create_claim_token",
    "new_challenge",
    "notify_learner",
]

DEFAULT_CLAIM_TTL = timedelta(days=30)
CHALLENGE_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class ClaimResult:
    award: Award
    superseded: Award | None = None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def claim_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/claim/{token}"


def create_claim_token(
    session: Session, award: Award, *, ttl: timedelta = DEFAULT_CLAIM_TTL
) -> str:
    """A new single-use claim token for ``award`` (the plain token; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ClaimToken(award_id=award.id, token_hash=_hash(token), created_at=now, expires_at=now + ttl)
    )
    session.flush()
    return token


def notify_learner(
    session: Session,
    award: Award,
    *,
    organisation: Organisation,
    title: str,
    base_url: str,
    ttl: timedelta = DEFAULT_CLAIM_TTL,
) -> str:
    """Queue the award mail with a fresh claim link; returns the plain claim token."""
    if not award.recipient_email:
        raise ClaimInvalid("This award has no e-mail recipient to notify.", code="no_email")
    token = create_claim_token(session, award, ttl=ttl)
    expires = (utcnow() + ttl).strftime("%Y-%m-%d")
    greeting = f"Hello {award.recipient_name}," if award.recipient_name else "Hello,"
    body = (
        f"{greeting}\n\n"
        f'{organisation.name} has awarded you the credential "{title}".\n\n'
        f"View it: {award.credential_id}\n"
        f"Claim it into your microcred account (the link works once, until {expires}):\n"
        f"{claim_url(base_url, token)}\n\n"
        "When you claim it you can also have it re-issued to a DID of your own wallet.\n"
    )
    queue_mail(
        session,
        to=award.recipient_email,
        subject=f"Your credential from {organisation.name}: {title}",
        body=body,
        award_id=award.id,
    )
    return token


def new_challenge(session: Session, user: User) -> DidChallenge:
    """A fresh challenge for a DID-auth presentation by ``user`` (valid 10 minutes, once)."""
    now = utcnow()
    row = DidChallenge(
        challenge=secrets.token_urlsafe(24),
        user_id=user.id,
        created_at=now,
        expires_at=now + CHALLENGE_TTL,
    )
    session.add(row)
    session.flush()
    return row


def _use_token(session: Session, token: str, user: User, now: datetime) -> Award:
    row = session.scalar(select(ClaimToken).where(ClaimToken.token_hash == _hash(token)))
    if row is None:
        raise ClaimInvalid(
            "This claim link is not valid; use the link from your latest award e-mail.",
            code="claim_unknown",
        )
    if row.expires_at <= now:
        raise ClaimInvalid(
            "This claim link has expired; ask the issuer to send the award again.",
            code="claim_expired",
        )
    used = session.execute(
        update(ClaimToken)
        .where(ClaimToken.id == row.id, ClaimToken.used_at.is_(None))
        .values(used_at=now, used_by_user_id=user.id)
        .returning(ClaimToken.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if used is None:
        raise ClaimInvalid("This claim link was already used.", code="claim_used")
    award = session.get(Award, row.award_id)
    assert award is not None
    if award.status in ("revoked", "superseded"):
        raise ClaimInvalid(
            f"This credential is {award.status} and cannot be claimed.", code="claim_revoked"
        )
    return award


def _use_challenge(session: Session, challenge: str, user: User, now: datetime) -> None:
    used = session.execute(
        update(DidChallenge)
        .where(
            DidChallenge.challenge == challenge,
            DidChallenge.user_id == user.id,
            DidChallenge.used_at.is_(None),
            DidChallenge.expires_at > now,
        )
        .values(used_at=now)
        .returning(DidChallenge.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if used is None:
        raise ClaimInvalid(
            "The presentation's challenge is unknown, expired or used; ask for a new one "
            "(POST /api/claims/challenge) and sign again.",
            code="challenge_invalid",
        )


def _proven_did(
    presentation: Mapping[str, Any], *, challenge: str, domain: str, fetcher: Fetcher | None
) -> str:
    report = verify(dict(presentation), fetcher=fetcher, challenge=challenge, domain=domain)
    if report.kind != "presentation":
        raise ClaimInvalid(
            "The proof of DID control must be a VerifiablePresentation.", code="did_auth_failed"
        )
    names = {c.name for c in report.checks if c.status.value == "passed"}
    if report.failures or not {"proof", "holder", "challenge", "domain"} <= names:
        problems = "; ".join(c.message for c in report.failures) or "proof not verified"
        raise ClaimInvalid(
            f"The DID presentation did not verify: {problems}", code="did_auth_failed"
        )
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
    if not isinstance(holder_id, str) or not holder_id.startswith("did:"):
        raise ClaimInvalid("The presentation's holder must be a DID.", code="did_auth_failed")
    return holder_id


def claim(
    session: Session,
    token: str,
    *,
    user: User,
    base_url: str,
    master_key: bytes,
    presentation: Mapping[str, Any] | None = None,
    domain: str | None = None,
    fetcher: Fetcher | None = None,
    now: datetime | None = None,
) -> ClaimResult:
    """Claim an award with its token. With ``presentation`` (DID auth, verified against a
    challenge this server issued to ``user`` and ``domain``), the award is re-issued to
    the DID and the e-mail-bound one is superseded."""
    when = now or utcnow()
    award = _use_token(session, token, user, when)
    actor = Actor(kind="user", id=str(user.id), label=user.email)
    award.user_id = user.id
    award.claimed_at = when
    if presentation is None:
        session.flush()
        record(
            session,
            actor=actor,
            action="award.claim",
            organisation_id=award.organisation_id,
            subject_type="award",
            subject_id=award.credential_id,
            details={},
        )
        return ClaimResult(award)
    proof = presentation.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    challenges = [p.get("challenge") for p in proofs if isinstance(p, Mapping)]
    challenge = next((c for c in challenges if isinstance(c, str)), None)
    if challenge is None:
        raise ClaimInvalid(
            "The presentation's proof has no challenge; get one from POST /api/claims/challenge.",
            code="challenge_invalid",
        )
    _use_challenge(session, challenge, user, when)
    did = _proven_did(presentation, challenge=challenge, domain=domain or base_url, fetcher=fetcher)
    new = _rebind(
        session, award, did=did, base_url=base_url, master_key=master_key, actor=actor, now=when
    )
    new.user_id = user.id
    new.claimed_at = when
    award.status = "superseded"
    award.status_reason = f"re-issued to {did} as {new.credential_id}"
    award.status_changed_at = when
    award.superseded_by_id = new.id
    session.flush()
    organisation = session.get(Organisation, award.organisation_id)
    assert organisation is not None
    status_lists.mark_changed(session, award.revocation_list_id)
    status_list = session.get(StatusList, award.revocation_list_id)
    assert status_list is not None
    status_lists.render(
        session,
        status_list,
        org_slug=organisation.slug,
        issuer=organisation.did,
        base_url=base_url,
        key=org_keys.signing_key(session, organisation, master_key),
        now=when,
    )
    record(
        session,
        actor=actor,
        action="award.claim",
        organisation_id=award.organisation_id,
        subject_type="award",
        subject_id=award.credential_id,
        details={"did": did, "reissued_as": new.credential_id},
    )
    return ClaimResult(new, superseded=award)


def _rebind(
    session: Session,
    award: Award,
    *,
    did: str,
    base_url: str,
    master_key: bytes,
    actor: Actor,
    now: datetime,
) -> Award:
    """A copy of ``award``'s credential bound to ``did``: new id, new status entries,
    ``credentialSubject.id`` = the DID (the hashed identifiers stay), signed afresh."""
    organisation = session.get(Organisation, award.organisation_id)
    assert organisation is not None
    document: dict[str, Any] = copy.deepcopy(json.loads(award.credential_json))
    document.pop("proof", None)
    public_id = str(uuid.uuid4())
    document["id"] = service.credential_url(base_url, public_id)
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        document["credentialSubject"] = {
            "type": subject.get("type"),
            "id": did,
            **{k: v for k, v in subject.items() if k not in ("type", "id")},
        }
    document["validFrom"] = format_datetime(now.replace(microsecond=0))
    document["awardedDate"] = document.get("awardedDate", document["validFrom"])
    rev_list, rev_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="revocation"
    )
    sus_list, sus_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="suspension"
    )
    document["credentialStatus"] = service.status_entries(
        base_url, organisation.slug, rev_list, rev_index, sus_list, sus_index
    )
    key = org_keys.signing_key(session, organisation, master_key)
    signed = sign(document, key.key, verification_method=key.id, created=now.replace(microsecond=0))
    new = Award(
        public_id=public_id,
        credential_id=document["id"],
        organisation_id=organisation.id,
        definition_version_id=award.definition_version_id,
        external_id=None,
        recipient_email=award.recipient_email,
        recipient_did=did,
        recipient_name=award.recipient_name,
        identity_salt=award.identity_salt,
        status="active",
        revocation_list_id=rev_list.id,
        revocation_index=rev_index,
        suspension_list_id=sus_list.id,
        suspension_index=sus_index,
        credential_json=status_lists.dump_json(signed),
        source="claim",
        valid_from=now.replace(microsecond=0),
        valid_until=award.valid_until,
        issued_at=now,
        issued_by=actor.label,
    )
    session.add(new)
    session.flush()
    record(
        session,
        actor=actor,
        action="award.issue",
        organisation_id=organisation.id,
        subject_type="award",
        subject_id=new.credential_id,
        details={"source": "claim", "supersedes": award.credential_id},
    )
    return new
