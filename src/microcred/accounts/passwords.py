"""Password hashing with argon2id (RFC 9106) through argon2-cffi.

Hashes carry their parameters; :func:`needs_rehash` tells when a stored hash was made with
other parameters than today's, so sign-in can upgrade it transparently.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from microcred.errors import InvalidInput

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "check_password_rules",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024

#: argon2-cffi's defaults follow RFC 9106's second recommended option (64 MiB, t=3, p=4).
_HASHER = PasswordHasher()


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or absurdly long (hashing cost)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters.",
            code="weak_password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters.",
            code="invalid_password",
        )


def hash_password(password: str, hasher: PasswordHasher | None = None) -> str:
    """An argon2id hash string (``$argon2id$v=19$m=...``) of ``password``."""
    check_password_rules(password)
    return (hasher or _HASHER).hash(password)


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or a bad hash."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return (hasher or _HASHER).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher | None = None) -> bool:
    """True when ``stored_hash`` was made with other parameters than ``hasher``'s."""
    try:
        return (hasher or _HASHER).check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
