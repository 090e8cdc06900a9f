"""Key files and the in-memory key store."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from microcred.credentials.errors import KeyFormatError
from microcred.credentials.keys import (
    InMemoryKeyStore,
    KeyFile,
    KeyPair,
    KeyStore,
    load_key_file,
    write_key_file,
)
from microcred.errors import Conflict


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256", "P-384"])
def test_write_then_load(tmp_path: Path, algorithm: str) -> None:
    pair = KeyPair.generate(algorithm)
    path = tmp_path / "key.json"
    written = write_key_file(path, pair)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data == {
        "type": "Multikey",
        "id": pair.verification_method,
        "controller": pair.did_key,
        "publicKeyMultibase": pair.public.multibase,
        "secretKeyMultibase": pair.secret_multibase,
        "algorithm": algorithm,
    }
    loaded = load_key_file(path)
    assert loaded.public == written.public == pair.public
    assert loaded.key.secret_bytes == pair.secret_bytes
    assert loaded.id == pair.verification_method
    assert loaded.controller == pair.did_key
    assert pair.public.verify(loaded.key.sign(b"m"), b"m")


def test_rsa_key_file_uses_jwk(tmp_path: Path) -> None:
    pair = KeyPair.generate("RSA")
    path = tmp_path / "rsa.json"
    write_key_file(path, pair, controller="https://example.edu/issuers/1", key_id="#rsa")
    data = json.loads(path.read_text())
    assert data["type"] == "JsonWebKey"
    assert "d" in data["secretKeyJwk"]
    assert "d" not in data["publicKeyJwk"]
    loaded = load_key_file(path)
    assert loaded.id == "https://example.edu/issuers/1#rsa"
    assert loaded.public == pair.public


def test_did_web_controller(tmp_path: Path) -> None:
    pair = KeyPair.generate(seed=bytes(32))
    written = write_key_file(tmp_path / "k.json", pair, controller="did:web:example.com")
    assert written.id == f"did:web:example.com#{pair.public.multibase}"
    written = write_key_file(
        tmp_path / "k2.json",
        pair,
        controller="did:web:example.com",
        key_id="did:web:example.com#k1",
    )
    assert load_key_file(tmp_path / "k2.json").id == "did:web:example.com#k1"


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "key.json"
    write_key_file(path, KeyPair.generate())
    with pytest.raises(Conflict, match="already exists"):
        write_key_file(path, KeyPair.generate())
    replacement = KeyPair.generate()
    write_key_file(path, replacement, overwrite=True)
    assert load_key_file(path).public == replacement.public
    assert [p.name for p in tmp_path.iterdir()] == ["key.json"]


def test_reads_w3c_vector_shape(standards_dir: Path) -> None:
    loaded = load_key_file(standards_dir / "vectors/eddsa/keyPair.json")
    assert loaded.controller == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    one_edtech = load_key_file(standards_dir / "vectors/ob3/1edtech-spec-impl-guide/keypair.json")
    assert one_edtech.controller == "https://example.edu/issuers/565049"
    assert one_edtech.id.endswith("#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")


def _write(tmp_path: Path, value: object) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(value if isinstance(value, str) else json.dumps(value))
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ([], "JSON object"),
        ({"publicKeyMultibase": "z6Mk"}, "no secret key"),
        ({"secretKeyMultibase": "zzz0"}, "base58btc"),
        (
            {
                "secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
                "algorithm": "P-256",
            },
            "algorithm",
        ),
        (
            {
                "secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
                "publicKeyMultibase": "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            },
            "does not match",
        ),
        (
            {"secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", "id": 5},
            "'id'",
        ),
        (
            {"secretKeyMultibase": "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq", "type": "X"},
            "type",
        ),
    ],
)
def test_bad_key_files(tmp_path: Path, content: object, message: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(KeyFormatError, match=message) as info:
        load_key_file(path)
    assert str(path) in str(info.value)


def test_missing_key_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFormatError, match="keys generate"):
        load_key_file(tmp_path / "nope.json")


def test_in_memory_store() -> None:
    first = KeyFile.for_key(KeyPair.generate())
    second = KeyFile.for_key(
        KeyPair.generate("P-256"), controller="did:web:example.com", key_id="#k2"
    )
    store: KeyStore = InMemoryKeyStore([first])
    assert isinstance(store, InMemoryKeyStore)
    store.add(second)
    assert store.get(first.id) is first
    assert store.get("did:web:example.com#k2") is second
    assert store.get("did:web:example.com#k3") is None
    assert len(store) == 2
    assert first.id in store
    store.remove(first.id)
    assert list(store) == [second]
