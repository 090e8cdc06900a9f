"""The did:web method (W3C CCG did:web Method Specification).

* ``did_web_url`` implements section 3.2 "Read (Resolve)": replace ``:`` with ``/``,
  percent-decode the port colon (``%3A``), prefix ``https://``, append
  ``/.well-known/did.json`` for a bare domain or ``/did.json`` for a path.
* ``did_web_document`` builds the document an issuer publishes at that URL.
* ``resolve_did_web`` fetches it through an injected :class:`Fetcher` and checks that its
  ``id`` is the DID (section 3.2, step 6).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from microcred.credentials.dids.did_key import DID_CONTEXT, MULTIKEY_CONTEXT
from microcred.credentials.documents import Fetcher, fetch_json
from microcred.credentials.errors import DidResolutionError, MalformedDocument
from microcred.credentials.keys import PublicKey

__all__ = ["did_web_document", "did_web_from_url", "did_web_url", "resolve_did_web"]

_PREFIX = "did:web:"
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_SEGMENT = re.compile(r"^(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2})+$")
_JWK_CONTEXT = "https://w3id.org/security/jwk/v1"


def did_web_url(did: str) -> str:
    """The https URL of the DID document for a did:web DID (fragment ignored).

    ``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
    ``did:web:example.com%3A8443:issuers:1`` -> ``https://example.com:8443/issuers/1/did.json``.
    Raises :class:`DidResolutionError` (code ``invalid_did``) for malformed DIDs.
    """
    host, port, segments = _parse(did)
    authority = host if port is None else f"{host}:{port}"
    if segments:
        return f"https://{authority}/{'/'.join(segments)}/did.json"
    return f"https://{authority}/.well-known/did.json"


def did_web_from_url(url: str) -> str:
    """The did:web DID for an https origin and optional path (inverse of :func:`did_web_url`).

    ``https://example.com:8443/issuers/1`` -> ``did:web:example.com%3A8443:issuers:1``.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise _invalid(f"{url!r}: a did:web is made from an https URL without query or fragment.")
    if parts.username or parts.password:
        raise _invalid(f"{url!r}: a did:web URL must not carry credentials.")
    path = parts.path.strip("/")
    if path.endswith("did.json"):
        path = path[: -len("did.json")].strip("/")
        path = "" if path == ".well-known" else path
    host = parts.hostname if parts.port is None else f"{parts.hostname}%3A{parts.port}"
    did = _PREFIX + host + "".join(":" + segment for segment in path.split("/") if segment)
    did_web_url(did)  # validate
    return did


def did_web_document(
    did: str,
    keys: Sequence[PublicKey],
    *,
    key_ids: Sequence[str] | None = None,
    authentication: bool = False,
) -> dict[str, Any]:
    """The DID document to publish at :func:`did_web_url` of ``did``.

    Every key, including old ones kept after a rotation so that credentials they signed
    still verify, becomes a Multikey verification method (JsonWebKey for RSA) listed under
    ``assertionMethod`` (and ``authentication`` when asked). Remove a key only when it is
    compromised: credentials it signed then stop verifying. ``key_ids`` default to
    ``<did>#<publicKeyMultibase>``; ids starting with ``#`` are relative to the DID.
    """
    did_web_url(did)
    if "#" in did:
        raise _invalid(f"{did!r}: pass the DID without a fragment.")
    if not keys:
        raise _invalid("A did:web document needs at least one key.")
    if key_ids is not None and len(key_ids) != len(keys):
        raise _invalid("Give one key id per key (or none, to use the multibase values).")
    methods: list[dict[str, Any]] = []
    seen: set[str] = set()
    uses_jwk = False
    for index, key in enumerate(keys):
        vm_id = key_ids[index] if key_ids is not None else "#" + key.multibase
        if vm_id.startswith("#"):
            vm_id = did + vm_id
        if not vm_id.startswith(did + "#"):
            raise _invalid(f"Key id {vm_id!r} must be a fragment of {did}.")
        if vm_id in seen:
            raise _invalid(f"Key id {vm_id!r} appears twice; each key needs its own id.")
        seen.add(vm_id)
        if key.algorithm == "RSA":
            uses_jwk = True
            methods.append(
                {
                    "id": vm_id,
                    "type": "JsonWebKey",
                    "controller": did,
                    "publicKeyJwk": key.to_jwk(),
                }
            )
        else:
            methods.append(
                {
                    "id": vm_id,
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": key.multibase,
                }
            )
    contexts = [DID_CONTEXT, MULTIKEY_CONTEXT] + ([_JWK_CONTEXT] if uses_jwk else [])
    document: dict[str, Any] = {
        "@context": contexts,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
    if authentication:
        document["authentication"] = [m["id"] for m in methods]
    return document


def resolve_did_web(did: str, fetcher: Fetcher) -> dict[str, Any]:
    """Fetch and check the DID document of a did:web DID (fragment ignored)."""
    subject = did.split("#", 1)[0]
    url = did_web_url(subject)
    try:
        document = fetch_json(fetcher, url, accept="application/did+json, application/json")
    except MalformedDocument as exc:
        raise DidResolutionError(
            f"The DID document of {subject} at {url} is not a JSON object: {exc}",
            code="invalid_did_document",
        ) from None
    if document.get("id") != subject:
        raise DidResolutionError(
            f"The document at {url} has id {document.get('id')!r}, not {subject!r}; it is not "
            "this DID's document (did:web section 3.2).",
            code="invalid_did_document",
        )
    return document


def _parse(did: str) -> tuple[str, int | None, list[str]]:
    if not isinstance(did, str) or not did.startswith(_PREFIX):
        raise _invalid(f"{did!r} is not a did:web DID (expected 'did:web:<domain>[:path...]').")
    body = did[len(_PREFIX) :].split("#", 1)[0]
    if "?" in body or "/" in body:
        raise _invalid(f"{did!r}: query parameters and '/' paths are not part of a did:web DID.")
    host_part, *segments = body.split(":")
    host, sep, port_text = host_part.replace("%3a", "%3A").partition("%3A")
    if not host:
        raise _invalid(f"{did!r} has no domain name.")
    if "%" in host:
        raise _invalid(f"{did!r}: only the port colon may be percent-encoded (%3A) in the domain.")
    labels = host.rstrip(".").split(".") if len(host) <= 253 else []
    if not labels or not all(_LABEL.match(label) for label in labels):
        raise _invalid(f"{did!r}: {host!r} is not a valid domain name.")
    if _is_ip(host):
        raise _invalid(f"{did!r}: did:web needs a domain name, not an IP address.")
    port: int | None = None
    if sep:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _invalid(f"{did!r}: {port_text!r} is not a valid port (1-65535).")
        port = int(port_text)
    for segment in segments:
        if not segment or segment in (".", "..") or not _SEGMENT.match(segment):
            raise _invalid(f"{did!r}: path segment {segment!r} is empty or has invalid characters.")
    return host.lower(), port, segments


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return all(part.isdigit() for part in host.split("."))
    return True


def _invalid(message: str) -> DidResolutionError:
    return DidResolutionError(message, code="invalid_did")
