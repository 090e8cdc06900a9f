"""DIDs and verification methods: did:key, did:web, did:jwk and https key URLs.

Public API::

    did_key(public) -> "did:key:z6Mk..."; resolve_did_key(did) -> DID document
    did_web_url(did) -> "https://.../did.json"; did_web_document(did, keys) -> DID document
    resolve_did(did, fetcher) -> DID document
    resolve_verification_method(url, fetcher, *, trust_fragment_key=False) -> VerificationMethod
    is_authorized(vm, issuer_id, document=None, purpose="assertionMethod") -> bool

Network access goes only through the injected ``Fetcher``. Failures raise
:class:`~microcred.credentials.errors.DidResolutionError` or ``FetchError``.
"""

from __future__ import annotations

from microcred.credentials.dids.did_key import (
    DID_CONTEXT,
    MULTIKEY_CONTEXT,
    did_key,
    parse_did_key,
    resolve_did_key,
)
from microcred.credentials.dids.did_web import (
    did_web_document,
    did_web_from_url,
    did_web_url,
    resolve_did_web,
)
from microcred.credentials.dids.resolution import (
    SUPPORTED_DID_METHODS,
    controller_document,
    controls,
    is_authorized,
    resolve_did,
    resolve_did_jwk,
    resolve_verification_method,
)
from microcred.credentials.dids.verification_method import (
    VerificationMethod,
    find_verification_method,
    parse_verification_method,
)

__all__ = [
    "DID_CONTEXT",
    "MULTIKEY_CONTEXT",
    "SUPPORTED_DID_METHODS",
    "VerificationMethod",
    "controller_document",
    "controls",
    "did_key",
    "did_web_document",
    "did_web_from_url",
    "did_web_url",
    "find_verification_method",
    "is_authorized",
    "parse_did_key",
    "parse_verification_method",
    "resolve_did",
    "resolve_did_jwk",
    "resolve_did_key",
    "resolve_did_web",
    "resolve_verification_method",
]
