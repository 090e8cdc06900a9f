"""The did:key method (W3C CCG did:key Method v0.9).

``did:key:<mb>`` where ``<mb>`` is the key's Multikey ``publicKeyMultibase``; the DID
document holds one Multikey verification method ``did:key:<mb>#<mb>`` (section 3.1.2,
"Document Creation Algorithm", with ``publicKeyFormat`` Multikey) referenced from
``authentication``, ``assertionMethod``, ``capabilityInvocation`` and
``capabilityDelegation``. No key-agreement key is derived.
"""

from __future__ import annotations

from typing import Any

from microcred.credentials.errors import DidResolutionError, KeyFormatError
from microcred.credentials.keys import PublicKey

__all__ = ["DID_CONTEXT", "MULTIKEY_CONTEXT", "did_key", "parse_did_key", "resolve_did_key"]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_PREFIX = "did:key:"


def did_key(public: PublicKey) -> str:
    """``did:key:<publicKeyMultibase>`` for ``public`` (section 3.1.1)."""
    return _PREFIX + public.multibase


def parse_did_key(did: str) -> PublicKey:
    """The public key named by a did:key DID or DID URL (its fragment, if any, must be the
    same multibase value, as section 3.1.2 assigns). Raises :class:`DidResolutionError`."""
    if not isinstance(did, str) or not did.startswith(_PREFIX):
        raise _invalid(f"{did!r} is not a did:key DID (expected 'did:key:z...').")
    body, _, fragment = did[len(_PREFIX) :].partition("#")
    if ":" in body or "?" in body or "/" in body:
        raise _invalid(
            f"{did!r}: did:key versions, paths and query parameters are not supported; "
            "use 'did:key:<multibase>'."
        )
    try:
        key = PublicKey.from_multibase(body)
    except KeyFormatError as exc:
        raise _invalid(f"{did!r} does not hold a valid public key: {exc}") from None
    if key.algorithm == "RSA":
        raise _invalid(f"{did!r}: RSA did:key DIDs are not supported; use Ed25519 or P-256.")
    if fragment and fragment != body:
        raise _invalid(
            f"{did!r}: a did:key has one verification method, '#{body[:16]}...'; "
            f"'#{fragment}' does not exist."
        )
    return key


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of a did:key (no network). A fragment, if any, is dropped."""
    key = parse_did_key(did)
    subject = did_key(key)
    vm_id = f"{subject}#{key.multibase}"
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": subject,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": subject,
                "publicKeyMultibase": key.multibase,
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def _invalid(message: str) -> DidResolutionError:
    return DidResolutionError(message, code="invalid_did")
