"""The registry of supported cryptosuites, and how a proof picks its suite.

A ``DataIntegrityProof`` names its suite in ``cryptosuite`` (VC Data Integrity 1.0,
section 2.1 "Proofs"); legacy proof types such as ``Ed25519Signature2020`` are their own
suite. :data:`SUITES` maps every name a caller may ask :func:`~.sign` for to its suite;
:func:`suite_for_proof` also accepts the pre-standard names kept for verification.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from microcred.credentials.errors import ProofError

from .ecdsa_jcs_2019 import ECDSA_JCS_2019
from .ecdsa_rdfc_2019 import ECDSA_RDFC_2019
from .ed25519_signature_2020 import ED25519_SIGNATURE_2020
from .eddsa_jcs_2022 import EDDSA_JCS_2022
from .eddsa_rdfc_2022 import EDDSA_RDFC_2022
from .suite import Cryptosuite

__all__ = ["SUITES", "get_suite", "suite_for_proof"]

#: Every suite microcred can sign with, by name (the cryptosuite id, or the proof type
#: for legacy suites).
SUITES: Mapping[str, Cryptosuite] = MappingProxyType(
    {
        suite.name: suite
        for suite in (
            EDDSA_RDFC_2022,
            EDDSA_JCS_2022,
            ECDSA_RDFC_2019,
            ECDSA_JCS_2019,
            ED25519_SIGNATURE_2020,
        )
    }
)

_BY_CRYPTOSUITE: Mapping[str, Cryptosuite] = {
    name: suite
    for suite in SUITES.values()
    if suite.proof_type == "DataIntegrityProof"
    for name in suite.accepted_names
}
_BY_TYPE: Mapping[str, Cryptosuite] = {
    suite.proof_type: suite for suite in SUITES.values() if suite.cryptosuite is None
}


def get_suite(name: str) -> Cryptosuite:
    """The suite registered as ``name``; :class:`ProofError` naming the choices if none."""
    try:
        return SUITES[name]
    except KeyError:
        hint = ""
        if name in _BY_CRYPTOSUITE:
            hint = f" ({name!r} is a pre-standard name, accepted only when verifying; sign "
            hint += f"with {_BY_CRYPTOSUITE[name].name!r})"
        raise ProofError(
            f"Unknown cryptosuite {name!r}{hint}. Choose one of: {', '.join(SUITES)}.",
            code="unknown_cryptosuite",
        ) from None


def suite_for_proof(proof: Mapping[str, Any]) -> Cryptosuite | None:
    """The suite that verifies ``proof``, or None when its type/cryptosuite is unknown."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        cryptosuite = proof.get("cryptosuite")
        return _BY_CRYPTOSUITE.get(cryptosuite) if isinstance(cryptosuite, str) else None
    if isinstance(proof_type, str):
        return _BY_TYPE.get(proof_type)
    return None
