"""check_status: Bitstring Status List §3.2 Validate Algorithm and 1EdTech VCRL-10."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from microcred.credentials.errors import FetchError, StatusListError
from microcred.credentials.status import (
    Bitstring,
    check_status,
    status_entry,
    status_list_credential,
)

ISSUER = "did:example:issuer"
LIST_URL = "https://example.org/status/1"
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _list(
    bits: Bitstring,
    *,
    purpose: str = "revocation",
    issuer: str = ISSUER,
    valid_from: datetime = NOW - timedelta(days=1),
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    return status_list_credential(
        id=LIST_URL,
        issuer=issuer,
        purpose=purpose,
        bitstring=bits,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _credential(*entries: dict[str, Any], issuer: Any = ISSUER) -> dict[str, Any]:
    return {
        "id": "urn:uuid:3b1e9a8c-0000-4000-8000-000000000001",
        "issuer": issuer,
        "credentialStatus": list(entries) if len(entries) != 1 else entries[0],
    }


class Lists:
    """A fetch_list callback over a dict of documents that counts fetches."""

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.documents = dict(documents)
        self.fetched: list[str] = []

    def __call__(self, url: str) -> Mapping[str, Any]:
        self.fetched.append(url)
        try:
            return self.documents[url]
        except KeyError:
            raise FetchError(f"{url} is not available") from None


def _trusted(document: Mapping[str, Any]) -> bool:
    return True


def _check(credential: dict[str, Any], lists: Lists, **kw: Any) -> list[Any]:
    kw.setdefault("verify_list", _trusted)
    kw.setdefault("now", NOW)
    return check_status(credential, lists, **kw)


def test_unset_bit_passes_and_set_bit_is_revoked() -> None:
    bits = Bitstring()
    bits.set(7)
    lists = Lists({LIST_URL: _list(bits)})
    ok = _check(_credential(status_entry(list_url=LIST_URL, index=6)), lists)
    assert [(c.status, c.code, c.value) for c in ok] == [("passed", "not_revoked", 0)]
    revoked = _check(_credential(status_entry(list_url=LIST_URL, index=7)), lists)
    assert [(c.status, c.code, c.value) for c in revoked] == [("failed", "revoked", 1)]
    assert revoked[0].failed
    assert not revoked[0].passed
    assert revoked[0].list_url == LIST_URL


def test_suspension() -> None:
    bits = Bitstring()
    bits.set(1)
    lists = Lists({LIST_URL: _list(bits, purpose="suspension")})
    entry = status_entry(list_url=LIST_URL, index=1, purpose="suspension")
    assert [c.code for c in _check(_credential(entry), lists)] == ["suspended"]
    bits.clear(1)
    lists.documents[LIST_URL] = _list(bits, purpose="suspension")
    assert [c.code for c in _check(_credential(entry), lists)] == ["not_suspended"]


def test_one_result_per_entry_and_each_list_fetched_once() -> None:
    bits = Bitstring()
    bits.set(2)
    lists = Lists({LIST_URL: _list(bits)})
    credential = _credential(
        status_entry(list_url=LIST_URL, index=1), status_entry(list_url=LIST_URL, index=2)
    )
    results = _check(credential, lists)
    assert [(c.entry_index, c.code) for c in results] == [(0, "not_revoked"), (1, "revoked")]
    assert lists.fetched == [LIST_URL]


def test_no_status_gives_no_results() -> None:
    assert check_status({"issuer": ISSUER}, Lists({})) == []


def test_unreachable_list_fails_closed() -> None:
    results = _check(_credential(status_entry(list_url=LIST_URL, index=1)), Lists({}))
    assert [(c.status, c.code) for c in results] == [("failed", "status_unavailable")]
    assert "not available" in results[0].message


def test_unverified_list_fails_closed() -> None:
    lists = Lists({LIST_URL: _list(Bitstring())})
    credential = _credential(status_entry(list_url=LIST_URL, index=1))
    no_verifier = check_status(credential, lists, now=NOW)
    assert [c.code for c in no_verifier] == ["status_list_unverified"]
    rejected = check_status(credential, lists, now=NOW, verify_list=lambda d: False)
    assert [c.code for c in rejected] == ["status_list_unverified"]
    assert "does not verify" in rejected[0].message

    def raising(document: Mapping[str, Any]) -> bool:
        raise FetchError("key not reachable")

    errored = check_status(credential, lists, now=NOW, verify_list=raising)
    assert [c.code for c in errored] == ["status_list_unverified"]


def test_list_from_another_issuer_fails() -> None:
    bits = Bitstring()
    lists = Lists({LIST_URL: _list(bits, issuer="did:example:mallory")})
    results = _check(_credential(status_entry(list_url=LIST_URL, index=1)), lists)
    assert [c.code for c in results] == ["status_list_issuer_mismatch"]


def test_issuer_object_and_explicit_issuer_id() -> None:
    lists = Lists({LIST_URL: _list(Bitstring())})
    entry = status_entry(list_url=LIST_URL, index=1)
    as_object = _check(_credential(entry, issuer={"id": ISSUER, "type": ["Profile"]}), lists)
    assert [c.code for c in as_object] == ["not_revoked"]
    overridden = _check(_credential(entry), lists, issuer_id="did:example:other")
    assert [c.code for c in overridden] == ["status_list_issuer_mismatch"]


def test_purpose_mismatch() -> None:
    lists = Lists({LIST_URL: _list(Bitstring(), purpose="suspension")})
    results = _check(_credential(status_entry(list_url=LIST_URL, index=1)), lists)
    assert [c.code for c in results] == ["status_purpose_mismatch"]


def test_list_validity_window() -> None:
    entry = status_entry(list_url=LIST_URL, index=1)
    early = Lists({LIST_URL: _list(Bitstring(), valid_from=NOW + timedelta(hours=1))})
    assert [c.code for c in _check(_credential(entry), early)] == ["status_list_not_yet_valid"]
    late = Lists(
        {
            LIST_URL: _list(
                Bitstring(),
                valid_from=NOW - timedelta(days=2),
                valid_until=NOW - timedelta(days=1),
            )
        }
    )
    assert [c.code for c in _check(_credential(entry), late)] == ["status_list_expired"]


def test_index_out_of_range() -> None:
    lists = Lists({LIST_URL: _list(Bitstring())})
    entry = status_entry(list_url=LIST_URL, index=131_072)
    assert [c.code for c in _check(_credential(entry), lists)] == ["status_index_out_of_range"]


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"statusListIndex": "-1"}, "statusListIndex"),
        ({"statusListIndex": "1e3"}, "statusListIndex"),
        ({"statusListIndex": True}, "statusListIndex"),
        ({"statusListIndex": None}, "statusListIndex"),
        ({"statusPurpose": None}, "statusPurpose"),
        ({"statusListCredential": 5}, "statusListCredential"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": 2}, "statusMessage"),
    ],
)
def test_malformed_entries(changes: dict[str, Any], needle: str) -> None:
    entry = status_entry(list_url=LIST_URL, index=1) | changes
    results = _check(_credential(entry), Lists({LIST_URL: _list(Bitstring())}))
    assert [c.code for c in results] == ["status_entry_invalid"]
    assert needle in results[0].message


def test_numeric_index_accepted_with_warning() -> None:
    bits = Bitstring()
    bits.set(23)
    entry = status_entry(list_url=LIST_URL, index=23) | {"statusListIndex": 23}
    results = _check(_credential(entry), Lists({LIST_URL: _list(bits)}))
    assert [c.code for c in results] == ["revoked"]
    assert len(results[0].warnings) == 1
    assert "JSON number" in results[0].warnings[0]


def test_malformed_list_documents() -> None:
    entry = status_entry(list_url=LIST_URL, index=1)
    good = _list(Bitstring())
    cases: list[dict[str, Any]] = [
        good | {"type": ["VerifiableCredential"]},
        good | {"credentialSubject": {"type": "Other"}},
        good | {"credentialSubject": good["credentialSubject"] | {"encodedList": "nope"}},
        good | {"validFrom": "yesterday"},
    ]
    for document in cases:
        results = _check(_credential(entry), Lists({LIST_URL: document}))
        assert [c.code for c in results] == ["status_list_invalid"], document


def test_multi_bit_message_status() -> None:
    bits = Bitstring(131_072 * 2)
    bits.set_value(5, 2, size=2)
    document = _list(bits, purpose="message")
    messages = [("0x0", "pending"), ("0x1", "accepted"), ("0x2", "rejected"), ("0x3", "undefined")]
    entry = status_entry(
        list_url=LIST_URL, index=5, purpose="message", status_size=2, status_messages=messages
    )
    results = _check(_credential(entry), Lists({LIST_URL: document}))
    assert [(c.status, c.code, c.value) for c in results] == [("passed", "status_message", 2)]
    assert "rejected" in results[0].message


def test_multi_bit_list_too_short_for_entry_size() -> None:
    messages = [("0x0", "a"), ("0x1", "b"), ("0x2", "c"), ("0x3", "d")]
    entry = status_entry(
        list_url=LIST_URL, index=5, purpose="message", status_size=2, status_messages=messages
    )
    results = _check(_credential(entry), Lists({LIST_URL: _list(Bitstring(), purpose="message")}))
    assert [c.code for c in results] == ["status_list_invalid"]
    assert "STATUS_LIST_LENGTH_ERROR" in results[0].message


def test_unknown_status_type_is_skipped_and_non_object_fails() -> None:
    results = check_status(
        {"issuer": ISSUER, "credentialStatus": [{"type": "StatusList2021Entry"}, "x"]},
        Lists({}),
        now=NOW,
    )
    assert [(c.status, c.code) for c in results] == [
        ("skipped", "status_type_unsupported"),
        ("failed", "status_entry_invalid"),
    ]


def test_naive_now_is_rejected() -> None:
    with pytest.raises(StatusListError, match="timezone-aware"):
        check_status({}, Lists({}), now=datetime(2025, 1, 1))


# -- 1EdTech Revocation List --------------------------------------------------------------

RL_URL = "https://example.org/revocations"
CRED_ID = "urn:uuid:3b1e9a8c-0000-4000-8000-000000000001"


def _rl_credential() -> dict[str, Any]:
    return _credential({"id": RL_URL, "type": "1EdTechRevocationList"})


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (
            {"revokedCredential": [{"id": CRED_ID, "revocationReason": "Issued in error"}]},
            "revoked",
        ),
        ({"revokedCredentials": [CRED_ID]}, "revoked"),
        ({"revokedCredential": [{"id": CRED_ID, "revoked": True}]}, "revoked"),
        ({"revokedCredential": [{"id": CRED_ID, "revoked": False}]}, "not_revoked"),
        ({"revokedCredential": [{"id": "urn:uuid:other"}]}, "not_revoked"),
        ({"revokedCredential": []}, "not_revoked"),
        ({"something": []}, "status_list_invalid"),
    ],
)
def test_plain_revocation_list(document: dict[str, Any], code: str) -> None:
    results = _check(_rl_credential(), Lists({RL_URL: document}))
    assert [c.code for c in results] == [code]
    assert results[0].entry_type == "1EdTechRevocationList"
    if code == "revoked":
        assert results[0].failed
    assert any("plain JSON" in w for w in results[0].warnings)


def test_revocation_reason_is_reported() -> None:
    document = {"revokedCredential": [{"id": CRED_ID, "revocationReason": "Issued in error"}]}
    results = _check(_rl_credential(), Lists({RL_URL: document}))
    assert results[0].message.endswith("Reason: Issued in error")


def test_signed_revocation_list_must_verify_and_match_issuer() -> None:
    document = {
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"revokedCredential": [{"id": CRED_ID}]},
        "proof": {"type": "DataIntegrityProof"},
    }
    lists = Lists({RL_URL: document})
    assert [c.code for c in _check(_rl_credential(), lists)] == ["revoked"]
    assert [c.code for c in check_status(_rl_credential(), lists, now=NOW)] == [
        "status_list_unverified"
    ]
    other = Lists({RL_URL: document | {"issuer": "did:example:other"}})
    assert [c.code for c in _check(_rl_credential(), other)] == ["status_list_issuer_mismatch"]


def test_revocation_list_failures() -> None:
    assert [c.code for c in _check(_rl_credential(), Lists({}))] == ["status_unavailable"]
    no_id = _credential({"type": "1EdTechRevocationList"})
    assert [c.code for c in _check(no_id, Lists({}))] == ["status_entry_invalid"]
    anonymous = _rl_credential()
    del anonymous["id"]
    assert [c.code for c in _check(anonymous, Lists({RL_URL: {}}))] == ["status_entry_invalid"]


def test_expanded_lists_are_remembered_only_when_small_and_never_changed() -> None:
    """The expansion of an encodedList is reused (a pure function of the string); large
    lists and invalid ones are expanded (or refused) every time."""
    from microcred.credentials.status import checking

    small = Bitstring()
    small.set(7)
    encoded = small.encode()
    first = checking._expanded(encoded)
    assert checking._expanded(encoded) is first
    assert first.get(7) and not first.get(8)
    other = Bitstring()
    other.set(8)
    assert checking._expanded(other.encode()).get(8)
    large = Bitstring(checking._REMEMBERED_BYTES * 8 + 8 * 1024)
    large_encoded = large.encode()
    assert checking._expanded(large_encoded) is not checking._expanded(large_encoded)
    for bad in ("H4sIAAAA", "u!!!", 5):
        with pytest.raises(StatusListError):
            checking._expanded(bad)
