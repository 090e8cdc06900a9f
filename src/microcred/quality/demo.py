"""Demo data of the quality domain: the European Quality Assurance Agency (a quality body
with its owner qa@eqa.example) accredits Northbridge University (not Skillforge Academy),
and Acme Logistics Learning endorses Northbridge's "python-data-analysis" definition.

Idempotent: a second run finds everything and creates nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor
from microcred.catalogue.access import OPERATOR
from microcred.quality import accreditation, endorsements, service
from microcred.quality.models import Accreditation, Endorsement
from microcred.storage import utcnow

__all__ = ["BODY_EMAIL", "BODY_SLUG", "load"]

BODY_SLUG: Final = "european-qa-agency"
BODY_EMAIL: Final = "qa@eqa.example"
_ACTOR: Final = Actor.system("demo")
_PASSWORD: Final = "demo-password"  # noqa: S105 - the documented demo password


def load(session: Session, *, base_url: str, master_key: bytes) -> int:
    """Create (or find) the demo quality data; returns how many things were created."""
    created = 0
    user = accounts.get_user_by_email(session, BODY_EMAIL)  # one of the demo USERS
    if user is None:
        user = accounts.create_user(
            session,
            email=BODY_EMAIL,
            password=_PASSWORD,
            display_name="Quality reviewer",
            platform_role="quality_body",
            actor=_ACTOR,
        )
        created += 1
    body = session.scalar(select(Organisation).where(Organisation.slug == BODY_SLUG))
    if body is None:
        body = accounts.create_organisation(
            session,
            slug=BODY_SLUG,
            name="European Quality Assurance Agency",
            base_url=base_url,
            did_method="web",
            master_key=master_key,
            actor=_ACTOR,
            owner=user,
            url="https://eqa.example",
            description="Accredits providers of higher education and training.",
            country="BE",
        )
        created += 1
    if not service.is_quality_body(session, body):
        service.add_quality_body(session, body, actor=_ACTOR)
        created += 1
    northbridge = session.scalar(
        select(Organisation).where(Organisation.slug == "northbridge-university")
    )
    acme = session.scalar(
        select(Organisation).where(Organisation.slug == "acme-logistics-learning")
    )
    if northbridge is None or acme is None:
        return created
    if not session.scalar(
        select(Accreditation.id).where(
            Accreditation.body_id == body.id, Accreditation.provider_id == northbridge.id
        )
    ):
        now = utcnow().replace(microsecond=0)
        accreditation.accredit(
            session,
            principal=OPERATOR,
            body=body,
            provider=northbridge,
            scope="Higher education and short courses in computing and data science",
            field_of_study="Information and Communication Technologies",
            valid_from=now - timedelta(days=30),
            valid_until=now + timedelta(days=3 * 365),
            statement="Institutional review passed; internal quality assurance meets the "
            "European Standards and Guidelines (ESG).",
        )
        created += 1
    if not session.scalar(
        select(Endorsement.id).where(
            Endorsement.endorser_id == acme.id,
            Endorsement.target_key == "northbridge-university/python-data-analysis",
        )
    ):
        endorsements.endorse(
            session,
            principal=OPERATOR,
            endorser=acme,
            target_type="definition",
            organisation="northbridge-university",
            definition="python-data-analysis",
            comment="Our analysts take this course; it teaches the data skills we hire for.",
            base_url=base_url,
            master_key=master_key,
        )
        created += 1
    session.flush()
    return created
