"""Test data for the employer pages, made through the real services: learners who claim
awards into their accounts, profiles with or without ``discoverable``, share links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session
from tests.functional.pages.seeding import (
    ACCESSIBILITY_SKILL,
    PYTHON_SKILL,
    SYSTEM,
    award,
    publish,
)

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.catalogue.models import DefinitionVersion
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.models import Award
from microcred.storage import utcnow
from microcred.wallet import service as wallet
from microcred.wallet import sharing
from microcred.wallet.models import Share

PASSWORD = "correct horse battery staple"


@dataclass
class Talent:
    org: Organisation  # "Talent Academy", its own provider (other tests count Acme's awards)
    python: DefinitionVersion  # EQF 5, Python
    web: DefinitionVersion  # EQF 4, accessibility
    dana: User  # discoverable, python + accessibility
    eve: User  # NOT discoverable, python + accessibility (must never appear)
    finn: User  # discoverable, python only
    employer: User
    dana_python: Award
    dana_a11y: Award
    finn_python: Award
    share: Share  # Dana's share of both credentials


def learner(
    session: Session, email: str, name: str, *, discoverable: bool, public: bool = False
) -> User:
    user = accounts.create_user(session, email=email, password=PASSWORD, display_name=name)
    wallet.update_profile(
        session, user, discoverable=discoverable, public=public, headline=f"{name}'s headline"
    )
    return user


def give(
    session: Session,
    org: Organisation,
    version: DefinitionVersion,
    user: User,
    *,
    base_url: str,
    master_key: bytes,
) -> Award:
    """Award ``version`` to ``user`` and claim it into their account."""
    given = award(
        session,
        org,
        version,
        base_url=base_url,
        master_key=master_key,
        email=user.email,
        name=user.display_name,
    )
    token = claims.create_claim_token(session, given)
    claims.claim(session, token, user=user, base_url=base_url, master_key=master_key)
    return given


def revoke(session: Session, given: Award, *, base_url: str, master_key: bytes) -> None:
    issuing.set_status(
        session,
        given.id,
        "revoke",
        reason="Issued in error",
        actor=SYSTEM,
        base_url=base_url,
        master_key=master_key,
    )


def seed_talent(session: Session, *, base_url: str, master_key: bytes) -> Talent:
    """Needs the demo's two skills (:func:`tests.functional.pages.seeding.seed_demo`)."""
    org = accounts.create_organisation(
        session,
        slug="talent-academy",
        name="Talent Academy",
        base_url=base_url,
        did_method="web",
        master_key=master_key,
        actor=SYSTEM,
    )
    python = publish(session, org, "ta-python", skills=[PYTHON_SKILL])
    web = publish(
        session,
        org,
        "ta-web",
        title="Accessible Web Pages",
        skills=[ACCESSIBILITY_SKILL],
        eqf_level=4,
    )
    dana = learner(session, "dana@example.org", "Dana Discoverable", discoverable=True)
    eve = learner(session, "eve@example.org", "Eve Hidden", discoverable=False, public=True)
    finn = learner(session, "finn@example.org", "Finn Python", discoverable=True, public=True)
    employer = accounts.create_user(
        session, email="hr@employer.example", password=PASSWORD, display_name="Hiring Manager"
    )
    keys = {"base_url": base_url, "master_key": master_key}
    dana_python = give(session, org, python, dana, **keys)
    dana_a11y = give(session, org, web, dana, **keys)
    give(session, org, python, eve, **keys)
    give(session, org, web, eve, **keys)
    finn_python = give(session, org, python, finn, **keys)
    items = wallet.list_items(session, dana)
    share = sharing.create_share(
        session, dana, [item.public_id for item in reversed(items)], title="For employers"
    )
    session.flush()
    return Talent(
        org, python, web, dana, eve, finn, employer, dana_python, dana_a11y, finn_python, share
    )


def backdate(session: Session, given: Award, days: int) -> None:
    """Pretend ``given`` was issued ``days`` ago (for recency filters)."""
    given.issued_at = utcnow() - timedelta(days=days)
    session.flush()
