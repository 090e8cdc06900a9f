"""Endorsements: an organisation vouches for a definition or a provider with a signed
Open Badges 3.0 ``EndorsementCredential`` (OB 3.0 spec, "EndorsementCredential" and
"EndorsementSubject": ``credentialSubject`` has ``id`` (the endorsed achievement or
profile), ``type`` ``EndorsementSubject`` and ``endorsementComment``).

The endorser's owners (or its ``manage`` tokens) endorse in its name; the credential is
signed with the endorser's organisation key (``eddsa-rdfc-2022``) and stored byte for
byte; ``GET /endorsements/{id}`` serves it as stored. An organisation cannot endorse
itself or its own definitions.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.service import authorize, get_organisation
from microcred.accounts.types import Actor, Principal
from microcred.audit.service import record
from microcred.catalogue.access import is_operator
from microcred.catalogue.achievement import achievement_id
from microcred.catalogue.service import published_version
from microcred.credentials.model import OB3_CONTEXT, VC_V2_CONTEXT
from microcred.credentials.proofs import sign
from microcred.errors import InvalidInput
from microcred.quality.errors import EndorsementNotFound, SelfEndorsement
from microcred.quality.models import Endorsement
from microcred.quality.types import TARGET_TYPES, z
from microcred.storage import utcnow

__all__ = [
    "ENDORSEMENT_CONTEXTS",
    "endorse",
    "endorsement_document",
    "endorsements_of_definition",
    "endorsements_of_organisation",
    "get_endorsement",
    "withdraw_endorsement",
]

ENDORSEMENT_CONTEXTS: Final[list[str]] = [VC_V2_CONTEXT, OB3_CONTEXT]
MAX_COMMENT: Final = 5000


def _authorize(session: Session, principal: Principal | None, organisation: Organisation) -> None:
    """Owners of ``organisation`` (or its ``manage`` tokens); the CLI operator
    (:data:`microcred.catalogue.access.OPERATOR`) acts for any organisation."""
    if principal is not None and is_operator(principal):
        return
    authorize(session, principal, organisation, "org.update")


def endorse(
    session: Session,
    *,
    principal: Principal | None,
    endorser: Organisation,
    target_type: str,
    organisation: str,
    definition: str | None = None,
    comment: str,
    base_url: str,
    master_key: bytes,
) -> Endorsement:
    """Sign and store an endorsement of ``organisation`` (a provider) or of its
    ``definition`` (the current published version's Achievement)."""
    _authorize(session, principal, endorser)
    if target_type not in TARGET_TYPES:
        raise InvalidInput("target must be 'definition' or 'organisation'.", code="invalid_target")
    comment = comment.strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise InvalidInput(
            f"Say why you endorse it (1-{MAX_COMMENT} characters).", code="invalid_comment"
        )
    target_org = get_organisation(session, organisation[:64])
    if target_org.id == endorser.id:
        raise SelfEndorsement(
            f"{endorser.name} cannot endorse itself or its own definitions; endorsements "
            "come from other organisations."
        )
    base = base_url.rstrip("/")
    if target_type == "definition":
        if not definition:
            raise InvalidInput("Name the definition to endorse.", code="invalid_target")
        version = published_version(session, target_org, definition[:64])
        slug = version.definition.slug
        subject_id = achievement_id(base, target_org.slug, slug, version.version)
        target_key = f"{target_org.slug}/{slug}"
        target_name = version.title
    else:
        subject_id = target_org.did
        target_key = target_org.slug
        target_name = target_org.name
    public_id = str(uuid.uuid4())
    now = utcnow().replace(microsecond=0)
    credential_id = f"{base}/endorsements/{public_id}"
    document: dict[str, Any] = {
        "@context": list(ENDORSEMENT_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"{endorser.name} endorses {target_name}"[:500],
        "issuer": {"id": endorser.did, "type": ["Profile"], "name": endorser.name},
        "validFrom": z(now),
        "credentialSubject": {
            "id": subject_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
    }
    key = org_keys.signing_key(session, endorser, master_key)
    signed = sign(document, key.key, verification_method=key.id, created=now)
    row = Endorsement(
        public_id=public_id,
        endorser_id=endorser.id,
        target_type=target_type,
        target_key=target_key,
        target_organisation_id=target_org.id,
        subject_id=subject_id,
        comment=comment,
        credential_id=credential_id,
        credential_json=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        created_at=now,
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=principal.actor if principal is not None else Actor.system("quality"),
        action="endorsement.issue",
        organisation_id=endorser.id,
        subject_type="endorsement",
        subject_id=public_id,
        details={"target": target_type, "key": target_key, "subject": subject_id},
    )
    return row


def endorsement_document(row: Endorsement) -> dict[str, Any]:
    value = json.loads(row.credential_json)
    assert isinstance(value, dict)
    return value


def get_endorsement(session: Session, public_id: str) -> Endorsement:
    found = session.scalar(select(Endorsement).where(Endorsement.public_id == public_id[:36]))
    if found is None:
        raise EndorsementNotFound(f"No endorsement {public_id[:36]!r}.")
    return found


def withdraw_endorsement(
    session: Session, *, principal: Principal | None, public_id: str
) -> Endorsement:
    row = get_endorsement(session, public_id)
    endorser = session.get(Organisation, row.endorser_id)
    assert endorser is not None
    _authorize(session, principal, endorser)
    if row.withdrawn_at is None:
        row.withdrawn_at = utcnow()
        session.flush()
        record(
            session,
            actor=principal.actor if principal is not None else Actor.system("quality"),
            action="endorsement.withdraw",
            organisation_id=endorser.id,
            subject_type="endorsement",
            subject_id=row.public_id,
        )
    return row


def endorsements_of_definition(
    session: Session, organisation: Organisation, slug: str
) -> Sequence[tuple[Endorsement, Organisation]]:
    return _list(session, "definition", f"{organisation.slug}/{slug}")


def endorsements_of_organisation(
    session: Session, organisation: Organisation
) -> Sequence[tuple[Endorsement, Organisation]]:
    return _list(session, "organisation", organisation.slug)


def _list(session: Session, kind: str, key: str) -> Sequence[tuple[Endorsement, Organisation]]:
    rows = session.execute(
        select(Endorsement, Organisation)
        .join(Organisation, Organisation.id == Endorsement.endorser_id)
        .where(
            Endorsement.target_type == kind,
            Endorsement.target_key == key,
            Endorsement.withdrawn_at.is_(None),
        )
        .order_by(Endorsement.id)
    ).all()
    return [(row[0], row[1]) for row in rows]
