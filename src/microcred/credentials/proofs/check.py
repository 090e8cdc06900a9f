"""Verifying the Data Integrity proofs of a document: :func:`verify_proofs`.

VC Data Integrity 1.0, section 4.4 "Verify Proof" (steps 2-8: required members, proof
purpose, domain, challenge, then the cryptosuite's Verify Proof) and section 4.5 "Verify
Proof Sets and Chains" (every proof is checked on its own; a proof with ``previousProof``
is checked over the document plus the proofs it references, which must exist).

A credential that fails is not an exception: each proof yields a :class:`ProofCheck` with a
stable ``code``. Only programmer errors raise.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred.credentials.dids import VerificationMethod
from microcred.credentials.errors import (
    CanonicalizationError,
    DidResolutionError,
    FetchError,
    KeyFormatError,
    MalformedDocument,
    ProofError,
    UnknownContextError,
)
from microcred.credentials.jsonld import CheckedDataset, DocumentLoader
from microcred.credentials.keys import base58btc_decode

from .datetimes import parse_datetime
from .registry import suite_for_proof
from .suite import SIGNATURE_LENGTHS, Cryptosuite

__all__ = ["DEFAULT_CLOCK_SKEW", "ProofCheck", "Resolver", "verify_proofs"]

#: Resolves a verificationMethod URL to its key; raises FetchError / DidResolutionError /
#: KeyFormatError when it cannot.
Resolver = Callable[[str], VerificationMethod]

#: How far in the future a proof's ``created`` may lie before it is refused (clock drift).
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)

#: Codes a failed :class:`ProofCheck` can carry (stable; documented for callers).
FAILURE_CODES = (
    "malformed_proof",
    "unsupported_proof",
    "proof_purpose_mismatch",
    "domain_mismatch",
    "challenge_mismatch",
    "invalid_created",
    "proof_created_in_future",
    "invalid_expires",
    "proof_expired",
    "previous_proof_missing",
    "invalid_proof_value",
    "verification_method_unresolved",
    "key_type_mismatch",
    "missing_suite_context",
    "proof_context_mismatch",
    "unknown_context",
    "canonicalization_failed",
    "invalid_signature",
)


@dataclass(frozen=True)
class ProofCheck:
    """The outcome of checking one proof of a document.

    ``proof_index`` is the proof's position in the document's proof list (0 for a single
    proof object). ``code`` is ``"verified"`` when ``verified`` is true, otherwise one of
    :data:`FAILURE_CODES`. ``method`` is the resolved verification method when resolution
    succeeded, so the caller can check that the issuer controls it.
    """

    proof_index: int
    proof_type: str | None
    cryptosuite: str | None
    verification_method: str | None
    verified: bool
    code: str
    message: str
    method: VerificationMethod | None = None


class _Failed(Exception):
    """Internal: stops checking one proof with a code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolve: Resolver,
    loader: DocumentLoader | None = None,
    expected_purpose: str | None = "assertionMethod",
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    now: datetime | None = None,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    dataset: CheckedDataset | None = None,
) -> list[ProofCheck]:
    """Check every proof on ``document``; one :class:`ProofCheck` per proof, in order.

    ``resolve`` turns a verificationMethod URL into a :class:`VerificationMethod`;
    ``expected_purpose`` (None to skip), ``challenge`` and ``domain`` are compared as in
    Verify Proof steps 4-6. ``created`` later than ``now + clock_skew`` and ``expires``
    before ``now`` fail. A document without ``proof`` gives an empty list; a proof of an
    unknown type or cryptosuite gives a failed check with code ``unsupported_proof`` (the
    caller decides whether another proof suffices).

    ``dataset``: the RDF dataset of ``document`` without its ``proof``, kept from the
    caller's terms check of it (:func:`~microcred.credentials.jsonld.undefined_terms_checked`,
    same ``loader``), so RDFC proofs over that unsecured document (no ``previousProof``)
    do not walk it again. Only used when it describes that very document.

    Raises :class:`MalformedDocument` only when ``document`` is not a mapping.
    """
    if not isinstance(document, Mapping):
        raise MalformedDocument("Only a JSON object can carry Data Integrity proofs.")
    moment = datetime.now(UTC) if now is None else now.astimezone(UTC)
    raw = document.get("proof")
    if raw is None:
        return []
    all_proofs: list[Any] = list(raw) if isinstance(raw, list) else [raw]
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    expected_domains = None if domain is None else _as_set(domain)

    checks = []
    for index, proof in enumerate(all_proofs):
        summary = _summary(proof)
        try:
            method = _check_one(
                proof,
                all_proofs,
                unsecured,
                resolve=resolve,
                loader=loader,
                expected_purpose=expected_purpose,
                challenge=challenge,
                expected_domains=expected_domains,
                now=moment,
                clock_skew=clock_skew,
                dataset=dataset,
            )
        except _Failed as failure:
            checks.append(
                ProofCheck(
                    index, *summary, verified=False, code=failure.code, message=failure.message
                )
            )
            continue
        checks.append(
            ProofCheck(
                index,
                *summary,
                verified=True,
                code="verified",
                message=f"Signature by {method.id} verified.",
                method=method,
            )
        )
    return checks


def _summary(proof: Any) -> tuple[str | None, str | None, str | None]:
    if not isinstance(proof, Mapping):
        return None, None, None
    return (
        _str_or_none(proof.get("type")),
        _str_or_none(proof.get("cryptosuite")),
        _str_or_none(proof.get("verificationMethod")),
    )


def _check_one(
    proof: Any,
    all_proofs: list[Any],
    unsecured: Mapping[str, Any],
    *,
    resolve: Resolver,
    loader: DocumentLoader | None,
    expected_purpose: str | None,
    challenge: str | None,
    expected_domains: frozenset[str] | None,
    now: datetime,
    clock_skew: timedelta,
    dataset: CheckedDataset | None = None,
) -> VerificationMethod:
    if not isinstance(proof, Mapping):
        raise _Failed("malformed_proof", "A proof must be a JSON object.")
    suite = suite_for_proof(proof)
    if suite is None:
        described = proof.get("type")
        if proof.get("type") == "DataIntegrityProof":
            described = f"DataIntegrityProof with cryptosuite {proof.get('cryptosuite')!r}"
        raise _Failed(
            "unsupported_proof",
            f"Proof type {described!r} is not supported; microcred verifies "
            "eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019 and "
            "Ed25519Signature2020.",
        )
    # Verify Proof step 3: type, verificationMethod and proofPurpose must exist.
    for member in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(member), str) or not proof[member]:
            raise _Failed("malformed_proof", f"The proof has no {member} string.")
    vm_url: str = proof["verificationMethod"]
    # Step 4: the purpose the verifier expects.
    if expected_purpose is not None and proof["proofPurpose"] != expected_purpose:
        raise _Failed(
            "proof_purpose_mismatch",
            f"The proof's purpose is {proof['proofPurpose']!r}, but {expected_purpose!r} "
            "is required here.",
        )
    # Step 5: domain, treating a single string as a one-element set.
    if expected_domains is not None:
        given = proof.get("domain")
        if given is None or _as_set(given) != expected_domains:
            raise _Failed(
                "domain_mismatch",
                f"The proof's domain {given!r} does not match the expected domain "
                f"{sorted(expected_domains)!r}.",
            )
    # Step 6: challenge.
    if challenge is not None and proof.get("challenge") != challenge:
        raise _Failed(
            "challenge_mismatch",
            f"The proof's challenge {proof.get('challenge')!r} does not match the "
            "expected challenge; the proof may be a replay.",
        )
    _check_times(proof, now=now, clock_skew=clock_skew)
    input_document = _input_document(proof, all_proofs, unsecured)
    if suite.required_context is not None and suite.required_context not in _as_list(
        unsecured.get("@context")
    ):
        raise _Failed(
            "missing_suite_context",
            f"A {suite.name} proof needs the context {suite.required_context} in the "
            "document's @context; without it the proof's terms are undefined.",
        )
    signature = _decode_proof_value(proof["proofValue"], suite)
    method = _resolve(resolve, vm_url)
    key = method.public_key
    if key.algorithm not in suite.key_algorithms:
        raise _Failed(
            "key_type_mismatch",
            f"{vm_url} is a {key.algorithm} key, but {suite.name} proofs are made with "
            f"{' or '.join(sorted(suite.key_algorithms))} keys.",
        )
    if len(signature) != SIGNATURE_LENGTHS[key.algorithm]:
        raise _Failed(
            "invalid_proof_value",
            f"proofValue decodes to {len(signature)} bytes; a {key.algorithm} signature "
            f"has {SIGNATURE_LENGTHS[key.algorithm]}.",
        )
    try:
        verified = suite.verify_signature(
            input_document,
            proof,
            signature,
            key,
            loader=loader,
            dataset=dataset if input_document is unsecured else None,
        )
    except UnknownContextError as exc:
        raise _Failed("unknown_context", exc.message) from None
    except (CanonicalizationError, MalformedDocument) as exc:
        raise _Failed(
            "canonicalization_failed",
            f"The document could not be canonicalized for verification: {exc.message}",
        ) from None
    except ProofError as exc:
        code = exc.code if exc.code == "proof_context_mismatch" else "malformed_proof"
        raise _Failed(code, exc.message) from None
    if not verified:
        raise _Failed(
            "invalid_signature",
            f"The signature does not match: the document or its proof was changed after "
            f"signing, or it was not signed by {vm_url}.",
        )
    return method


def _check_times(proof: Mapping[str, Any], *, now: datetime, clock_skew: timedelta) -> None:
    if "created" in proof:
        created = parse_datetime(proof["created"])
        if created is None:
            raise _Failed(
                "invalid_created",
                f"The proof's created {proof['created']!r} is not an XML Schema dateTime.",
            )
        if created > now + clock_skew:
            raise _Failed(
                "proof_created_in_future",
                f"The proof claims to be created at {proof['created']}, which is in the "
                "future; check the signer's clock (or the verifier's).",
            )
    if "expires" in proof:
        expires = parse_datetime(proof["expires"])
        if expires is None:
            raise _Failed(
                "invalid_expires",
                f"The proof's expires {proof['expires']!r} is not an XML Schema dateTime.",
            )
        if expires <= now:
            raise _Failed("proof_expired", f"The proof expired at {proof['expires']}.")


def _input_document(
    proof: Mapping[str, Any], all_proofs: list[Any], unsecured: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Verify Proof Sets and Chains, steps 3.1-3.3: add the referenced previous proofs."""
    previous = proof.get("previousProof")
    if previous is None:
        return unsecured
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise _Failed("malformed_proof", "previousProof must be a string or list of strings.")
    by_id = {
        p["id"]: p for p in all_proofs if isinstance(p, Mapping) and isinstance(p.get("id"), str)
    }
    missing = [w for w in wanted if w not in by_id]
    if missing:
        raise _Failed(
            "previous_proof_missing",
            f"The proof chains to {', '.join(missing)}, which is not a proof on this "
            "document; a proof was removed.",
        )
    return {**unsecured, "proof": [copy.deepcopy(dict(by_id[w])) for w in wanted]}


def _decode_proof_value(value: str, suite: Cryptosuite) -> bytes:
    """The proofValue must be base58-btc multibase (``z``) of a signature of valid length."""
    if not value.startswith("z"):
        raise _Failed(
            "invalid_proof_value",
            "proofValue must be a base58-btc multibase string starting with 'z'.",
        )
    try:
        signature = base58btc_decode(value[1:])
    except KeyFormatError:
        raise _Failed("invalid_proof_value", "proofValue is not valid base58-btc.") from None
    lengths = {SIGNATURE_LENGTHS[a] for a in suite.key_algorithms}
    if len(signature) not in lengths:
        raise _Failed(
            "invalid_proof_value",
            f"proofValue decodes to {len(signature)} bytes; a {suite.name} signature has "
            f"{' or '.join(str(n) for n in sorted(lengths))}.",
        )
    return signature


def _resolve(resolve: Resolver, url: str) -> VerificationMethod:
    try:
        return resolve(url)
    except (FetchError, DidResolutionError, KeyFormatError) as exc:
        raise _Failed(
            "verification_method_unresolved",
            f"The verification method {url} could not be resolved: {exc.message}",
        ) from None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _as_set(value: Any) -> frozenset[str]:
    return frozenset(v for v in _as_list(value) if isinstance(v, str))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
