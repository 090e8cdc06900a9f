"""The platform demo data (`microcred demo`): loads through the domain services, a second
run changes nothing, the revoked credential fails verification and the others pass
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microcred.accounts import passwords
from microcred.accounts import service as accounts
from microcred.catalogue import service as catalogue
from microcred.catalogue.models import Definition
from microcred.credentials.verify import verify
from microcred.demo import AWARDS, DEMO_PASSWORD, PROVIDERS, USERS, load_demo_data
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award
from microcred.storage import Base

# The default MICROCRED_BASE_URL: did:web names a loopback base URL "localhost".
BASE = "http://127.0.0.1:8000"
MASTER = b"demo-test-master-key-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


def test_demo_loads_once_and_verifies(session: Session) -> None:
    summary = load_demo_data(session, base_url=BASE, master_key=MASTER)
    session.commit()
    assert summary.changed
    assert {email for email, _ in summary.users} == {u.email for u in USERS}
    assert len(summary.organisations) == 3
    assert len(summary.definitions) == 6
    assert len(summary.awards) == len(AWARDS)
    before = row_counts(session)
    assert before["users"] == len(USERS)
    # The three providers and the quality body (microcred.quality.demo).
    assert before["organisations"] == 4
    # Other domains award too (e.g. the stacked credential of microcred.pathways.demo).
    demo_awards = select(func.count()).select_from(Award).where(Award.source == "demo")
    assert session.scalar(demo_awards) == len(AWARDS)

    again = load_demo_data(session, base_url=BASE, master_key=MASTER)
    session.commit()
    assert not again.changed and again.created == 0
    assert row_counts(session) == before
    assert [a.credential_id for a in again.awards] == [a.credential_id for a in summary.awards]

    # Every user signs in with the documented password; the admin is a platform admin.
    for spec in USERS:
        user = accounts.authenticate_user(session, email=spec.email, password=DEMO_PASSWORD)
        assert user.platform_role == spec.platform_role
    # Each provider: an owner, two published definitions aligned to ESCO skills with the
    # EU elements filled in.
    for provider in PROVIDERS:
        org = accounts.get_organisation(session, provider.slug)
        assert org.did == f"did:web:localhost%3A8000:orgs:{provider.slug}"
        members = accounts.list_members(session, org)
        assert [(u.email, role) for u, role in members] == [(provider.owner_email, "owner")]
        slugs = session.scalars(select(Definition.slug).where(Definition.organisation_id == org.id))
        # (plus definitions other domains add, e.g. the pathway certificate of pathways.demo)
        assert {d.slug for d in provider.definitions} <= set(slugs)
        for spec in provider.definitions:
            version = catalogue.published_version(session, org, spec.slug)
            assert [s.label for s in version.skills] == list(spec.skill_labels)
            assert all(
                s.uri.startswith("http://data.europa.eu/esco/skill/") for s in version.skills
            )
            for element in (
                "learning_outcomes", "eqf_level", "workload_hours", "ects", "duration",
                "currency", "delivery_mode", "pace", "language", "assessment_type",
                "participation_form", "quality_assurance",
            ):  # fmt: skip
                assert getattr(version, element) not in (None, "", []), element
            assert version.price_cents is not None

    # Verification: the revoked credential fails on its status, the others pass.
    fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    awards = {a.credential_id: a for a in session.scalars(select(Award))}
    revoked = [a for a in awards.values() if a.status == "revoked"]
    assert len(revoked) == 1 and revoked[0].status_reason == "Awarded in error"
    for info in summary.awards:
        award = awards[info.credential_id]
        assert award.user_id is not None  # claimed into the learner's account
        report = verify(json.loads(award.credential_json), fetcher=fetcher)
        if award.status == "revoked":
            assert not report.verified
            assert [c.name for c in report.failures] == ["status"]
            assert "revoked" in report.failures[0].message
        else:
            assert report.verified, [c.message for c in report.failures]


def test_demo_learners_are_findable_and_have_a_share_link(session: Session) -> None:
    from microcred.wallet import service as wallet
    from microcred.wallet import sharing

    first = load_demo_data(session, base_url=BASE, master_key=MASTER)
    assert len(first.share_paths) == 2
    ada = accounts.get_user_by_email(session, "ada@learners.example")
    assert ada is not None
    profile = wallet.get_profile(session, ada)
    assert profile.discoverable
    assert profile.public
    assert wallet.list_items(session, ada), "claimed credentials are in the wallet"
    share = sharing.list_shares(session, ada)[0]
    assert sharing.share_state(share) == "active"
    again = load_demo_data(session, base_url=BASE, master_key=MASTER)
    assert again.share_paths == first.share_paths
    assert not again.changed
    chloe = accounts.get_user_by_email(session, "chloe@learners.example")
    assert chloe is not None
    assert not wallet.get_profile(session, chloe).discoverable
