"""status_entry and status_list_credential (W3C Bitstring Status List §2.1, §2.2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from microcred.credentials.errors import StatusListError
from microcred.credentials.status import Bitstring, status_entry, status_list_credential


def test_status_entry_shape() -> None:
    entry = status_entry(list_url="https://example.org/status/3", index=94567)
    assert entry == {
        "id": "https://example.org/status/3#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.org/status/3",
    }


def test_status_entry_suspension_and_multi_bit() -> None:
    assert status_entry(list_url="https://x/l", index=0, purpose="suspension")["statusPurpose"] == (
        "suspension"
    )
    entry = status_entry(
        list_url="https://x/l",
        index=1,
        purpose="message",
        status_size=1,
        status_messages=[("0x0", "ok"), ("0x1", "bad")],
        status_reference="https://x/docs",
    )
    assert entry["statusMessage"] == [
        {"status": "0x0", "message": "ok"},
        {"status": "0x1", "message": "bad"},
    ]
    assert "statusSize" not in entry
    assert entry["statusReference"] == "https://x/docs"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"list_url": "https://x/l", "index": -1},
        {"list_url": "https://x/l#frag", "index": 1},
        {"list_url": "", "index": 1},
        {"list_url": "https://x/l", "index": 1, "purpose": ""},
        {"list_url": "https://x/l", "index": 1, "status_size": 2},
        {
            "list_url": "https://x/l",
            "index": 1,
            "status_size": 2,
            "status_messages": [("0x0", "a")],
        },
        {"list_url": "https://x/l", "index": 1, "status_size": 0},
    ],
)
def test_status_entry_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(StatusListError):
        status_entry(**kwargs)  # type: ignore[arg-type]


def test_status_list_credential_shape() -> None:
    bits = Bitstring()
    bits.set(5)
    tz = timezone(timedelta(hours=2))
    document = status_list_credential(
        id="https://example.org/status/3",
        issuer="did:example:12345",
        purpose="revocation",
        bitstring=bits,
        valid_from=datetime(2025, 1, 1, 2, 0, tzinfo=tz),
        valid_until=datetime(2026, 1, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["validFrom"] == "2025-01-01T00:00:00Z"
    assert document["validUntil"] == "2026-01-01T00:00:00Z"
    subject = document["credentialSubject"]
    assert subject["id"] == "https://example.org/status/3#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 300_000
    assert Bitstring.decode(subject["encodedList"]).set_indices() == [5]
    assert "proof" not in document


def test_status_list_credential_rejects_bad_times_and_ids() -> None:
    common = {"issuer": "did:example:1", "purpose": "revocation", "bitstring": Bitstring()}
    with pytest.raises(StatusListError, match="time zone"):
        status_list_credential(id="https://x/l", valid_from=datetime(2025, 1, 1), **common)  # type: ignore[arg-type]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(StatusListError, match="later"):
        status_list_credential(id="https://x/l", valid_from=start, valid_until=start, **common)  # type: ignore[arg-type]
    with pytest.raises(StatusListError, match="fragment"):
        status_list_credential(id="https://x/l#a", valid_from=start, **common)  # type: ignore[arg-type]
