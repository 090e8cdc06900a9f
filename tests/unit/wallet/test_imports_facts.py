"""Wallet logic without a database: recognising uploads (hypothesis over arbitrary bytes),
reading facts from untrusted JSON, live status words, the portfolio, LinkedIn links."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.baking import bake_png, bake_svg
from microcred.credentials.report import Check, VerificationReport
from microcred.wallet.errors import ImportRejected
from microcred.wallet.exports import BadgeText, badge_png, badge_svg, linkedin_url
from microcred.wallet.facts import facts_of, live_status
from microcred.wallet.imports import classify

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:1", "name": "Issuer"},
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {
        "achievement": {
            "name": "Thing",
            "alignment": [
                {"targetName": "Python", "targetUrl": "http://x/s", "targetFramework": "ESCO"},
                {"targetName": 5},
                "junk",
            ],
        }
    },
    "evidence": ["https://example.org/e", {"name": "Project", "narrative": "Did it"}],
}


@given(st.binary(max_size=4096))
def test_classify_never_crashes(data: bytes) -> None:
    try:
        incoming = classify(data)
    except ImportRejected as exc:
        message = exc.message
    else:
        message = incoming.format
    assert message


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
        max_leaves=30,
    )
)
def test_facts_of_any_json(value: object) -> None:
    doc = value if isinstance(value, dict) else {"credentialSubject": value}
    facts = facts_of(doc)
    assert isinstance(facts.title, str)


def test_classify_kinds() -> None:
    text = json.dumps(CREDENTIAL)
    assert classify(text.encode()).format == "ob3-json"
    png = bake_png(badge_png(BadgeText("a", "b", None)), text)
    assert (classify(png).format, classify(png).container) == ("ob3-json", "png")
    svg = bake_svg(badge_svg(BadgeText("a", "b", None)), text)
    assert classify(svg.encode()).container == "svg"
    assert classify(b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln").format == "vc-jwt"
    ob2 = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}
    assert classify(json.dumps(ob2).encode()).format == "ob2"
    with pytest.raises(ImportRejected, match="no credential baked"):
        classify(badge_png(BadgeText("a", "b", None)))
    with pytest.raises(ImportRejected):
        classify(b"   ")


def test_facts_and_status_words() -> None:
    facts = facts_of(CREDENTIAL)
    assert facts.title == "Thing" and facts.issuer_name == "Issuer"
    assert [a.name for a in facts.alignments] == ["Python"]
    assert [e.name or e.url for e in facts.evidence] == ["https://example.org/e", "Project"]
    report = VerificationReport(kind="credential")
    report.add(Check.passed("proof", "verified", "ok"))
    report.add(Check.failed("status", "revoked", "revoked"))
    assert live_status(report) == "revoked"
    expired = VerificationReport(kind="credential")
    expired.add(Check.passed("proof", "verified", "ok"))
    expired.add(Check.failed("validity", "expired", "expired"))
    assert live_status(expired) == "expired"


def test_linkedin_link() -> None:
    from datetime import UTC, datetime

    url = linkedin_url(
        title="A & B",
        issuer="Acme",
        issued=datetime(2025, 3, 4, tzinfo=UTC),
        cert_url="https://x/credentials/1",
        cert_id="https://x/credentials/1",
    )
    parts = urlsplit(url)
    assert parts.netloc == "www.linkedin.com" and parts.path == "/profile/add"
    query = parse_qs(parts.query)
    assert query["name"] == ["A & B"] and query["issueYear"] == ["2025"]
    assert query["issueMonth"] == ["3"] and query["startTask"] == ["CERTIFICATION_NAME"]


def test_badge_svg_escapes() -> None:
    svg = badge_svg(BadgeText("<script>x</script>", "a&b", None))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
