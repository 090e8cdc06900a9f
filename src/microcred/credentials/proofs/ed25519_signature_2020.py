"""``Ed25519Signature2020``: the legacy Ed25519 proof type of early Open Badges 3.0.

W3C Data Integrity EdDSA Cryptosuites v1.0, Appendix A "The Ed25519Signature2020 Suite":
the proof ``type`` is ``Ed25519Signature2020`` and there is no ``cryptosuite``
(A.1.2 "Ed25519Signature2020"); Transformation (A.2.3) is RDF canonicalization; Proof
Configuration (A.2.5) gives the options the document's ``@context``; Hashing (A.2.4) is
SHA-256 of both, proof config first; the signature is Pure Ed25519, written in
``proofValue`` with the base58-btc multibase header (``z``).

The proof's terms (``Ed25519Signature2020``, ``proofValue``) are defined only by the
suite context ``https://w3id.org/security/suites/ed25519-2020/v1``; signing appends it to
the document's ``@context`` when missing, as the reference implementation
(``@digitalbazaar/ed25519-signature-2020``) does, and verifying requires it.
"""

from __future__ import annotations

from typing import Any

from .suite import RdfcCryptosuite

__all__ = ["ED25519_2020_CONTEXT", "ED25519_SIGNATURE_2020"]

ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"


class Ed25519Signature2020Suite(RdfcCryptosuite):
    """RDFC Ed25519 with the suite context added to the document before signing."""

    def prepare_document(self, document: dict[str, Any]) -> dict[str, Any]:
        """Append the suite context to ``@context`` if the document lacks it."""
        context = document.get("@context")
        values = context if isinstance(context, list) else [] if context is None else [context]
        if ED25519_2020_CONTEXT in values:
            return document
        prepared = dict(document)
        prepared["@context"] = [*values, ED25519_2020_CONTEXT]
        return prepared


ED25519_SIGNATURE_2020 = Ed25519Signature2020Suite(
    name="Ed25519Signature2020",
    proof_type="Ed25519Signature2020",
    cryptosuite=None,
    accepted_names=frozenset(),
    key_algorithms=frozenset({"Ed25519"}),
    transformation="RDFC-1.0",
    required_context=ED25519_2020_CONTEXT,
)
