"""Adding a Data Integrity proof to a document: :func:`sign`.

VC Data Integrity 1.0, section 4.2 "Add Proof" and section 4.3 "Add Proof Set/Chain":
existing proofs are kept (the new proof is appended to the proof set), and a proof that
names ``previousProof`` signs the document together with the proofs it references, which
makes a proof chain.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from microcred.credentials import jsonld
from microcred.credentials.errors import MalformedDocument, ProofError
from microcred.credentials.jsonld import DocumentLoader
from microcred.credentials.keys import KeyPair

from .datetimes import format_datetime
from .registry import get_suite

__all__ = ["sign"]


def sign(
    document: Mapping[str, Any],
    key: KeyPair,
    *,
    suite: str = "eddsa-rdfc-2022",
    verification_method: str | None = None,
    created: datetime | None = None,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    expires: datetime | None = None,
    nonce: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
    proof_id: str | None = None,
    loader: DocumentLoader | None = None,
    safe_mode: bool = True,
) -> dict[str, Any]:
    """Return a new document: ``document`` with a proof by ``key`` added.

    The input is not modified. ``suite`` is a name in :data:`~.registry.SUITES`;
    ``verification_method`` defaults to the key's did:key URL; ``created`` defaults to now
    and is written in UTC with second precision. A document that already has proofs keeps
    them and gets a list (Add Proof Set/Chain, steps 1-2 and 8); with ``previous_proof``
    the new proof also signs the proofs with those ids (steps 4-6).

    Safe mode (the default) refuses documents in which any property or type is not
    defined by the contexts (:class:`~microcred.credentials.errors.UndefinedTermError`):
    such terms are silently left out of an RDF canonical form, so they would not be
    signed. Raises :class:`ProofError` for an unknown suite, a key of the wrong type, a
    missing previous proof or invalid options; :class:`MalformedDocument` when
    ``document`` is not a JSON object with a JSON-object or list ``proof``.
    """
    if not isinstance(document, Mapping):
        raise MalformedDocument("Only a JSON object can be signed.")
    chosen = get_suite(suite)
    if key.algorithm not in chosen.key_algorithms:
        raise ProofError(
            f"Suite {chosen.name} needs a {' or '.join(sorted(chosen.key_algorithms))} key, "
            f"but this key is {key.algorithm}. Use a matching key (for example `microcred "
            "keys generate --type p256` for ecdsa) or another suite.",
            code="key_suite_mismatch",
        )

    # One copy: the canonicalization below never modifies what it reads, so the input
    # document and the output may share the copied members.
    try:
        secured = _copy(dict(document))
    except RecursionError:
        raise MalformedDocument("The document is nested too deeply to sign; flatten it.") from None
    all_proofs = _existing_proofs(secured.pop("proof", None))
    input_document = chosen.prepare_document(secured)
    output = dict(input_document)

    matching = _matching_proofs(all_proofs, previous_proof)
    if matching:
        input_document = {**input_document, "proof": _copy(matching)}

    options = _proof_options(
        proof_type=chosen.proof_type,
        cryptosuite=chosen.cryptosuite,
        proof_id=proof_id,
        created=datetime.now(UTC) if created is None else created,
        verification_method=verification_method or key.verification_method,
        proof_purpose=proof_purpose,
        expires=expires,
        domain=domain,
        challenge=challenge,
        nonce=nonce,
        previous_proof=previous_proof,
    )
    # Safe mode: when the signed document is the unsecured one (no chain), the suite
    # checks the document and the proof configuration while canonicalizing them (one
    # walk each); for a proof chain both are checked here first.
    checked_by_suite = safe_mode and not matching
    if safe_mode and not checked_by_suite:
        unsigned = {k: v for k, v in input_document.items() if k != "proof"}
        jsonld.ensure_fully_defined(unsigned, loader=loader)
        config = dict(options)
        if "@context" in unsigned:
            config["@context"] = unsigned["@context"]
        jsonld.ensure_fully_defined(config, loader=loader)

    proof = chosen.create_proof(
        input_document, options, key, loader=loader, safe_mode=checked_by_suite
    )
    # Add Proof steps 2-4: the proof must carry type, verificationMethod, proofPurpose,
    # and the requested domain and challenge.
    output["proof"] = [*all_proofs, proof] if all_proofs else proof
    return output


#: Immutable JSON scalars (exact types): shared by the copy, not copied.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value: dicts and lists rebuilt, other values deep-copied."""
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _SCALARS else _copy(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _SCALARS else _copy(item) for item in value]
    if kind in _SCALARS:
        return value
    return copy.deepcopy(value)


def _existing_proofs(value: Any) -> list[dict[str, Any]]:
    """Add Proof Set/Chain step 1: the existing proofs as a list (allProofs)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    for item in values:
        if not isinstance(item, dict):
            raise MalformedDocument(
                "The document's existing `proof` must be a JSON object or a list of them."
            )
    return list(values)


def _matching_proofs(
    all_proofs: list[dict[str, Any]], previous_proof: str | Sequence[str] | None
) -> list[dict[str, Any]]:
    """Add Proof Set/Chain steps 4-5: the proofs whose ``id`` is in ``previousProof``."""
    if previous_proof is None:
        return []
    wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
    by_id = {p.get("id"): p for p in all_proofs if isinstance(p.get("id"), str)}
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise ProofError(
            f"previous_proof {', '.join(missing)} is not the id of a proof on this document; "
            "a proof chain can only reference existing proofs (give them an id with "
            "proof_id=... when signing).",
            code="previous_proof_missing",
        )
    return [by_id[w] for w in wanted]


def _proof_options(
    *,
    proof_type: str,
    cryptosuite: str | None,
    proof_id: str | None,
    created: datetime,
    verification_method: str,
    proof_purpose: str,
    expires: datetime | None,
    domain: str | Sequence[str] | None,
    challenge: str | None,
    nonce: str | None,
    previous_proof: str | Sequence[str] | None,
) -> dict[str, Any]:
    """The proof options, in the member order of the official vectors."""
    try:
        created_text = format_datetime(created)
        expires_text = None if expires is None else format_datetime(expires)
    except ValueError as exc:
        raise ProofError(str(exc)) from None
    options: dict[str, Any] = {"type": proof_type}
    if proof_id is not None:
        options["id"] = proof_id
    if cryptosuite is not None:
        options["cryptosuite"] = cryptosuite
    options["created"] = created_text
    if expires_text is not None:
        options["expires"] = expires_text
    options["verificationMethod"] = verification_method
    options["proofPurpose"] = proof_purpose
    if domain is not None:
        options["domain"] = domain if isinstance(domain, str) else list(domain)
    if challenge is not None:
        options["challenge"] = challenge
    if nonce is not None:
        options["nonce"] = nonce
    if previous_proof is not None:
        options["previousProof"] = (
            previous_proof if isinstance(previous_proof, str) else list(previous_proof)
        )
    return options
