"""Ed25519 / multibase against the W3C vc-di-eddsa and 1EdTech vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import KeyPair, PublicKey, multibase_decode, multibase_encode


def _json(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_w3c_eddsa_keypair_derives_public_multikey(standards_dir: Path) -> None:
    vector = _json(standards_dir / "vectors/eddsa/keyPair.json")
    pair = KeyPair.from_secret_multibase(vector["privateKeyMultibase"])
    assert pair.algorithm == "Ed25519"
    assert pair.public.multibase == vector["publicKeyMultibase"]
    assert pair.secret_multibase == vector["privateKeyMultibase"]
    assert pair.did_key == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert pair.verification_method == (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    )


@pytest.mark.parametrize("variant", ["", "employ/"])
def test_w3c_eddsa_rdfc_signature_reproduced(standards_dir: Path, variant: str) -> None:
    base = standards_dir / "vectors/eddsa"
    pair = KeyPair.from_secret_multibase(_json(base / "keyPair.json")["privateKeyMultibase"])
    folder = base / "eddsa-rdfc-2022" / variant
    combined = bytes.fromhex(next(folder.glob("combinedHash*.txt")).read_text().strip())
    expected = next(folder.glob("sigHex*.txt")).read_text().strip()
    signature = pair.sign(combined)
    assert signature.hex() == expected
    assert multibase_encode(signature) == next(folder.glob("sigBTC58*.txt")).read_text().strip()
    assert pair.public.verify(signature, combined)
    assert not pair.public.verify(signature, combined[:-1] + b"\0")


def test_1edtech_keypair(standards_dir: Path) -> None:
    vector = _json(standards_dir / "vectors/ob3/1edtech-spec-impl-guide/keypair.json")
    pair = KeyPair.from_secret_multibase(vector["secretKeyMultibase"])
    assert pair.public.multibase == vector["publicKeyMultibase"]
    assert pair.public.raw.hex() == vector["publicKeyHex"]
    assert pair.secret_bytes.hex() + pair.public.raw.hex() == vector["privateKeyHex_seedThenPublic"]
    assert vector["id"].endswith("#" + pair.public.multibase)
    hashes = _json(standards_dir / "vectors/ob3/1edtech-spec-impl-guide/hashes-and-signature.json")
    assert pair.sign(bytes.fromhex(hashes["data"])).hex() == hashes["signature"]


def test_1edtech_64_byte_secret_with_wrong_public_half_refused(standards_dir: Path) -> None:
    vector = _json(standards_dir / "vectors/ob3/1edtech-spec-impl-guide/keypair.json")
    raw = bytes.fromhex(vector["privateKeyHex_seedThenPublic"])
    tampered = raw[:32] + bytes(32)
    with pytest.raises(KeyFormatError, match="public half"):
        KeyPair.from_secret_bytes("Ed25519", tampered)


def test_seed_is_deterministic() -> None:
    seed = bytes(range(32))
    a = KeyPair.generate("Ed25519", seed=seed)
    b = KeyPair.generate(seed=seed)
    assert a.public == b.public
    assert a.secret_bytes == seed
    assert a.sign(b"x") == b.sign(b"x")
    assert KeyPair.generate().public != a.public


@pytest.mark.parametrize("length", [0, 16, 31, 33, 48])
def test_wrong_seed_length(length: int) -> None:
    with pytest.raises(KeyFormatError, match="32 bytes"):
        KeyPair.generate("Ed25519", seed=bytes(length))


def test_public_key_round_trips() -> None:
    pair = KeyPair.generate()
    key = PublicKey.from_multibase(pair.public.multibase)
    assert key == pair.public
    assert hash(key) == hash(pair.public)
    assert PublicKey.from_jwk(key.to_jwk()) == key
    assert PublicKey.from_raw("Ed25519", key.raw) == key
    assert multibase_decode(key.multibase)[:2] == b"\xed\x01"
    assert key.multibase.startswith("z6Mk")
