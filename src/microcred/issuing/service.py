"""Use cases of issuing: award, look up, revoke / suspend / unsuspend, list.

Every function takes a Session (the caller owns the transaction) and the collaborators it
needs (base URL, master key); nothing reads settings.

An award (:func:`issue`) is one transaction: allocate a revocation and a suspension index
(:mod:`microcred.issuing.status`), build the OB 3.0 credential (contexts from the
catalogue's ``CREDENTIAL_CONTEXTS``, the Achievement from ``achievement_json``, issuer =
the organisation's DID with its Profile), sign it with ``eddsa-rdfc-2022`` (safe mode) with
the organisation's active key, store the JSON text exactly as served, and write an audit
event. With an ``external_id`` the award is idempotent per organisation.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor
from microcred.audit.service import record
from microcred.catalogue import service as catalogue_service
from microcred.catalogue.achievement import CREDENTIAL_CONTEXTS, achievement_json
from microcred.catalogue.models import DefinitionVersion
from microcred.credentials.datamodel import VC1_CONTEXT, credential_problems
from microcred.credentials.keys import KeyFile
from microcred.credentials.model import IdentityObject, hash_identity
from microcred.credentials.proofs import sign
from microcred.credentials.proofs.datetimes import format_datetime
from microcred.credentials.status import status_entry
from microcred.errors import Conflict, InvalidInput
from microcred.issuing import status as status_lists
from microcred.issuing.errors import (
    AwardInputInvalid,
    AwardNotFound,
    AwardRevoked,
    ExternalIdConflict,
)
from microcred.issuing.fields import (
    check_did,
    check_email,
    check_external_id,
    check_text,
    check_url,
    check_valid_until,
)
from microcred.issuing.models import Award, StatusList
from microcred.issuing.types import LIST_SIZE, EvidenceInput, StatusChange
from microcred.storage import utcnow

#: Added to a VC 1.1 credential issued through the VC API, for the proof and status terms.
_VC11_EXTRA_CONTEXTS = (
    "https://w3id.org/security/data-integrity/v2",
    "https://www.w3.org/ns/credentials/status/v1",
)

__all__ = [
    "AwardPage",
    "AwardSummary",
    "IssueResult",
    "award",
    "award_summary",
    "awards_per_month",
    "check_version",
    "credential_url",
    "find_award",
    "get_award",
    "get_award_by_credential_id",
    "issue",
    "issue_document",
    "list_awards",
    "recent_status_changes",
    "revoke",
    "set_status",
    "suspend",
    "unsuspend",
]

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class IssueResult:
    award: Award
    created: bool


@dataclass(frozen=True)
class AwardPage:
    items: list[Award]
    total: int
    offset: int
    limit: int


def credential_url(base_url: str, public_id: str) -> str:
    return f"{base_url.rstrip('/')}/credentials/{public_id}"


def _issuer_profile(organisation: Organisation, base_url: str) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "id": organisation.did,
        "type": ["Profile"],
        "name": organisation.name,
    }
    profile["url"] = organisation.url or f"{base_url.rstrip('/')}/orgs/{organisation.slug}"
    if organisation.email:
        profile["email"] = organisation.email
    return profile


def check_version(organisation: Organisation, version: DefinitionVersion) -> None:
    if version.definition.organisation_id != organisation.id:
        raise AwardInputInvalid(
            "That definition belongs to another organisation; award only your own definitions.",
            code="definition_not_owned",
        )
    if version.status != "published":
        raise Conflict(
            f"Version {version.version} of {version.definition.slug!r} is {version.status}, "
            "not published; publish it first (`microcred catalogue publish`).",
            code="definition_not_published",
        )


def award(
    session: Session,
    *,
    organisation: Organisation,
    version: DefinitionVersion,
    actor: Actor,
    base_url: str,
    master_key: bytes,
    recipient_email: str | None = None,
    recipient_did: str | None = None,
    recipient_name: str | None = None,
    evidence: Sequence[EvidenceInput] = (),
    result: str | None = None,
    valid_until: datetime | date | str | None = None,
    external_id: str | None = None,
) -> Award:
    """Award ``version`` to one learner; returns the (new or, by external id, existing)
    award. See :func:`issue` for the details."""
    return issue(
        session,
        organisation=organisation,
        version=version,
        actor=actor,
        base_url=base_url,
        master_key=master_key,
        recipient_email=recipient_email,
        recipient_did=recipient_did,
        recipient_name=recipient_name,
        evidence=evidence,
        result=result,
        valid_until=valid_until,
        external_id=external_id,
    ).award


def issue(
    session: Session,
    *,
    organisation: Organisation,
    version: DefinitionVersion,
    actor: Actor,
    base_url: str,
    master_key: bytes,
    recipient_email: str | None = None,
    recipient_did: str | None = None,
    recipient_name: str | None = None,
    evidence: Sequence[EvidenceInput] = (),
    result: str | None = None,
    valid_until: datetime | date | str | None = None,
    external_id: str | None = None,
    source: str = "api",
    batch_id: int | None = None,
    key: KeyFile | None = None,
    now: datetime | None = None,
    list_size: int = LIST_SIZE,
    achievement: dict[str, Any] | None = None,
    subject_extra: dict[str, Any] | None = None,
    document_extra: dict[str, Any] | None = None,
) -> IssueResult:
    """Sign and store a credential for one learner (e-mail -> hashed IdentityObject with a
    random salt; DID -> ``credentialSubject.id``; both may be given).

    ``subject_extra`` / ``document_extra`` add members to ``credentialSubject`` / the
    credential (e.g. ``creditsEarned``, ``evidence``, ``relatedResource`` of a stacked
    credential); they never replace a member set here, and safe-mode signing refuses terms
    the contexts do not define.

    Idempotent by ``(organisation, external_id)``: the same external id for the same
    recipient and definition version returns the existing award (``created`` False); for
    a different one it raises :class:`ExternalIdConflict`.
    """
    when = (now or utcnow()).replace(microsecond=0)
    email = check_email(recipient_email, field="recipient_email") if recipient_email else None
    did = check_did(recipient_did, field="recipient_did") if recipient_did else None
    if email is None and did is None:
        raise AwardInputInvalid(
            "Give the learner's e-mail address or DID (recipient_email or recipient_did)."
        )
    name = (
        check_text(recipient_name, field="recipient_name", max_length=200) or None
        if recipient_name
        else None
    )
    ext = check_external_id(external_id) if external_id is not None else None
    res = check_text(result, field="result", max_length=200) or None if result else None
    until = check_valid_until(valid_until, now=when) if valid_until is not None else None
    items = [_evidence_json(item) for item in evidence]
    check_version(organisation, version)

    if ext is not None:
        existing = _by_external_id(session, organisation.id, ext)
        if existing is not None:
            return IssueResult(_same_or_conflict(existing, email, did, version), created=False)

    rev_list, rev_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="revocation", size=list_size
    )
    sus_list, sus_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="suspension", size=list_size
    )
    public_id = str(uuid.uuid4())
    salt = secrets.token_hex(16) if email else None
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if did:
        subject["id"] = did
    identifiers: list[dict[str, Any]] = []
    if email and salt:
        identifiers.append(IdentityObject.for_email(email, salt).to_json())
    if name and salt:
        identifiers.append(
            IdentityObject(
                identity_hash=hash_identity(name, salt), identity_type="name", salt=salt
            ).to_json()
        )
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = (
        achievement if achievement is not None else achievement_json(version, base_url=base_url)
    )
    if res:
        subject["result"] = [{"type": ["Result"], "value": res}]
    for name, value in (subject_extra or {}).items():
        subject.setdefault(name, value)
    document: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXTS),
        "id": credential_url(base_url, public_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": version.title,
        "issuer": _issuer_profile(organisation, base_url),
        "validFrom": format_datetime(when),
    }
    if until is not None:
        document["validUntil"] = format_datetime(until)
    document["awardedDate"] = format_datetime(when)
    document["credentialSubject"] = subject
    if items:
        document["evidence"] = items
    for name, value in (document_extra or {}).items():
        document.setdefault(name, value)
    document["credentialStatus"] = status_entries(
        base_url, organisation.slug, rev_list, rev_index, sus_list, sus_index
    )
    signing = key or org_keys.signing_key(session, organisation, master_key)
    signed = sign(document, signing.key, verification_method=signing.id, created=when)
    row = Award(
        public_id=public_id,
        credential_id=document["id"],
        organisation_id=organisation.id,
        definition_version_id=version.id,
        external_id=ext,
        recipient_email=email,
        recipient_did=did,
        recipient_name=name,
        identity_salt=salt,
        status="active",
        revocation_list_id=rev_list.id,
        revocation_index=rev_index,
        suspension_list_id=sus_list.id,
        suspension_index=sus_index,
        credential_json=status_lists.dump_json(signed),
        source=source,
        batch_id=batch_id,
        valid_from=when,
        valid_until=until,
        issued_at=when,
        issued_by=actor.label,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # A concurrent award with the same external id won the race.
        if ext is None:
            raise
        existing = _by_external_id(session, organisation.id, ext)
        if existing is None:
            raise
        return IssueResult(_same_or_conflict(existing, email, did, version), created=False)
    record(
        session,
        actor=actor,
        action="award.issue",
        organisation_id=organisation.id,
        subject_type="award",
        subject_id=row.credential_id,
        details={
            "definition": version.definition.slug,
            "version": version.version,
            "external_id": ext,
            "recipient": "did" if did else "email",
            "source": source,
        },
    )
    return IssueResult(row, created=True)


def issue_document(
    session: Session,
    *,
    organisation: Organisation,
    credential: dict[str, Any],
    actor: Actor,
    base_url: str,
    master_key: bytes,
    source: str = "vcapi",
    now: datetime | None = None,
    list_size: int = LIST_SIZE,
) -> Award:
    """Sign a caller-supplied credential (VC API ``/credentials/issue``) as the
    organisation: sets ``issuer`` (keeping a Profile's other members), an ``id`` when
    missing, ``validFrom`` when missing, and the two status entries; signs in safe mode, so
    a document with terms its contexts do not define is refused."""
    when = (now or utcnow()).replace(microsecond=0)
    document = {k: v for k, v in credential.items() if k != "proof"}
    given_status = document.pop("credentialStatus", None)
    # Structural VC Data Model 2.0 rules first (issuer, id and validFrom are filled in
    # below when missing, so they are checked on a copy that has them).
    contexts = document.get("@context")
    vc11 = isinstance(contexts, list) and bool(contexts) and contexts[0] == VC1_CONTEXT
    probe = {
        "issuer": organisation.did,
        ("issuanceDate" if vc11 else "validFrom"): format_datetime(when),
        **document,
        **({"credentialStatus": given_status} if given_status is not None else {}),
    }
    problems = credential_problems(probe, allow_v1=True)
    if problems:
        raise AwardInputInvalid(
            "This is not a well-formed verifiable credential: " + "; ".join(problems) + ".",
            code="malformed_credential",
        )
    if vc11 and isinstance(contexts, list):
        # VC 1.1 defines neither DataIntegrityProof nor BitstringStatusListEntry; add the
        # contexts that do (as other Data Integrity issuers do), so every term is signed.
        document["@context"] = [
            *contexts,
            *(url for url in _VC11_EXTRA_CONTEXTS if url not in contexts),
        ]
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id not in (None, organisation.did):
        raise AwardInputInvalid(
            f"issuer must be this organisation's DID {organisation.did} (or left out).",
            code="issuer_mismatch",
        )
    if isinstance(issuer, dict):
        document["issuer"] = {**issuer, "id": organisation.did}
    else:
        document["issuer"] = organisation.did
    public_id = str(uuid.uuid4())
    given_id = document.get("id")
    if given_id is not None and (not isinstance(given_id, str) or ":" not in given_id):
        raise AwardInputInvalid("id must be a URL (or left out).", code="invalid_id")
    credential_id = given_id or credential_url(base_url, public_id)
    document["id"] = credential_id
    if "validFrom" not in document and "issuanceDate" not in document:
        document["issuanceDate" if vc11 else "validFrom"] = format_datetime(when)
    rev_list, rev_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="revocation", size=list_size
    )
    sus_list, sus_index = status_lists.allocate(
        session, organisation_id=organisation.id, purpose="suspension", size=list_size
    )
    # The caller's own status entries (other status methods) are kept beside ours.
    own_entries = status_entries(
        base_url, organisation.slug, rev_list, rev_index, sus_list, sus_index
    )
    if given_status is None:
        document["credentialStatus"] = own_entries
    else:
        given = given_status if isinstance(given_status, list) else [given_status]
        document["credentialStatus"] = [*given, *own_entries]
    signing = org_keys.signing_key(session, organisation, master_key)
    signed = sign(document, signing.key, verification_method=signing.id, created=when)
    subject = document.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    row = Award(
        public_id=public_id,
        credential_id=credential_id,
        organisation_id=organisation.id,
        definition_version_id=None,
        recipient_did=subject_id if isinstance(subject_id, str) else None,
        status="active",
        revocation_list_id=rev_list.id,
        revocation_index=rev_index,
        suspension_list_id=sus_list.id,
        suspension_index=sus_index,
        credential_json=status_lists.dump_json(signed),
        source=source,
        valid_from=when,
        issued_at=when,
        issued_by=actor.label,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"A credential with id {credential_id} was already issued; leave id out to get "
            "a fresh one.",
            code="credential_id_taken",
        ) from None
    record(
        session,
        actor=actor,
        action="award.issue",
        organisation_id=organisation.id,
        subject_type="award",
        subject_id=credential_id,
        details={"source": source},
    )
    return row


def status_entries(
    base_url: str,
    org_slug: str,
    rev_list: StatusList,
    rev_index: int,
    sus_list: StatusList,
    sus_index: int,
) -> list[dict[str, Any]]:
    return [
        status_entry(
            list_url=status_lists.list_url(base_url, org_slug, "revocation", rev_list.sequence),
            index=rev_index,
            purpose="revocation",
        ),
        status_entry(
            list_url=status_lists.list_url(base_url, org_slug, "suspension", sus_list.sequence),
            index=sus_index,
            purpose="suspension",
        ),
    ]


def _evidence_json(item: EvidenceInput) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["Evidence"]}
    if item.url:
        out["id"] = check_url(item.url, field="evidence.url")
    if item.name:
        out["name"] = check_text(item.name, field="evidence.name", max_length=200)
    if item.narrative:
        out["narrative"] = check_text(
            item.narrative, field="evidence.narrative", max_length=5000, multiline=True
        )
    if len(out) == 1:
        raise AwardInputInvalid("Evidence needs a url or a narrative.")
    return out


def _by_external_id(session: Session, organisation_id: int, external_id: str) -> Award | None:
    return session.scalar(
        select(Award).where(
            Award.organisation_id == organisation_id, Award.external_id == external_id
        )
    )


def _same_or_conflict(
    existing: Award, email: str | None, did: str | None, version: DefinitionVersion
) -> Award:
    if (
        existing.recipient_email == email
        and (did is None or existing.recipient_did == did or existing.superseded_by_id)
        and existing.definition_version_id == version.id
    ):
        return existing
    raise ExternalIdConflict(
        f"external_id {existing.external_id!r} was already used for another award "
        f"({existing.credential_id}); use a new external id for a different learner or "
        "definition."
    )


# -- lookups ----------------------------------------------------------------------------


def get_award(session: Session, organisation: Organisation, public_id: str) -> Award:
    """The award with ``public_id`` (the uuid in its credential URL) in ``organisation``."""
    row = session.scalar(
        select(Award).where(Award.public_id == public_id, Award.organisation_id == organisation.id)
    )
    if row is None:
        raise AwardNotFound(
            f"No award {public_id!r} in {organisation.slug!r}; list them with "
            f"GET /api/orgs/{organisation.slug}/awards."
        )
    return row


def find_award(session: Session, public_id: str) -> Award | None:
    return session.scalar(select(Award).where(Award.public_id == public_id))


def get_award_by_credential_id(session: Session, credential_id: str) -> Award:
    """The award whose credential ``id`` is ``credential_id`` (a URL), or whose public id
    (uuid) it is."""
    text = credential_id.strip()
    row = session.scalar(select(Award).where(Award.credential_id == text))
    if row is None and len(text) == 36:
        row = session.scalar(select(Award).where(Award.public_id == text))
    if row is None:
        raise AwardNotFound(
            f"No credential {credential_id[:200]!r} was issued here; pass the credential's id "
            "(its URL)."
        )
    return row


def list_awards(
    session: Session,
    organisation: Organisation,
    *,
    status: str | None = None,
    definition_id: int | None = None,
    recipient: str | None = None,
    external_id: str | None = None,
    batch_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> AwardPage:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"limit must be 1-{MAX_PAGE_SIZE}.", code="invalid_limit")
    if offset < 0:
        raise InvalidInput("offset must be >= 0.", code="invalid_offset")
    query: Select[Award] = select(Award).where(Award.organisation_id == organisation.id)
    if status is not None:
        query = query.where(Award.status == status)
    if definition_id is not None:
        query = query.where(
            Award.definition_version_id.in_(
                select(DefinitionVersion.id).where(DefinitionVersion.definition_id == definition_id)
            )
        )
    if recipient is not None:
        value = recipient.strip()
        if value.startswith("did:"):
            query = query.where(Award.recipient_did == value)
        else:
            query = query.where(Award.recipient_email == value.lower())
    if external_id is not None:
        query = query.where(Award.external_id == external_id)
    if batch_id is not None:
        query = query.where(Award.batch_id == batch_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(Award.id.desc()).offset(offset).limit(limit)))
    return AwardPage(items=items, total=total, offset=offset, limit=limit)


@dataclass(frozen=True)
class AwardSummary:
    """Counts of an organisation's awards (for the provider dashboard)."""

    total: int
    by_status: dict[str, int]
    pending_claims: int


def award_summary(session: Session, organisation: Organisation) -> AwardSummary:
    """How many awards per status, and how many e-mailed awards are not yet claimed
    (active, with an e-mail recipient, no learner account bound)."""
    by_status = {
        str(status): int(count)
        for status, count in session.execute(
            select(Award.status, func.count())
            .where(Award.organisation_id == organisation.id)
            .group_by(Award.status)
        ).all()
    }
    pending = session.scalar(
        select(func.count())
        .select_from(Award)
        .where(
            Award.organisation_id == organisation.id,
            Award.status == "active",
            Award.recipient_email.is_not(None),
            Award.user_id.is_(None),
        )
    )
    return AwardSummary(
        total=sum(by_status.values()), by_status=by_status, pending_claims=int(pending or 0)
    )


def _month_start(value: datetime) -> date:
    return date(value.year, value.month, 1)


def awards_per_month(
    session: Session, organisation: Organisation, *, months: int = 12, now: datetime | None = None
) -> list[tuple[str, int]]:
    """Awards issued per calendar month (UTC), oldest first, for the last ``months`` months
    including the current one: ``[("2025-01", 3), ...]`` (months without awards give 0)."""
    if not 1 <= months <= 120:
        raise InvalidInput("months must be between 1 and 120.", code="invalid_months")
    today = _month_start((now or utcnow()).astimezone(UTC))
    keys: list[str] = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys.reverse()
    first = datetime(int(keys[0][:4]), int(keys[0][5:]), 1, tzinfo=UTC)
    if session.get_bind().dialect.name == "postgresql":
        bucket = func.to_char(func.timezone("UTC", Award.issued_at), "YYYY-MM")
    else:
        bucket = func.strftime("%Y-%m", Award.issued_at)
    counts = {
        str(key): int(count)
        for key, count in session.execute(
            select(bucket, func.count())
            .where(Award.organisation_id == organisation.id, Award.issued_at >= first)
            .group_by(bucket)
        ).all()
    }
    return [(key, counts.get(key, 0)) for key in keys]


def recent_status_changes(
    session: Session,
    organisation: Organisation,
    *,
    statuses: Sequence[str] = ("revoked", "suspended"),
    limit: int = 10,
) -> list[Award]:
    """The awards most recently moved to one of ``statuses``, newest first."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"limit must be 1-{MAX_PAGE_SIZE}.", code="invalid_limit")
    return list(
        session.scalars(
            select(Award)
            .where(Award.organisation_id == organisation.id, Award.status.in_(list(statuses)))
            .order_by(Award.status_changed_at.desc(), Award.id.desc())
            .limit(limit)
        )
    )


def definition_slug(session: Session, award: Award) -> str | None:
    if award.definition_version_id is None:
        return None
    version = catalogue_service.get_version(session, award.definition_version_id)
    return version.definition.slug


# -- status changes ---------------------------------------------------------------------

_TRANSITIONS = {
    "revoke": (("active", "suspended"), "revoked"),
    "suspend": (("active",), "suspended"),
    "unsuspend": (("suspended",), "active"),
}


def set_status(
    session: Session,
    award_id: int,
    action: str,
    *,
    reason: str | None,
    actor: Actor,
    base_url: str,
    master_key: bytes,
    now: datetime | None = None,
) -> StatusChange:
    """Revoke, suspend or unsuspend. The change is one conditional ``UPDATE`` (only from an
    allowed state), so concurrent callers cannot corrupt the state: repeating a change that
    already happened is a no-op (``changed`` False), revoking is final (suspending or
    unsuspending a revoked award is a Conflict). The affected status list is marked changed
    and re-signed in the same transaction; an audit event records who and why."""
    sources, target = _TRANSITIONS[action]
    when = now or utcnow()
    text = check_text(reason, field="reason", max_length=1000, multiline=True) if reason else None
    changed = session.execute(
        update(Award)
        .where(Award.id == award_id, Award.status.in_(sources))
        .values(status=target, status_reason=text, status_changed_at=when)
        .returning(Award.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    award_row = session.get(Award, award_id, populate_existing=True)
    if award_row is None:
        raise AwardNotFound(f"No award {award_id}.")
    if changed is None:
        if award_row.status == target:
            return StatusChange(award_row.id, award_row.status, False, award_row.status_changed_at)
        if award_row.status in ("revoked", "superseded"):
            raise AwardRevoked(
                f"{award_row.credential_id} is {award_row.status}; revocation is final."
            )
        raise Conflict(
            f"Cannot {action} {award_row.credential_id}: it is {award_row.status}.",
            code="invalid_status_change",
        )
    organisation = session.get(Organisation, award_row.organisation_id)
    assert organisation is not None
    # Revoking also clears a suspension bit, so it touches both lists.
    touched = [award_row.suspension_list_id]
    if action == "revoke":
        touched.insert(0, award_row.revocation_list_id)
    key = org_keys.signing_key(session, organisation, master_key)
    for list_id in touched:
        status_lists.mark_changed(session, list_id)
        status_list = session.get(StatusList, list_id)
        assert status_list is not None
        status_lists.render(
            session,
            status_list,
            org_slug=organisation.slug,
            issuer=organisation.did,
            base_url=base_url,
            key=key,
            now=when,
        )
    record(
        session,
        actor=actor,
        action=f"award.{action}",
        organisation_id=organisation.id,
        subject_type="award",
        subject_id=award_row.credential_id,
        details={"reason": text},
    )
    return StatusChange(award_row.id, target, True, when)


def revoke(session: Session, award_id: int, **kwargs: Any) -> StatusChange:
    return set_status(session, award_id, "revoke", **kwargs)


def suspend(session: Session, award_id: int, **kwargs: Any) -> StatusChange:
    return set_status(session, award_id, "suspend", **kwargs)


def unsuspend(session: Session, award_id: int, **kwargs: Any) -> StatusChange:
    return set_status(session, award_id, "unsuspend", **kwargs)
