from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from microcred.accounts import passwords
from microcred.errors import InvalidInput

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_hash_is_argon2id_and_verifies() -> None:
    stored = passwords.hash_password("correct horse battery", CHEAP)
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "correct horse battery", CHEAP)
    assert not passwords.verify_password(stored, "correct horse batterY", CHEAP)


def test_same_password_hashes_differently() -> None:
    assert passwords.hash_password("correct horse battery", CHEAP) != passwords.hash_password(
        "correct horse battery", CHEAP
    )


def test_garbage_hash_does_not_verify_and_needs_rehash() -> None:
    assert not passwords.verify_password("not-a-hash", "whatever password")
    assert passwords.needs_rehash("not-a-hash")


def test_rehash_when_parameters_change() -> None:
    old = passwords.hash_password("correct horse battery", CHEAP)
    assert not passwords.needs_rehash(old, CHEAP)
    assert passwords.needs_rehash(old)  # default parameters are stronger
    current = passwords.hash_password("correct horse battery")
    assert not passwords.needs_rehash(current)


@pytest.mark.parametrize("password", ["", "short", "x" * 9, "y" * 1025])
def test_password_rules(password: str) -> None:
    with pytest.raises(InvalidInput) as info:
        passwords.hash_password(password, CHEAP)
    assert info.value.code in {"weak_password", "invalid_password"}


def test_overlong_password_never_verifies() -> None:
    stored = passwords.hash_password("correct horse battery", CHEAP)
    assert not passwords.verify_password(stored, "z" * 5000, CHEAP)
