"""ECDSA P-256 / P-384 against the W3C vc-di-ecdsa vectors.

What is signed (checked against the vectors): the message is ``proofHash || docHash``
(64 bytes for P-256, 96 for P-384), which ECDSA hashes again with SHA-256 / SHA-384.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import KeyPair, PublicKey, multibase_encode

CASES = [
    ("p256KeyPair.json", "ecdsa-rdfc-2019-p256", "P-256"),
    ("p256KeyPair.json", "ecdsa-rdfc-2019-p256/employ", "P-256"),
    ("p256KeyPair.json", "ecdsa-jcs-2019-p256", "P-256"),
    ("p384KeyPair.json", "ecdsa-rdfc-2019-p384", "P-384"),
    ("p384KeyPair.json", "ecdsa-rdfc-2019-p384/employ", "P-384"),
]


def _read(folder: Path, prefix: str) -> str:
    return next(folder.glob(prefix + "*.txt")).read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("key_file", ["p256KeyPair.json", "p384KeyPair.json"])
def test_keypair_derives_public_multikey(standards_dir: Path, key_file: str) -> None:
    vector = json.loads((standards_dir / "vectors/ecdsa" / key_file).read_text())
    pair = KeyPair.from_secret_multibase(vector["secretKeyMultibase"])
    assert pair.public.multibase == vector["publicKeyMultibase"]
    assert pair.secret_multibase == vector["secretKeyMultibase"]
    assert PublicKey.from_multibase(vector["publicKeyMultibase"]) == pair.public


@pytest.mark.parametrize(("key_file", "folder", "algorithm"), CASES)
def test_vector_signature_verifies(
    standards_dir: Path, key_file: str, folder: str, algorithm: str
) -> None:
    base = standards_dir / "vectors/ecdsa"
    vector = json.loads((base / key_file).read_text())
    public = PublicKey.from_multibase(vector["publicKeyMultibase"])
    assert public.algorithm == algorithm
    directory = base / folder
    proof_hash = bytes.fromhex(_read(directory, "proofHash"))
    doc_hash = bytes.fromhex(_read(directory, "docHash"))
    combined = bytes.fromhex(_read(directory, "combinedHash"))
    assert combined == proof_hash + doc_hash
    signature = bytes.fromhex(_read(directory, "sigHex"))
    assert multibase_encode(signature) == _read(directory, "sigBTC58")
    assert public.verify(signature, combined)
    assert not public.verify(signature, doc_hash + proof_hash)
    assert not public.verify(signature[:-1] + bytes([signature[-1] ^ 1]), combined)
    # our own signatures over the same message verify too (ECDSA is randomized)
    pair = KeyPair.from_secret_multibase(vector["secretKeyMultibase"])
    mine = pair.sign(combined)
    assert len(mine) == len(signature) == public.signature_length
    assert public.verify(mine, combined)


@pytest.mark.parametrize("algorithm", ["P-256", "P-384"])
def test_generate_sign_verify_jwk(algorithm: str) -> None:
    pair = KeyPair.generate(algorithm)
    signature = pair.sign(b"hello")
    assert pair.public.verify(signature, b"hello")
    assert not pair.public.verify(signature, b"hellO")
    assert not pair.public.verify(signature + b"\0", b"hello")
    assert not pair.public.verify(bytes(len(signature)), b"hello")
    jwk = pair.public.to_jwk()
    assert jwk["kty"] == "EC"
    assert jwk["crv"] == algorithm
    assert PublicKey.from_jwk(jwk) == pair.public
    assert KeyPair.from_jwk(pair.to_jwk()).public == pair.public
    assert KeyPair.from_secret_bytes(algorithm, pair.secret_bytes).public == pair.public
    prefix = {"P-256": "zDn", "P-384": "z82"}[algorithm]
    assert pair.public.multibase.startswith(prefix)
    assert pair.did_key == "did:key:" + pair.public.multibase


def test_ec_point_not_on_curve() -> None:
    # x = 1 is not the x coordinate of any P-256 point (1 - 3 + b is a non-residue)
    raw = b"\x02" + (1).to_bytes(32, "big")
    with pytest.raises(KeyFormatError, match="not a point on the P-256 curve"):
        PublicKey.from_raw("P-256", raw)


def test_uncompressed_point_refused_with_hint() -> None:
    pair = KeyPair.generate("P-256")
    uncompressed = pair.public.cryptography_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    with pytest.raises(KeyFormatError, match="compress the point"):
        PublicKey.from_raw("P-256", uncompressed)


@pytest.mark.parametrize(("algorithm", "length"), [("P-256", 31), ("P-384", 32), ("P-256", 48)])
def test_wrong_secret_length(algorithm: str, length: int) -> None:
    with pytest.raises(KeyFormatError, match="bytes"):
        KeyPair.from_secret_bytes(algorithm, b"\1" * length)


def test_secret_scalar_out_of_range() -> None:
    with pytest.raises(KeyFormatError, match="out of range"):
        KeyPair.from_secret_bytes("P-256", bytes(32))
    with pytest.raises(KeyFormatError, match="out of range"):
        KeyPair.from_secret_bytes("P-256", b"\xff" * 32)
