from __future__ import annotations

import pytest

from microcred.accounts.errors import KeyDecryptionFailed
from microcred.accounts.keys import decrypt_secret, encrypt_secret, key_encryption_key
from microcred.errors import InvalidInput

MASTER = b"m" * 40
SECRET = bytes(range(32))
KEY_ID = "did:web:example.org:orgs:acme#key-1"


def _encrypt() -> tuple[bytes, bytes]:
    return encrypt_secret(SECRET, master_key=MASTER, organisation_id=7, key_id=KEY_ID)


def test_round_trip() -> None:
    nonce, ciphertext = _encrypt()
    assert SECRET not in ciphertext
    assert len(nonce) == 12
    assert (
        decrypt_secret(nonce, ciphertext, master_key=MASTER, organisation_id=7, key_id=KEY_ID)
        == SECRET
    )


def test_fresh_nonce_each_time() -> None:
    assert _encrypt()[0] != _encrypt()[0]


def test_kek_is_derived_not_the_master_key() -> None:
    kek = key_encryption_key(MASTER)
    assert len(kek) == 32
    assert kek != MASTER[:32]
    assert kek != key_encryption_key(b"n" * 40)


@pytest.mark.parametrize(
    "change",
    ["ciphertext", "nonce", "organisation", "key_id", "master_key", "truncate"],
)
def test_tampering_is_detected(change: str) -> None:
    nonce, ciphertext = _encrypt()
    kwargs = {"master_key": MASTER, "organisation_id": 7, "key_id": KEY_ID}
    if change == "ciphertext":
        ciphertext = bytes([ciphertext[0] ^ 1]) + ciphertext[1:]
    elif change == "nonce":
        nonce = bytes([nonce[0] ^ 1]) + nonce[1:]
    elif change == "organisation":
        kwargs["organisation_id"] = 8
    elif change == "key_id":
        kwargs["key_id"] = KEY_ID.replace("key-1", "key-2")
    elif change == "master_key":
        kwargs["master_key"] = b"x" * 40
    else:
        ciphertext = ciphertext[:-1]
    with pytest.raises(KeyDecryptionFailed) as info:
        decrypt_secret(nonce, ciphertext, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == "key_decryption_failed"
    assert "MICROCRED_MASTER_KEY" in info.value.message


def test_short_master_key_is_refused() -> None:
    with pytest.raises(InvalidInput):
        key_encryption_key(b"short")
