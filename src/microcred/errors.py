"""Typed errors shared by every layer of microcred.

Each error carries a stable machine-readable ``code`` and a message that tells the user
what to do next. Entry points map them once: the CLI to a stderr line and an exit code,
the web layer to ``application/problem+json``.

Exception tree::

    MicrocredError
     +-- InvalidInput        bad input from the caller (CLI exit code 2)
     +-- NotFound            a named thing does not exist
     +-- Conflict            the request clashes with the current state
     +-- PermissionDenied    the caller may not do this
     +-- Unavailable         a needed resource could not be reached (CLI exit code 3)
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "InvalidInput",
    "MicrocredError",
    "NotFound",
    "PermissionDenied",
    "Unavailable",
]


class MicrocredError(Exception):
    """Base of every error microcred raises on purpose.

    ``code`` is stable (documented, safe to match on); ``message`` is for people.
    """

    code: str = "error"
    exit_code: int = 2

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(MicrocredError):
    """The input is malformed or violates a rule; fix the input and try again."""

    code = "invalid_input"
    exit_code = 2


class NotFound(MicrocredError):
    """A named thing does not exist."""

    code = "not_found"
    exit_code = 2


class Conflict(MicrocredError):
    """The request conflicts with the current state."""

    code = "conflict"
    exit_code = 2


class PermissionDenied(MicrocredError):
    """The caller is not allowed to do this."""

    code = "permission_denied"
    exit_code = 2


class Unavailable(MicrocredError):
    """A resource that is needed could not be reached or read."""

    code = "unavailable"
    exit_code = 3
