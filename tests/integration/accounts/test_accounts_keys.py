"""Organisation signing keys: encryption at rest, rotation, DID documents, verification of
credentials signed before a rotation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import keys, service
from microcred.accounts.errors import KeyDecryptionFailed
from microcred.accounts.models import Organisation, OrganisationKey
from microcred.accounts.types import Actor
from microcred.credentials import proofs
from microcred.credentials.dids import did_web_url
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.keys import KeyFile
from microcred.credentials.model import Achievement, Criteria, Profile, build_achievement_credential
from microcred.credentials.verify import verify
from microcred.errors import Conflict

MASTER = b"integration-master-key-0123456789abcdef"
SYSTEM = Actor.system("test")


def _org(
    session: Session, slug: str = "acme", method: str = "web", base: str = "http://127.0.0.1:8000"
) -> Organisation:
    return service.create_organisation(
        session,
        slug=slug,
        name="Acme Academy",
        base_url=base,
        did_method=method,
        master_key=MASTER,
        actor=SYSTEM,
    )


def _credential(key_file: KeyFile, serial: int) -> dict:
    unsigned = build_achievement_credential(
        id=f"urn:uuid:00000000-0000-4000-8000-{serial:012d}",
        issuer=Profile(id=key_file.controller, name="Acme Academy"),
        achievement=Achievement(
            id="https://issuers.example.org/definitions/acme/py/v1",
            name="Python basics",
            description="Writes small Python programs.",
            criteria=Criteria(narrative="Passed the final assessment."),
        ),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        subject_id="did:example:learner",
    )
    return proofs.sign(unsigned, key_file.key, verification_method=key_file.id)


def test_secret_is_encrypted_at_rest(session: Session) -> None:
    org = _org(session)
    key_file = keys.signing_key(session, org, MASTER)
    row = session.scalars(
        select(OrganisationKey).where(OrganisationKey.organisation_id == org.id)
    ).one()
    assert key_file.key.secret_bytes not in row.encrypted_secret
    assert row.public_key_multibase == key_file.public.multibase
    assert key_file.id == "did:web:localhost%3A8000:orgs:acme#key-1"
    assert key_file.controller == org.did


def test_wrong_master_key_or_moved_row_fails(session: Session) -> None:
    org, other = _org(session), _org(session, "other")
    with pytest.raises(KeyDecryptionFailed):
        keys.signing_key(session, org, b"another-master-key-0123456789abcdef!!")
    row = session.scalars(
        select(OrganisationKey).where(OrganisationKey.organisation_id == org.id)
    ).one()
    other_row = session.scalars(
        select(OrganisationKey).where(OrganisationKey.organisation_id == other.id)
    ).one()
    # An attacker with database access copies acme's key material into other's row.
    other_row.encrypted_secret, other_row.nonce = row.encrypted_secret, row.nonce
    session.flush()
    with pytest.raises(KeyDecryptionFailed):
        keys.signing_key(session, other, MASTER)


def test_rotation_keeps_old_keys_and_old_credentials_verify(session: Session) -> None:
    org = _org(session)
    old_key = keys.signing_key(session, org, MASTER)
    old_credential = _credential(old_key, 1)

    new_row = keys.rotate_key(session, org, master_key=MASTER, actor=SYSTEM)
    new_key = keys.signing_key(session, org, MASTER)
    assert new_key.id == new_row.key_id == f"{org.did}#key-2"
    assert new_key.public != old_key.public
    new_credential = _credential(new_key, 2)

    statuses = {r.key_id: r.status for r in keys.list_keys(session, org)}
    assert statuses == {old_key.id: "retired", new_key.id: "active"}
    document = keys.did_document(session, org)
    assert document["assertionMethod"] == [old_key.id, new_key.id]
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == [
        old_key.public.multibase,
        new_key.public.multibase,
    ]

    fetcher = OfflineDocuments({did_web_url(org.did): document})
    for credential in (old_credential, new_credential):
        report = verify(credential, fetcher=fetcher)
        assert report.verified, report

    # Without the old key in the document, the old credential would fail: the test can fail.
    trimmed = dict(
        document,
        verificationMethod=document["verificationMethod"][1:],
        assertionMethod=document["assertionMethod"][1:],
    )
    assert not verify(
        old_credential, fetcher=OfflineDocuments({did_web_url(org.did): trimmed})
    ).verified


def test_did_key_organisation(session: Session) -> None:
    org = _org(session, "keyed", method="key")
    key_file = keys.signing_key(session, org, MASTER)
    assert key_file.controller == org.did == key_file.key.did_key
    assert key_file.id == f"{org.did}#{key_file.public.multibase}"
    assert keys.did_document(session, org)["id"] == org.did
    credential = _credential(key_file, 3)
    assert verify(credential).verified
    with pytest.raises(Conflict) as info:
        keys.rotate_key(session, org, master_key=MASTER, actor=SYSTEM)
    assert info.value.code == "did_key_rotation"
