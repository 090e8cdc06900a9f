"""Data Integrity proofs: create and verify them, one module per cryptosuite.

Public API::

    sign(document, key, *, suite="eddsa-rdfc-2022", ...) -> dict
    verify_proofs(document, *, resolve, ...) -> list[ProofCheck]
    SUITES, get_suite(name), suite_for_proof(proof)
    Cryptosuite, HashData

VC-JWT (the external proof format of Open Badges 3.0) lives in :mod:`.jwt`.
"""

from __future__ import annotations

from .check import DEFAULT_CLOCK_SKEW, FAILURE_CODES, ProofCheck, Resolver, verify_proofs
from .create import sign
from .registry import SUITES, get_suite, suite_for_proof
from .suite import Cryptosuite, HashData

__all__ = [
    "DEFAULT_CLOCK_SKEW",
    "FAILURE_CODES",
    "SUITES",
    "Cryptosuite",
    "HashData",
    "ProofCheck",
    "Resolver",
    "get_suite",
    "sign",
    "suite_for_proof",
    "verify_proofs",
]
