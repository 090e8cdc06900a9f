"""Item 1: eddsa-rdfc-2022 sign/s and verify/s on one core, microcred vs a pyld pipeline.

The reference pipeline is what Python projects commonly do: ``pyld.jsonld.normalize``
(URDNA2015, N-Quads) of the document and of the proof configuration, SHA-256 of each,
Ed25519 from ``cryptography`` over ``proofHash || docHash``; contexts come from the same
static loader as microcred's (no network). microcred runs its public API with its
defaults: ``proofs.sign`` (safe mode on, fast engine) and ``proofs.verify_proofs``.
Every iteration uses a different credential (no result can be cached), and the two
pipelines get the same credentials and keys. Before timing, each side's output is
checked against the other's (same canonical form, signatures verify both ways).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld as pyld_jsonld

from benchmarks.credentials import credential
from benchmarks.rows import Config, Row
from microcred.credentials.dids import VerificationMethod
from microcred.credentials.jsonld import DEFAULT_LOADER
from microcred.credentials.keys import KeyPair, base58btc_decode, base58btc_encode
from microcred.credentials.proofs import sign, verify_proofs

CREATED = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _pyld_loader(url: str, options: Any = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": DEFAULT_LOADER(url)}


def _normalize(document: dict[str, Any]) -> str:
    result: str = pyld_jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": _pyld_loader,
        },
    )
    return result


def _proof_options(verification_method: str) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def reference_sign(
    document: dict[str, Any], key: Ed25519PrivateKey, verification_method: str
) -> dict[str, Any]:
    """The pyld pipeline: vc-di-eddsa 3.3.1 Create Proof, done the common way."""
    proof = _proof_options(verification_method)
    config = {**proof, "@context": document["@context"]}
    data = (
        hashlib.sha256(_normalize(config).encode()).digest()
        + hashlib.sha256(_normalize(document).encode()).digest()
    )
    proof["proofValue"] = "z" + base58btc_encode(key.sign(data))
    return {**document, "proof": proof}


def reference_verify(document: dict[str, Any], public: Ed25519PublicKey) -> bool:
    """The pyld pipeline: vc-di-eddsa 3.3.2 Verify Proof, done the common way."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof = dict(document["proof"])
    signature = base58btc_decode(proof.pop("proofValue")[1:])
    config = {**proof, "@context": unsecured["@context"]}
    data = (
        hashlib.sha256(_normalize(config).encode()).digest()
        + hashlib.sha256(_normalize(unsecured).encode()).digest()
    )
    try:
        public.verify(signature, data)
    except ValueError:
        return False
    return True


def _rate(function: Callable[[int], object], count: int) -> float:
    """Calls per second of ``function(i)`` for ``i`` in ``range(count)`` (best of 3)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for number in range(count):
            function(number)
        best = min(best, time.perf_counter() - start)
    return count / best


def run(config: Config) -> list[Row]:
    """Measure and return the sign and verify rows."""
    count = 40 if config.quick else 300
    reference_count = 20 if config.quick else 100
    key = KeyPair.generate("Ed25519", seed=bytes(range(32)))
    vm_id = key.verification_method
    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public = private.public_key()
    method = VerificationMethod(
        id=vm_id, controller=vm_id.split("#")[0], public_key=key.public, type="Multikey"
    )

    def resolve(url: str) -> VerificationMethod:
        return method

    documents = [credential(n) for n in range(count)]
    # Distinct documents for the reference (the first reference_count of the same set).
    ours_signed = [sign(d, key, created=CREATED) for d in documents]
    reference_signed = [reference_sign(d, private, vm_id) for d in documents[:reference_count]]

    # Cross-checks: same proofs (Ed25519 is deterministic), and each verifies the other's.
    for mine, theirs in zip(ours_signed, reference_signed, strict=False):
        if mine["proof"]["proofValue"] != theirs["proof"]["proofValue"]:
            raise SystemExit("microcred and the pyld pipeline disagree on a signature")
        if not reference_verify(mine, public):
            raise SystemExit("the pyld pipeline does not verify a microcred signature")
        if not all(c.verified for c in verify_proofs(theirs, resolve=resolve, now=CREATED)):
            raise SystemExit("microcred does not verify a pyld-pipeline signature")

    sign_ours = _rate(lambda n: sign(documents[n], key, created=CREATED), count)
    sign_reference = _rate(lambda n: reference_sign(documents[n], private, vm_id), reference_count)
    verify_ours = _rate(
        lambda n: verify_proofs(ours_signed[n], resolve=resolve, now=CREATED), count
    )
    verify_reference = _rate(lambda n: reference_verify(ours_signed[n], public), reference_count)
    note = f"{count} distinct OB 3.0 credentials (reference: first {reference_count})"
    return [
        Row(
            "1. one core",
            "sign (eddsa-rdfc-2022)",
            sign_ours,
            "credentials/s",
            sign_reference,
            "pyld normalize + cryptography",
            note,
        ),
        Row(
            "1. one core",
            "verify (eddsa-rdfc-2022)",
            verify_ours,
            "credentials/s",
            verify_reference,
            "pyld normalize + cryptography",
            note,
        ),
    ]
