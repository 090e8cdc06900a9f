"""Official vectors: canonical N-Quads (RDFC-1.0) and JCS forms, and their hashes, byte for byte.

Sources: W3C vc-di-eddsa and vc-di-ecdsa test vectors, the 1EdTech OB 3.0 and CLR 2.0
implementation-guide vectors (see shared/standards/vectors/README.md).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.jsonld import canonicalize, jcs

VECTORS = Path("vectors")

# (case id, unsigned document, proof config, canonical document, canonical proof,
#  document hash file, proof hash file), all relative to the standards directory.
RDFC_CASES = [
    (
        "eddsa-rdfc-2022",
        "eddsa/unsigned.json",
        "eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        "eddsa/eddsa-rdfc-2022/canonDocDataInt.txt",
        "eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
        "eddsa/eddsa-rdfc-2022/docHashDataInt.txt",
        "eddsa/eddsa-rdfc-2022/proofHashDataInt.txt",
    ),
    (
        "eddsa-rdfc-2022-employ",
        "eddsa/employmentAuth.json",
        "eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json",
        "eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt",
        "eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        "eddsa/eddsa-rdfc-2022/employ/docHashDataInt.txt",
        "eddsa/eddsa-rdfc-2022/employ/proofHashDataInt.txt",
    ),
    (
        "Ed25519Signature2020",
        "eddsa/unsigned.json",
        "eddsa/Ed25519Signature2020/proofConfigEdSig.json",
        "eddsa/Ed25519Signature2020/canonDocEdSig.txt",
        "eddsa/Ed25519Signature2020/proofCanonEdSig.txt",
        "eddsa/Ed25519Signature2020/docHashEdSig.txt",
        "eddsa/Ed25519Signature2020/proofHashEdSig.txt",
    ),
]
for _curve in ("P256", "P384"):
    _dir = f"ecdsa/ecdsa-rdfc-2019-{_curve.lower()}"
    for _sub, _doc in (("", "ecdsa/unsigned.json"), ("employ/", "ecdsa/employmentAuth.json")):
        RDFC_CASES.append(
            (
                f"ecdsa-rdfc-2019-{_curve.lower()}{'-employ' if _sub else ''}",
                _doc,
                f"{_dir}/{_sub}proofConfigECDSA{_curve}.json",
                f"{_dir}/{_sub}canonDocECDSA{_curve}.txt",
                f"{_dir}/{_sub}proofCanonECDSA{_curve}.txt",
                f"{_dir}/{_sub}docHashECDSA{_curve}.txt",
                f"{_dir}/{_sub}proofHashECDSA{_curve}.txt",
            )
        )

JCS_CASES = [
    (
        "eddsa-jcs-2022",
        "eddsa/unsigned.json",
        "eddsa/eddsa-jcs-2022/proofConfigJCS.json",
        "eddsa/eddsa-jcs-2022/canonDocJCS.txt",
        "eddsa/eddsa-jcs-2022/proofCanonJCS.txt",
        "eddsa/eddsa-jcs-2022/docHashJCS.txt",
        "eddsa/eddsa-jcs-2022/proofHashJCS.txt",
    ),
    (
        "ecdsa-jcs-2019-p256",
        "ecdsa/unsigned.json",
        "ecdsa/ecdsa-jcs-2019-p256/proofConfigJCSECDSAP256.json",
        "ecdsa/ecdsa-jcs-2019-p256/canonDocJCSECDSAP256.txt",
        "ecdsa/ecdsa-jcs-2019-p256/proofCanonJCSECDSAP256.txt",
        "ecdsa/ecdsa-jcs-2019-p256/docHashJCSECDSAP256.txt",
        "ecdsa/ecdsa-jcs-2019-p256/proofHashJCSECDSAP256.txt",
    ),
]

IMPL_GUIDES = ["ob3/1edtech-spec-impl-guide", "clr2/1edtech-spec-impl-guide"]


def _json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _hash(data: bytes, expected_hex: str) -> str:
    """SHA-256, or SHA-384 where the vector's hash is 48 bytes (ecdsa P-384)."""
    algorithm = hashlib.sha384 if len(expected_hex) == 96 else hashlib.sha256
    return algorithm(data).hexdigest()


def _cases(cases: list[tuple[str, ...]]) -> list[Any]:
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


@pytest.mark.parametrize(
    ("document", "proof_config", "canon_doc", "canon_proof", "doc_hash", "proof_hash"),
    _cases(RDFC_CASES),
)
def test_rdfc_vectors(
    standards_dir: Path,
    document: str,
    proof_config: str,
    canon_doc: str,
    canon_proof: str,
    doc_hash: str,
    proof_hash: str,
) -> None:
    base = standards_dir / VECTORS
    # ecdsa-rdfc-2019 with P-384 runs RDFC-1.0 with SHA-384 (vc-di-ecdsa 3.3.3).
    algorithm = "sha384" if "p384" in canon_doc else "sha256"
    canonical_document = canonicalize(_json(base / document), hash_algorithm=algorithm)
    assert canonical_document.encode("utf-8") == (base / canon_doc).read_bytes()
    expected_doc_hash = (base / doc_hash).read_text("ascii").strip()
    assert _hash(canonical_document.encode("utf-8"), expected_doc_hash) == expected_doc_hash

    config = _json(base / proof_config)
    assert "@context" in config
    canonical_proof = canonicalize(config, hash_algorithm=algorithm)
    assert canonical_proof.encode("utf-8") == (base / canon_proof).read_bytes()
    expected_proof_hash = (base / proof_hash).read_text("ascii").strip()
    assert _hash(canonical_proof.encode("utf-8"), expected_proof_hash) == expected_proof_hash


@pytest.mark.parametrize(
    ("document", "proof_config", "canon_doc", "canon_proof", "doc_hash", "proof_hash"),
    _cases(JCS_CASES),
)
def test_jcs_vectors(
    standards_dir: Path,
    document: str,
    proof_config: str,
    canon_doc: str,
    canon_proof: str,
    doc_hash: str,
    proof_hash: str,
) -> None:
    base = standards_dir / VECTORS
    canonical_document = jcs(_json(base / document))
    assert canonical_document == (base / canon_doc).read_bytes()
    expected = (base / doc_hash).read_text("ascii").strip()
    assert _hash(canonical_document, expected) == expected

    canonical_proof = jcs(_json(base / proof_config))
    assert canonical_proof == (base / canon_proof).read_bytes()
    expected = (base / proof_hash).read_text("ascii").strip()
    assert _hash(canonical_proof, expected) == expected


@pytest.mark.parametrize("folder", IMPL_GUIDES)
def test_1edtech_implementation_guide_vectors(standards_dir: Path, folder: str) -> None:
    base = standards_dir / VECTORS / folder
    document = _json(base / "document-before-signing.json")
    hashes = _json(base / "hashes-and-signature.json")

    canonical_document = canonicalize(document)
    assert canonical_document.encode("utf-8") == (base / "document-canon.txt").read_bytes()
    assert hashlib.sha256(canonical_document.encode()).hexdigest() == hashes["document-hash"]

    # The proof options are canonicalized with the document's @context (vc-di-eddsa 3.3.5).
    proof = {**_json(base / "proof-before-signing.json"), "@context": document["@context"]}
    canonical_proof = canonicalize(proof)
    assert canonical_proof.encode("utf-8") == (base / "proof-canon.txt").read_bytes()
    assert hashlib.sha256(canonical_proof.encode()).hexdigest() == hashes["proof-hash"]
    assert hashes["data"] == hashes["proof-hash"] + hashes["document-hash"]


@pytest.mark.parametrize("folder", IMPL_GUIDES)
def test_signed_credential_without_proof_canonicalizes_to_the_same(
    standards_dir: Path, folder: str
) -> None:
    base = standards_dir / VECTORS / folder
    signed = _json(base / "signed-credential.json")
    signed.pop("proof")
    assert canonicalize(signed).encode("utf-8") == (base / "document-canon.txt").read_bytes()
