"""``eddsa-jcs-2022``: Ed25519 over the JSON Canonicalization Scheme (RFC 8785).

W3C Data Integrity EdDSA Cryptosuites v1.0, section 3.3 "eddsa-jcs-2022": Create Proof
(3.3.1) copies the document's ``@context`` into the proof; Verify Proof (3.3.2) requires
the document's ``@context`` to start with the proof's; Transformation (3.3.3) and Proof
Configuration (3.3.5) are JCS; Hashing (3.3.4) is SHA-256 of each, proof config first;
Proof Serialization (3.3.6) is Pure Ed25519.
"""

from __future__ import annotations

from .suite import JcsCryptosuite

__all__ = ["EDDSA_JCS_2022"]

EDDSA_JCS_2022 = JcsCryptosuite(
    name="eddsa-jcs-2022",
    proof_type="DataIntegrityProof",
    cryptosuite="eddsa-jcs-2022",
    accepted_names=frozenset({"eddsa-jcs-2022"}),
    key_algorithms=frozenset({"Ed25519"}),
    transformation="JCS",
)
