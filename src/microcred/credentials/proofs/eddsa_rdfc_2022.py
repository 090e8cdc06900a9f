"""``eddsa-rdfc-2022``: Ed25519 over RDFC-1.0 canonical N-Quads.

W3C Data Integrity EdDSA Cryptosuites v1.0, section 3.2 "eddsa-rdfc-2022": proof type
``DataIntegrityProof``; Transformation (3.2.3) is RDFC-1.0; Hashing (3.2.4) is
``SHA-256(canonical proof config) || SHA-256(canonical document)``; Proof Configuration
(3.2.5) gives the proof options the document's ``@context``; Proof Serialization (3.2.6) is
Pure Ed25519 (RFC 8032), 64 bytes, written as base58-btc multibase.

When verifying, the pre-standard cryptosuite name ``eddsa-2022`` (used by early Open Badges
3.0 issuers, with the same algorithm) is accepted too.
"""

from __future__ import annotations

from .suite import RdfcCryptosuite

__all__ = ["EDDSA_RDFC_2022"]

EDDSA_RDFC_2022 = RdfcCryptosuite(
    name="eddsa-rdfc-2022",
    proof_type="DataIntegrityProof",
    cryptosuite="eddsa-rdfc-2022",
    accepted_names=frozenset({"eddsa-rdfc-2022", "eddsa-2022"}),
    key_algorithms=frozenset({"Ed25519"}),
    transformation="RDFC-1.0",
)
