"""``ecdsa-jcs-2019``: ECDSA P-256 / P-384 over the JSON Canonicalization Scheme.

W3C Data Integrity ECDSA Cryptosuites v1.0, section 3.3 "ecdsa-jcs-2019": the JCS
algorithms of eddsa-jcs-2022 (the proof carries the document's ``@context``) with the
ECDSA hashing and serialization of ecdsa-rdfc-2019 (SHA-256 for P-256, SHA-384 for P-384;
signature ``r || s``).
"""

from __future__ import annotations

from .suite import JcsCryptosuite

__all__ = ["ECDSA_JCS_2019"]

ECDSA_JCS_2019 = JcsCryptosuite(
    name="ecdsa-jcs-2019",
    proof_type="DataIntegrityProof",
    cryptosuite="ecdsa-jcs-2019",
    accepted_names=frozenset({"ecdsa-jcs-2019"}),
    key_algorithms=frozenset({"P-256", "P-384"}),
    transformation="JCS",
)
