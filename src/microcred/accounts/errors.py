"""Errors of the accounts domain.

Tree (all from :mod:`microcred.errors`)::

    PermissionDenied
     +-- NotAuthenticated   no valid credentials were presented (HTTP 401)
    Unavailable
     +-- KeyDecryptionFailed  a signing key cannot be decrypted (wrong master key)
"""

from __future__ import annotations

from microcred.errors import PermissionDenied, Unavailable

__all__ = ["KeyDecryptionFailed", "NotAuthenticated"]


class NotAuthenticated(PermissionDenied):
    """The caller did not prove who they are (missing, invalid, expired or revoked token)."""

    code = "not_authenticated"


class KeyDecryptionFailed(Unavailable):
    """An organisation key could not be decrypted: wrong master key or tampered row."""

    code = "key_decryption_failed"
