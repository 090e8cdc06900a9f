"""Verification results as data: one :class:`Check` per thing checked.

A credential that fails verification is not an exception:
:func:`microcred.credentials.verify.verify` returns a :class:`VerificationReport`;
callers (CLI, API, pages) render it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Check", "CheckStatus", "VerificationReport"]


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    #: Worth telling people, never a failure (e.g. an issuer no trust registry lists):
    #: ``verified`` ignores warnings.
    WARNING = "warning"


@dataclass(frozen=True)
class Check:
    """The outcome of one check: a stable ``code`` and a message for people."""

    name: str
    status: CheckStatus
    code: str
    message: str
    detail: dict[str, Any] | None = None

    @classmethod
    def passed(cls, name: str, code: str, message: str, **detail: Any) -> Check:
        return cls(name, CheckStatus.PASSED, code, message, detail or None)

    @classmethod
    def failed(cls, name: str, code: str, message: str, **detail: Any) -> Check:
        return cls(name, CheckStatus.FAILED, code, message, detail or None)

    @classmethod
    def skipped(cls, name: str, code: str, message: str, **detail: Any) -> Check:
        return cls(name, CheckStatus.SKIPPED, code, message, detail or None)

    @classmethod
    def warning(cls, name: str, code: str, message: str, **detail: Any) -> Check:
        return cls(name, CheckStatus.WARNING, code, message, detail or None)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "check": self.name,
            "status": self.status.value,
            "code": self.code,
            "message": self.message,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass
class VerificationReport:
    """Every check run on one credential, presentation or JWT.

    ``verified`` is true when no check failed and at least one proof passed.
    Presentations carry one nested report per embedded credential in ``credentials``.
    """

    kind: str
    checks: list[Check] = field(default_factory=list)
    document: dict[str, Any] | None = None
    credentials: list[VerificationReport] = field(default_factory=list)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status is CheckStatus.FAILED]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status is CheckStatus.WARNING]

    @property
    def verified(self) -> bool:
        proof_passed = any(
            c.status is CheckStatus.PASSED and c.name == "proof" for c in self.checks
        )
        nested_ok = all(r.verified for r in self.credentials)
        return proof_passed and not self.failures and nested_ok

    @property
    def subject_id(self) -> str | None:
        doc = self.document or {}
        subject = doc.get("credentialSubject")
        if isinstance(subject, list) and subject:
            subject = subject[0]
        if isinstance(subject, dict) and isinstance(subject.get("id"), str):
            return str(subject["id"])
        return None

    def to_json(self) -> dict[str, Any]:
        doc = self.document or {}
        out: dict[str, Any] = {
            "kind": self.kind,
            "verified": self.verified,
            "id": doc.get("id"),
            "checks": [c.to_json() for c in self.checks],
            "errors": [c.message for c in self.failures],
            "warnings": [c.message for c in self.warnings],
        }
        if self.credentials:
            out["credentials"] = [r.to_json() for r in self.credentials]
        return out
