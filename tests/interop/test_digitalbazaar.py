"""Interoperability with Digital Bazaar's ``@digitalbazaar/vc`` and eddsa-rdfc-2022.

Both directions, offline, with the same bundled JSON-LD contexts on both sides:

* credentials microcred signs verify in ``vc.verifyCredential`` (and a tampered one does
  not); a microcred status list is read by ``vc-bitstring-status-list`` with the same bit
  at the same index;
* credentials Digital Bazaar signs verify in microcred, proof by proof and through the
  full verification report; a tampered one fails; a revoked one (with its status list,
  also signed by Digital Bazaar) is reported revoked and a live one passes.

The Node side is driven through ``node/*.mjs`` (fixture ``digitalbazaar`` in conftest.py).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from microcred.credentials.dids import resolve_verification_method
from microcred.credentials.documents import OfflineDocuments
from microcred.credentials.keys import KeyPair
from microcred.credentials.proofs import sign, verify_proofs
from microcred.credentials.status import Bitstring, status_entry, status_list_credential
from microcred.credentials.verify import verify

pytestmark = pytest.mark.interop

#: Issuer keys (Ed25519 seeds). Both sides derive the same did:key from the same seed.
MICROCRED_SEED = bytes(range(1, 33))
DIGITALBAZAAR_SEED = bytes(range(101, 133))
OTHER_SEED = bytes([7] * 32)

CREATED = "2024-05-01T12:00:00Z"
VALID_FROM = "2024-05-01T00:00:00Z"
NOW_TEXT = "2025-06-01T00:00:00Z"
NOW = datetime(2025, 6, 1, tzinfo=UTC)

MICROCRED_LIST_URL = "https://issuer.example/status/microcred-1"
DIGITALBAZAAR_LIST_URL = "https://issuer.example/status/digitalbazaar-1"
REVOKED_INDEX = 7
LIVE_INDEX = 8


def achievement_credential(issuer_id: str, *, number: int = 1) -> dict[str, Any]:
    """An unsigned OB 3.0 AchievementCredential for a micro-credential."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:6f1c5a52-7d3e-4c8b-9a0e-1b2c3d4e5f{number:02d}",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": "Data Analysis with Python",
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://university.example/",
        },
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": "did:example:learner-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://university.example/achievements/data-analysis-python",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Data Analysis with Python",
                "description": "Cleans, analyses and visualises tabular data with pandas.",
                "criteria": {
                    "narrative": "Passed the supervised final project (grade B or better)."
                },
                "creditsAvailable": 5,
                "fieldOfStudy": "Data science",
                "tag": ["python", "data analysis"],
            },
            "result": [{"type": ["Result"], "value": "B"}],
        },
    }


def resolve_offline(url: str) -> Any:
    return resolve_verification_method(url, OfflineDocuments())


def sign_in_microcred(document: dict[str, Any], key: KeyPair) -> dict[str, Any]:
    return sign(document, key, created=datetime(2024, 5, 1, 12, tzinfo=UTC))


def checks_named(report: Any, name: str) -> list[Any]:
    return [check for check in report.checks if check.name == name]


def status_value(check: Any) -> str:
    return str(getattr(check.status, "value", check.status))


# ------------------------------------------------------------------------ the setup itself


def test_the_pinned_library_versions_are_installed(digitalbazaar: Any) -> None:
    """`npm ci` installed exactly the versions package.json pins (no drift, no ranges)."""
    node_dir = Path(__file__).resolve().parent / "node"
    pins = json.loads((node_dir / "package.json").read_text())["dependencies"]
    assert pins, "package.json pins no libraries"
    for name, pinned in pins.items():
        assert pinned[0].isdigit(), f"{name} is pinned to a range ({pinned}), not a version"
        installed = json.loads((node_dir / "node_modules" / name / "package.json").read_text())
        assert installed["version"] == pinned, f"{name}: run `make node-deps`"


def test_both_sides_derive_the_same_did_key_from_a_seed(digitalbazaar: Any) -> None:
    """Ed25519 multikey and did:key encoding agree (Multikey §2.2, did:key)."""
    out = digitalbazaar.sign(
        {
            "credential": achievement_credential("did:example:x"),
            "seed": MICROCRED_SEED.hex(),
            "created": CREATED,
            "setIssuer": True,
        }
    )
    key = KeyPair.generate(seed=MICROCRED_SEED)
    assert out["did"] == key.did_key
    assert out["verificationMethod"] == key.verification_method


# ---------------------------------------------------- microcred signs, Digital Bazaar verifies


@pytest.fixture(scope="module")
def microcred_key() -> KeyPair:
    return KeyPair.generate(seed=MICROCRED_SEED)


def test_microcred_credential_verifies_in_digitalbazaar(
    digitalbazaar: Any, microcred_key: KeyPair
) -> None:
    signed = sign_in_microcred(achievement_credential(microcred_key.did_key), microcred_key)
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    result = digitalbazaar.verify({"credential": signed, "now": NOW_TEXT})

    assert result == {"verified": True, "errors": [], "statusResult": None}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Data Analysis with Pythons"),
        (("credentialSubject", "achievement", "creditsAvailable"), 50),
        (("credentialSubject", "id"), "did:example:someone-else"),
        (("proof", "created"), "2024-05-01T12:00:01Z"),
    ],
    ids=["name", "credits", "subject", "proof-created"],
)
def test_tampered_microcred_credential_fails_in_digitalbazaar(
    digitalbazaar: Any, microcred_key: KeyPair, path: tuple[str, ...], value: Any
) -> None:
    """The control for the test above: Digital Bazaar does reject a changed credential."""
    signed = sign_in_microcred(achievement_credential(microcred_key.did_key), microcred_key)
    target = signed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    result = digitalbazaar.verify({"credential": signed, "now": NOW_TEXT})

    assert result["verified"] is False
    assert any("signature" in error.lower() for error in result["errors"]), result


@pytest.fixture(scope="module")
def microcred_status_list(microcred_key: KeyPair) -> dict[str, Any]:
    bits = Bitstring()
    bits.set(REVOKED_INDEX, True)
    unsigned = status_list_credential(
        id=MICROCRED_LIST_URL,
        issuer=microcred_key.did_key,
        purpose="revocation",
        bitstring=bits,
        valid_from=datetime(2024, 5, 1, tzinfo=UTC),
    )
    return sign_in_microcred(unsigned, microcred_key)


@pytest.mark.parametrize(("index", "revoked"), [(LIVE_INDEX, False), (REVOKED_INDEX, True)])
def test_microcred_status_list_is_read_by_digitalbazaar(
    digitalbazaar: Any,
    microcred_key: KeyPair,
    microcred_status_list: dict[str, Any],
    index: int,
    revoked: bool,
) -> None:
    """vc-bitstring-status-list verifies microcred's signed list and reads the same bit."""
    credential = achievement_credential(microcred_key.did_key)
    credential["credentialStatus"] = status_entry(
        list_url=MICROCRED_LIST_URL, index=index, purpose="revocation"
    )
    signed = sign_in_microcred(credential, microcred_key)

    result = digitalbazaar.verify(
        {
            "credential": signed,
            "documents": {MICROCRED_LIST_URL: microcred_status_list},
            "now": NOW_TEXT,
        }
    )

    # The library reports a set bit as status=true and leaves `verified` to the proof and
    # to whether the (verified, same-issuer) list could be read.
    assert result["verified"] is True, result["errors"]
    assert result["statusResult"]["verified"] is True
    [entry] = result["statusResult"]["results"]
    assert entry["statusListIndex"] == str(index)
    assert entry["statusPurpose"] == "revocation"
    assert entry["status"] is revoked


def test_microcred_status_list_with_a_tampered_bit_fails_in_digitalbazaar(
    digitalbazaar: Any, microcred_key: KeyPair, microcred_status_list: dict[str, Any]
) -> None:
    """Un-revoking by editing the list breaks its signature, and Digital Bazaar notices."""
    forged = copy.deepcopy(microcred_status_list)
    forged["credentialSubject"]["encodedList"] = Bitstring().encode()
    credential = achievement_credential(microcred_key.did_key)
    credential["credentialStatus"] = status_entry(
        list_url=MICROCRED_LIST_URL, index=REVOKED_INDEX, purpose="revocation"
    )
    signed = sign_in_microcred(credential, microcred_key)

    result = digitalbazaar.verify(
        {"credential": signed, "documents": {MICROCRED_LIST_URL: forged}, "now": NOW_TEXT}
    )

    assert result["verified"] is False
    assert result["statusResult"]["verified"] is False


# ---------------------------------------------------- Digital Bazaar signs, microcred verifies


@pytest.fixture(scope="module")
def digitalbazaar_issued(digitalbazaar: Any) -> dict[str, Any]:
    """One batch per script: three credentials and two status lists, all signed in Node."""
    seed = DIGITALBAZAAR_SEED.hex()
    plain, revoked, live = digitalbazaar.sign(
        [
            {
                "credential": achievement_credential("did:example:x", number=n),
                "seed": seed,
                "created": CREATED,
                "setIssuer": True,
                **extra,
            }
            for n, extra in (
                (1, {}),
                (
                    2,
                    {
                        "statusEntry": {
                            "statusListCredential": DIGITALBAZAAR_LIST_URL,
                            "statusListIndex": str(REVOKED_INDEX),
                            "statusPurpose": "revocation",
                        }
                    },
                ),
                (
                    3,
                    {
                        "statusEntry": {
                            "statusListCredential": DIGITALBAZAAR_LIST_URL,
                            "statusListIndex": str(LIVE_INDEX),
                            "statusPurpose": "revocation",
                        }
                    },
                ),
            )
        ]
    )
    status_list, foreign_list = digitalbazaar.status_list(
        [
            {
                "id": DIGITALBAZAAR_LIST_URL,
                "seed": s,
                "statusPurpose": "revocation",
                "setIndexes": [REVOKED_INDEX],
                "validFrom": VALID_FROM,
                "created": CREATED,
            }
            for s in (seed, OTHER_SEED.hex())
        ]
    )
    return {
        "did": plain["did"],
        "plain": plain["credential"],
        "revoked": revoked["credential"],
        "live": live["credential"],
        "status_list": status_list["credential"],
        "foreign_list": foreign_list["credential"],
    }


def test_digitalbazaar_credential_proofs_verify_in_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    for name in ("plain", "revoked", "live", "status_list"):
        checks = verify_proofs(digitalbazaar_issued[name], resolve=resolve_offline, now=NOW)
        assert [(c.cryptosuite, c.verified) for c in checks] == [("eddsa-rdfc-2022", True)], (
            name,
            checks,
        )
        assert checks[0].verification_method.startswith(digitalbazaar_issued["did"])


def test_digitalbazaar_credential_passes_microcred_verification(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    report = verify(digitalbazaar_issued["plain"], fetcher=OfflineDocuments(), now=NOW)

    assert report.verified, [c.message for c in report.failures]
    assert [status_value(c) for c in checks_named(report, "proof")] == ["passed"]
    assert [status_value(c) for c in checks_named(report, "issuer_key")] == ["passed"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Data Analysis with Pythons"),
        (("validFrom",), "2023-05-01T00:00:00Z"),
        (("issuer", "name"), "Another University"),
        (("credentialSubject", "achievement", "creditsAvailable"), 50),
        (("credentialSubject", "result", 0, "value"), "A"),
        (("proof", "created"), "2024-05-01T12:00:01Z"),
    ],
    ids=["name", "validFrom", "issuer-name", "credits", "result", "proof-created"],
)
def test_tampered_digitalbazaar_credential_fails_in_microcred(
    digitalbazaar_issued: dict[str, Any], path: tuple[Any, ...], value: Any
) -> None:
    tampered = copy.deepcopy(digitalbazaar_issued["plain"])
    target: Any = tampered
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value

    [check] = verify_proofs(tampered, resolve=resolve_offline, now=NOW)
    assert check.verified is False

    report = verify(tampered, fetcher=OfflineDocuments(), now=NOW)
    assert not report.verified
    assert [status_value(c) for c in checks_named(report, "proof")] == ["failed"]


def test_digitalbazaar_status_list_bits_read_the_same_in_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    """Bit order and encoding (GZIP, multibase base64url) agree (Bitstring Status List §3)."""
    subject = digitalbazaar_issued["status_list"]["credentialSubject"]
    bits = Bitstring.decode(subject["encodedList"])
    assert len(bits) == 131_072
    assert bits.get(REVOKED_INDEX) is True
    assert [i for i in range(len(bits)) if bits.get(i)] == [REVOKED_INDEX]


def test_digitalbazaar_revoked_credential_is_reported_revoked_by_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    fetcher = OfflineDocuments({DIGITALBAZAAR_LIST_URL: digitalbazaar_issued["status_list"]})

    report = verify(digitalbazaar_issued["revoked"], fetcher=fetcher, now=NOW)

    assert not report.verified
    assert [status_value(c) for c in checks_named(report, "proof")] == ["passed"]
    [status] = checks_named(report, "status")
    assert status_value(status) == "failed"
    assert "revoked" in status.code or "revoked" in status.message.lower()
    assert {c.name for c in report.failures} == {"status"}


def test_digitalbazaar_live_credential_passes_status_in_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    fetcher = OfflineDocuments({DIGITALBAZAAR_LIST_URL: digitalbazaar_issued["status_list"]})

    report = verify(digitalbazaar_issued["live"], fetcher=fetcher, now=NOW)

    assert report.verified, [c.message for c in report.failures]
    assert [status_value(c) for c in checks_named(report, "status")] == ["passed"]


def test_status_list_signed_by_another_key_fails_closed_in_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    """A list that is not the issuer's cannot vouch for (or against) its credentials."""
    fetcher = OfflineDocuments({DIGITALBAZAAR_LIST_URL: digitalbazaar_issued["foreign_list"]})

    report = verify(digitalbazaar_issued["live"], fetcher=fetcher, now=NOW)

    assert not report.verified
    assert [status_value(c) for c in checks_named(report, "status")] == ["failed"]


def test_digitalbazaar_status_list_with_a_tampered_bit_fails_closed_in_microcred(
    digitalbazaar_issued: dict[str, Any],
) -> None:
    """Clearing the revoked bit breaks the list's signature: no status, no pass."""
    forged = copy.deepcopy(digitalbazaar_issued["status_list"])
    forged["credentialSubject"]["encodedList"] = Bitstring().encode()
    fetcher = OfflineDocuments({DIGITALBAZAAR_LIST_URL: forged})

    report = verify(digitalbazaar_issued["revoked"], fetcher=fetcher, now=NOW)

    assert not report.verified
    assert [status_value(c) for c in checks_named(report, "status")] == ["failed"]
