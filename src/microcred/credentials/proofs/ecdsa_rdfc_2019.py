"""``ecdsa-rdfc-2019``: ECDSA P-256 / P-384 over RDFC-1.0 canonical N-Quads.

W3C Data Integrity ECDSA Cryptosuites v1.0, section 3.2 "ecdsa-rdfc-2019": the algorithms
of eddsa-rdfc-2022 with these differences. Hashing (3.2.4): SHA-256 for a P-256 key and
SHA-384 for a P-384 key, applied to the canonical proof configuration and the canonical
document, concatenated proof hash first. Proof Serialization (3.2.6): ECDSA over that hash
data with the same curve and hash (P-256 + SHA-256, P-384 + SHA-384), the signature being
the fixed-size ``r || s`` (64 or 96 bytes). ECDSA signatures are randomized, so a second
signature over the same data differs but verifies.
"""

from __future__ import annotations

from .suite import RdfcCryptosuite

__all__ = ["ECDSA_RDFC_2019"]

ECDSA_RDFC_2019 = RdfcCryptosuite(
    name="ecdsa-rdfc-2019",
    proof_type="DataIntegrityProof",
    cryptosuite="ecdsa-rdfc-2019",
    accepted_names=frozenset({"ecdsa-rdfc-2019"}),
    key_algorithms=frozenset({"P-256", "P-384"}),
    transformation="RDFC-1.0",
)
