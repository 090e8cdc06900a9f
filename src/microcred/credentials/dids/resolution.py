"""Resolving DIDs and verification method URLs, and deciding who controls a key.

Implements the "Retrieve Verification Method" algorithm of Controlled Identifiers 1.0
(section 3.3) for the identifiers OB 3.0 issuers use (OB 3.0 section 8.3, "Dereferencing
the Public Key"): ``did:key`` (no network), ``did:web`` and ``did:jwk``, and plain https
key URLs such as ``https://example.edu/issuers/565049#z6Mk...``.

Network access only goes through the injected :class:`~microcred.credentials.documents.Fetcher`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from microcred.credentials.dids.did_key import resolve_did_key
from microcred.credentials.dids.did_web import resolve_did_web
from microcred.credentials.dids.verification_method import (
    VerificationMethod,
    absolute_id,
    find_verification_method,
    iter_verification_methods,
    parse_verification_method,
)
from microcred.credentials.documents import Fetcher, fetch_json
from microcred.credentials.errors import (
    DidResolutionError,
    FetchError,
    KeyFormatError,
    MalformedDocument,
)
from microcred.credentials.keys import PublicKey, base64url_decode

__all__ = [
    "SUPPORTED_DID_METHODS",
    "controller_document",
    "controls",
    "is_authorized",
    "resolve_did",
    "resolve_did_jwk",
    "resolve_verification_method",
]

SUPPORTED_DID_METHODS = ("did:key", "did:web", "did:jwk")


def resolve_did(did: str, fetcher: Fetcher) -> dict[str, Any]:
    """The DID document of ``did`` (a fragment, if any, is ignored).

    did:key and did:jwk never touch ``fetcher``; did:web fetches through it.
    Raises :class:`DidResolutionError` or :class:`FetchError`.
    """
    if not isinstance(did, str):
        raise DidResolutionError("A DID must be a string.", code="invalid_did")
    if did.startswith("did:key:"):
        return resolve_did_key(did)
    if did.startswith("did:web:"):
        return resolve_did_web(did, fetcher)
    if did.startswith("did:jwk:"):
        return resolve_did_jwk(did)
    method = ":".join(did.split(":", 2)[:2]) if did.startswith("did:") else did[:40]
    raise DidResolutionError(
        f"Cannot resolve {method!r}: microcred resolves {', '.join(SUPPORTED_DID_METHODS)} "
        "and https key URLs.",
        code="unsupported_did_method",
    )


def resolve_did_jwk(did: str) -> dict[str, Any]:
    """DID document of a did:jwk (did:jwk spec, section 2.3.1 "Read"): one JsonWebKey
    method ``<did>#0``."""
    subject = did.split("#", 1)[0]
    try:
        jwk = json.loads(base64url_decode(subject[len("did:jwk:") :]))
        key = PublicKey.from_jwk(jwk)
    except (KeyFormatError, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise DidResolutionError(
            f"{subject[:60]!r} does not hold a public JWK: {exc}", code="invalid_did"
        ) from None
    vm_id = subject + "#0"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": subject,
        "verificationMethod": [
            {"id": vm_id, "type": "JsonWebKey", "controller": subject, "publicKeyJwk": key.to_jwk()}
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def resolve_verification_method(
    url: str, fetcher: Fetcher, *, trust_fragment_key: bool = False
) -> VerificationMethod:
    """The public key a proof's ``verificationMethod`` URL names.

    * ``did:key:...#...``: derived from the DID, no fetch.
    * ``did:web:...#frag`` / ``did:jwk:...``: the DID document's entry with that id.
    * ``https://host/path#frag``: the URL without fragment is fetched and may return a
      Multikey / JsonWebKey document whose ``id`` is ``url``; a controller or issuer
      profile document listing it (``verificationMethod``, ``assertionMethod``...); a bare
      JWK; or a JWK set (``keys``, matched by ``kid``).

    ``trust_fragment_key`` (default ``False``): when the key document cannot be fetched
    (:class:`FetchError`, e.g. offline) and the fragment itself is a public Multikey
    (``#z6Mk...``), use that key, marked ``derived_from_fragment=True`` with the URL
    without fragment as controller. This only proves that *someone* signed with that key;
    nothing shows that the controller published it. Use it for explicitly offline checks
    of samples that use this URL pattern, never as a silent default.
    """
    if not isinstance(url, str) or not url:
        raise DidResolutionError("A verification method URL must be a non-empty string.")
    if url.startswith("did:"):
        return _resolve_did_url(url, fetcher)
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("https", "http"):
        raise DidResolutionError(
            f"Cannot resolve verification method {url[:80]!r}: use a DID "
            f"({', '.join(SUPPORTED_DID_METHODS)}) or an https URL.",
            code="unsupported_verification_method",
        )
    base, _, fragment = url.partition("#")
    try:
        document = fetch_json(fetcher, base)
    except FetchError:
        if trust_fragment_key and fragment:
            key = _fragment_key(fragment)
            if key is not None:
                return VerificationMethod(
                    id=url,
                    controller=base,
                    public_key=key,
                    type="Multikey",
                    derived_from_fragment=True,
                )
        raise
    except MalformedDocument as exc:
        raise DidResolutionError(
            f"The key document at {base} is not a JSON object: {exc}",
            code="invalid_key_document",
        ) from None
    return _method_in_document(document, url, base, fragment)


def controller_document(controller: str, fetcher: Fetcher) -> dict[str, Any]:
    """The DID document or https profile document of an issuer / key controller."""
    if controller.startswith("did:"):
        return resolve_did(controller, fetcher)
    if urlsplit(controller).scheme.lower() in ("https", "http"):
        try:
            return fetch_json(fetcher, controller.split("#", 1)[0])
        except MalformedDocument as exc:
            raise DidResolutionError(
                f"The controller document at {controller} is not a JSON object: {exc}",
                code="invalid_key_document",
            ) from None
    raise DidResolutionError(
        f"Cannot obtain the controller document of {controller[:80]!r}: not a DID or https URL.",
        code="unsupported_verification_method",
    )


def is_authorized(
    vm: VerificationMethod,
    issuer_id: str,
    document: Mapping[str, Any] | None = None,
    purpose: str = "assertionMethod",
) -> bool:
    """Whether ``issuer_id`` authorizes ``vm`` for ``purpose`` (Controlled Identifiers 1.0,
    section 3.3 "Retrieve Verification Method", steps on verification relationships).

    With ``document`` (the issuer's DID document or profile, whose ``id`` must be
    ``issuer_id``):

    * true when the document lists ``vm.id`` under ``purpose`` (by reference, relative
      reference or embedded object);
    * otherwise, for an https issuer profile (not a DID document, whose verification
      relationships are always explicit), true only when the profile has no ``purpose``
      member at all, lists ``vm.id`` among its ``verificationMethod`` entries and
      ``vm.controller`` is the issuer (the 1EdTech profile pattern); a profile that
      enumerates ``purpose`` without the key (e.g. a key removed after compromise)
      refuses it.

    Without ``document``: true when ``vm.controller`` is the issuer and the key was obtained
    from the issuer's own identifier (``vm.id`` is ``issuer_id#...``: a did:key of the
    issuer, or a key served from the issuer's URL). A controller claimed by a key document
    hosted elsewhere is not enough.
    """
    issuer = issuer_id.split("#", 1)[0]
    if document is not None:
        if document.get("id") != issuer:
            return False
        if _lists(document, purpose, vm.id, issuer):
            return True
        if purpose in document or issuer.startswith("did:"):
            return False
        return vm.controller == issuer and _lists(document, "verificationMethod", vm.id, issuer)
    return vm.controller == issuer and vm.id.split("#", 1)[0] == issuer


def controls(
    issuer_id: str,
    vm: VerificationMethod,
    document: Mapping[str, Any] | None = None,
    purpose: str = "assertionMethod",
) -> bool:
    """Same as :func:`is_authorized`, with the issuer first."""
    return is_authorized(vm, issuer_id, document, purpose)


# -- helpers ---------------------------------------------------------------------------


def _resolve_did_url(url: str, fetcher: Fetcher) -> VerificationMethod:
    document = resolve_did(url, fetcher)
    did = document["id"]
    if "#" not in url:
        entries = list(iter_verification_methods(document))
        ids = {entry.get("id") for entry in entries}
        if len(ids) != 1:
            raise DidResolutionError(
                f"{url} names a DID with {len(ids)} keys; add the key's fragment (#...).",
                code="verification_method_not_found",
            )
        return parse_verification_method(entries[0], base=did)
    method = find_verification_method(document, url)
    if method is None:
        raise DidResolutionError(
            f"The DID document of {did} has no verification method {url}; the key may "
            "have been removed (revoked) or the URL is wrong.",
            code="verification_method_not_found",
        )
    return method


def _method_in_document(
    document: Mapping[str, Any], url: str, base: str, fragment: str
) -> VerificationMethod:
    doc_id = document.get("id")
    # 1. the document is the verification method itself
    if doc_id in (url, base if not fragment else None) and (
        "publicKeyMultibase" in document or "publicKeyJwk" in document
    ):
        method = parse_verification_method(document, base=base)
        if method.id != url:
            raise DidResolutionError(f"The key document at {base} is not {url}.")
        return method
    # 2. a controller / issuer profile document listing it
    if any(True for _ in iter_verification_methods(document)):
        listed = find_verification_method(
            {**document, "id": doc_id if isinstance(doc_id, str) else base}, url
        )
        if listed is not None:
            return listed
        raise DidResolutionError(
            f"The document at {base} does not list the key {url}; it may have been removed "
            "(revoked) or the URL is wrong.",
            code="verification_method_not_found",
        )
    # 3. a bare JWK or a JWK set
    jwk: Mapping[str, Any] | None = None
    if "kty" in document:
        kid = document.get("kid")
        if kid is None or kid in (fragment, url):
            jwk = document
    elif isinstance(document.get("keys"), list):
        keys = [k for k in document["keys"] if isinstance(k, Mapping)]
        matches = [k for k in keys if k.get("kid") in (fragment, url)]
        if not fragment and len(keys) == 1:
            matches = keys
        jwk = matches[0] if len(matches) == 1 else None
    if jwk is not None:
        clean = {k: v for k, v in jwk.items() if k not in ("kid", "use", "key_ops")}
        try:
            key = PublicKey.from_jwk(clean)
        except KeyFormatError as exc:
            raise DidResolutionError(
                f"The JWK at {base} is not a valid public key: {exc}",
                code="invalid_verification_method",
            ) from None
        return VerificationMethod(id=url, controller=base, public_key=key, type="JsonWebKey")
    raise DidResolutionError(
        f"The document at {base} holds no key {url}: expected a Multikey or JsonWebKey "
        "document, a controller document listing it, or a JWK.",
        code="verification_method_not_found",
    )


def _lists(document: Mapping[str, Any], relation: str, vm_id: str, base: str) -> bool:
    value = document.get(relation)
    items = value if isinstance(value, list) else [value]
    for item in items:
        ref = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ref, str) and absolute_id(ref, base) == vm_id:
            return True
    return False


def _fragment_key(fragment: str) -> PublicKey | None:
    try:
        return PublicKey.from_multibase(fragment)
    except KeyFormatError:
        return None
