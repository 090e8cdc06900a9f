"""Several credentialStatus entries (VC 2.0 section 4.10) against the OB 3.0 schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from microcred.credentials.model import (
    Achievement,
    Criteria,
    Profile,
    build_achievement_credential,
)
from microcred.credentials.schemas import validate
from microcred.credentials.status import status_entry


def _credential(status: Any) -> dict[str, Any]:
    return build_achievement_credential(
        id="urn:uuid:1b4f6a36-6f25-4b9e-8a7c-0c6c2f2f7d01",
        issuer=Profile(id="did:example:issuer"),
        achievement=Achievement(
            id="https://example.org/a/1",
            name="A",
            description="B",
            criteria=Criteria(narrative="C"),
        ),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        subject_id="did:example:learner",
        credential_status=status,
    )


def test_revocation_and_suspension_entries_validate() -> None:
    entries = [
        status_entry(list_url="https://example.org/s/r/1", index=3, purpose="revocation"),
        status_entry(list_url="https://example.org/s/s/1", index=3, purpose="suspension"),
    ]
    assert validate(_credential(entries)) == []


def test_each_entry_is_checked_and_named() -> None:
    entries = [
        status_entry(list_url="https://example.org/s/r/1", index=3, purpose="revocation"),
        {"id": "https://example.org/s/s/1#3"},  # no type
    ]
    issues = validate(_credential(entries))
    assert issues
    assert all(issue.path.startswith("credentialStatus[1]") for issue in issues)


def test_strict_mode_keeps_the_official_single_object_rule() -> None:
    entries = [
        status_entry(list_url="https://example.org/s/r/1", index=3, purpose="revocation"),
        status_entry(list_url="https://example.org/s/s/1", index=3, purpose="suspension"),
    ]
    assert validate(_credential(entries), strict=True)


def test_empty_array_is_an_issue() -> None:
    assert any(i.path == "credentialStatus" for i in validate(_credential([])))
