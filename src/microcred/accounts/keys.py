"""Organisation signing keys: Ed25519, encrypted at rest, rotated without breaking old
credentials, and published in the organisation's DID document.

Encryption: AES-256-GCM (NIST SP 800-38D) with a 96-bit random nonce per key. The key
encryption key is derived from the deployment's master key with HKDF-SHA256 (RFC 5869)
and the associated data binds the ciphertext to its organisation id and verification
method id, so a row copied to another organisation or key id fails to decrypt.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.errors import KeyDecryptionFailed
from microcred.accounts.models import Organisation, OrganisationKey
from microcred.accounts.types import Actor
from microcred.audit.service import record
from microcred.credentials.dids import did_web_document, did_web_url, resolve_did_key
from microcred.credentials.errors import DidResolutionError
from microcred.credentials.keys import KeyFile, KeyPair, PublicKey
from microcred.errors import Conflict, InvalidInput, NotFound
from microcred.storage import utcnow

__all__ = [
    "ORGS_PATH",
    "decrypt_secret",
    "did_document",
    "did_web_for",
    "encrypt_secret",
    "key_encryption_key",
    "list_keys",
    "rotate_key",
    "signing_key",
]

#: did:web documents of organisations live at ``<base_url>/orgs/<slug>/did.json``.
ORGS_PATH = "orgs"
_HKDF_INFO = b"microcred/organisation-signing-keys/v1"
_HKDF_SALT = b"microcred-master-key-salt-v1"
_AAD_PREFIX = b"microcred/organisation-key/v1"
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def key_encryption_key(master_key: bytes) -> bytes:
    """The 256-bit AES key derived from the master key (HKDF-SHA256, RFC 5869)."""
    if len(master_key) < 32:
        raise InvalidInput(
            "The master key must be at least 32 bytes; set MICROCRED_MASTER_KEY.",
            code="invalid_master_key",
        )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        master_key
    )


def _aad(organisation_id: int, key_id: str) -> bytes:
    return b"\x00".join((_AAD_PREFIX, str(organisation_id).encode(), key_id.encode("utf-8")))


def encrypt_secret(
    secret: bytes, *, master_key: bytes, organisation_id: int, key_id: str
) -> tuple[bytes, bytes]:
    """``(nonce, ciphertext)`` of a secret key bound to its organisation and key id."""
    nonce = os.urandom(12)
    ciphertext = AESGCM(key_encryption_key(master_key)).encrypt(
        nonce, secret, _aad(organisation_id, key_id)
    )
    return nonce, ciphertext


def decrypt_secret(
    nonce: bytes, ciphertext: bytes, *, master_key: bytes, organisation_id: int, key_id: str
) -> bytes:
    """The secret key; :class:`KeyDecryptionFailed` if anything was changed or the master
    key differs from the one it was encrypted with."""
    try:
        return AESGCM(key_encryption_key(master_key)).decrypt(
            nonce, ciphertext, _aad(organisation_id, key_id)
        )
    except InvalidTag:
        raise KeyDecryptionFailed(
            f"The signing key {key_id} cannot be decrypted: MICROCRED_MASTER_KEY is not the "
            "one it was encrypted with, or the stored key was altered. Restore the original "
            "master key.",
        ) from None


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise InvalidInput(
            f"{slug!r} is not a valid organisation slug: use 1-64 lowercase letters, digits "
            "and inner hyphens, e.g. 'acme-academy'.",
            code="invalid_slug",
        )
    return slug


def did_web_for(base_url: str, slug: str) -> str:
    """The did:web DID of organisation ``slug`` served under ``base_url``.

    ``https://example.org`` -> ``did:web:example.org:orgs:<slug>``;
    ``http://localhost:8000`` -> ``did:web:localhost%3A8000:orgs:<slug>`` (did:web
    section 3.1: the port colon is percent-encoded, path slashes become colons).
    did:web needs a domain name, so a loopback address (``127.0.0.1``, ``::1``) is named
    ``localhost``; other IP addresses are refused (use did:key, or a domain).
    """
    check_slug(slug)
    parts = urlsplit(base_url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise InvalidInput(
            f"The base URL {base_url!r} is not an http(s) URL; set MICROCRED_BASE_URL.",
            code="invalid_base_url",
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if not address.is_loopback:
            raise InvalidInput(
                f"did:web needs a domain name, but the base URL {base_url!r} uses an IP "
                "address. Set MICROCRED_BASE_URL to a domain or use --did-method key.",
                code="did_web_needs_domain",
            )
        host = "localhost"
    authority = host.lower() if parts.port is None else f"{host.lower()}%3A{parts.port}"
    segments = [s for s in parts.path.split("/") if s] + [ORGS_PATH, slug]
    did = "did:web:" + ":".join([authority, *segments])
    try:
        did_web_url(did)
    except DidResolutionError as exc:
        raise InvalidInput(
            f"Cannot make a did:web DID from {base_url!r}: {exc.message}", code="invalid_base_url"
        ) from None
    return did


def add_key(
    session: Session,
    organisation: Organisation,
    *,
    master_key: bytes,
    keypair: KeyPair | None = None,
) -> OrganisationKey:
    """Store a new active key for ``organisation`` (the caller retires the old one)."""
    pair = keypair or KeyPair.generate("Ed25519")
    if organisation.did_method == "key":
        key_id = f"{organisation.did}#{pair.public.multibase}"
    else:
        count = len(list_keys(session, organisation))
        key_id = f"{organisation.did}#key-{count + 1}"
    nonce, ciphertext = encrypt_secret(
        pair.secret_bytes, master_key=master_key, organisation_id=organisation.id, key_id=key_id
    )
    row = OrganisationKey(
        organisation_id=organisation.id,
        key_id=key_id,
        algorithm=pair.algorithm,
        public_key_multibase=pair.public.multibase,
        encrypted_secret=ciphertext,
        nonce=nonce,
        status="active",
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def list_keys(session: Session, organisation: Organisation) -> Sequence[OrganisationKey]:
    """All keys of the organisation, oldest first, retired ones included."""
    return session.scalars(
        select(OrganisationKey)
        .where(OrganisationKey.organisation_id == organisation.id)
        .order_by(OrganisationKey.id)
    ).all()


def _active(session: Session, organisation: Organisation) -> OrganisationKey:
    row = session.scalar(
        select(OrganisationKey)
        .where(
            OrganisationKey.organisation_id == organisation.id,
            OrganisationKey.status == "active",
        )
        .order_by(OrganisationKey.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound(
            f"Organisation {organisation.slug!r} has no active signing key; create one with "
            f"`microcred org rotate-key {organisation.slug}`.",
            code="no_signing_key",
        )
    return row


def signing_key(session: Session, organisation: Organisation, master_key: bytes) -> KeyFile:
    """The organisation's active key, decrypted, with its verification method id and the
    organisation DID as controller."""
    row = _active(session, organisation)
    secret = decrypt_secret(
        row.nonce,
        row.encrypted_secret,
        master_key=master_key,
        organisation_id=organisation.id,
        key_id=row.key_id,
    )
    pair = KeyPair.from_secret_bytes(row.algorithm, secret)
    if pair.public.multibase != row.public_key_multibase:
        raise KeyDecryptionFailed(
            f"The signing key {row.key_id} does not match its stored public key; the key "
            "row is corrupt. Rotate the key with `microcred org rotate-key`."
        )
    return KeyFile(key=pair, id=row.key_id, controller=organisation.did)


def rotate_key(
    session: Session, organisation: Organisation, *, master_key: bytes, actor: Actor
) -> OrganisationKey:
    """A new active key; older keys become ``retired`` and stay in the DID document so
    that credentials they signed still verify. did:key organisations cannot rotate (the
    DID *is* the key)."""
    if organisation.did_method == "key":
        raise Conflict(
            f"Organisation {organisation.slug!r} uses did:key, whose identifier is its key, "
            "so the key cannot be rotated. Create a did:web organisation to rotate keys.",
            code="did_key_rotation",
        )
    now = utcnow()
    retired: list[str] = []
    for row in list_keys(session, organisation):
        if row.status == "active":
            row.status = "retired"
            row.retired_at = now
            retired.append(row.key_id)
    session.flush()
    new = add_key(session, organisation, master_key=master_key)
    record(
        session,
        actor=actor,
        action="key.rotate",
        organisation_id=organisation.id,
        subject_type="organisation_key",
        subject_id=new.key_id,
        details={"new_key": new.key_id, "retired": retired, "algorithm": new.algorithm},
    )
    return new


def did_document(session: Session, organisation: Organisation) -> dict[str, Any]:
    """The organisation's DID document, listing every key (retired ones too) as Multikey
    verification methods under ``assertionMethod``."""
    if organisation.did_method == "key":
        return resolve_did_key(organisation.did)
    rows = list_keys(session, organisation)
    if not rows:
        raise NotFound(
            f"Organisation {organisation.slug!r} has no keys yet; run "
            f"`microcred org rotate-key {organisation.slug}`.",
            code="no_signing_key",
        )
    return did_web_document(
        organisation.did,
        [PublicKey.from_multibase(row.public_key_multibase) for row in rows],
        key_ids=[row.key_id for row in rows],
    )
