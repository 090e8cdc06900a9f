"""Load the demo data set through the real domain services.

Idempotent: users are found by e-mail, organisations by slug, definitions by slug, awards
by their external id; a second run creates, changes and signs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Actor
from microcred.assessment import demo as assessment_demo
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.errors import DefinitionNotFound
from microcred.catalogue.esco import ensure_esco_framework, load_bundled_esco
from microcred.catalogue.models import DefinitionVersion, Skill
from microcred.demo.content import (
    AWARDS,
    DEMO_PASSWORD,
    DISCOVERABLE_LEARNERS,
    PROVIDERS,
    USERS,
    DemoAward,
    DemoDefinition,
    DemoProvider,
    DemoUser,
)
from microcred.errors import NotFound
from microcred.issuing import claims
from microcred.issuing import service as issuing
from microcred.issuing.models import Award
from microcred.issuing.types import EvidenceInput
from microcred.pathways import demo as pathways_demo
from microcred.quality import demo as quality_demo
from microcred.storage import utcnow
from microcred.wallet import service as wallet_service
from microcred.wallet import sharing as wallet_sharing

__all__ = ["DEMO_ACTOR", "DemoAwardInfo", "DemoSummary", "load_demo_data"]

#: Who the audit log names for everything the loader does.
DEMO_ACTOR = Actor.system("demo")


@dataclass(frozen=True)
class DemoAwardInfo:
    credential_id: str
    provider: str
    definition: str
    learner: str
    status: str


@dataclass
class DemoSummary:
    """What the demo data holds, and how much of it this run created."""

    password: str = DEMO_PASSWORD
    users: list[tuple[str, str]] = field(default_factory=list)  # (email, role)
    organisations: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, name, did)
    definitions: list[str] = field(default_factory=list)  # org/slug
    awards: list[DemoAwardInfo] = field(default_factory=list)
    share_paths: list[str] = field(default_factory=list)  # /share/<token>
    created: int = 0

    @property
    def changed(self) -> bool:
        return self.created > 0


def load_demo_data(session: Session, *, base_url: str, master_key: bytes) -> DemoSummary:
    """Create (or find) the demo users, providers, definitions and awards in ``session``.

    The caller owns the transaction (commit after). ``base_url`` is the public base URL the
    server runs with (credential ids, did:web identifiers and status-list URLs use it).
    """
    summary = DemoSummary()
    users = {spec.email: _user(session, spec.email, spec, summary) for spec in USERS}
    summary.users = [(spec.email, spec.role) for spec in USERS]
    load_bundled_esco(session)
    skills = _esco_skills(session)
    for provider in PROVIDERS:
        org = _organisation(session, provider, users[provider.owner_email], base_url, master_key)
        summary.organisations.append((org.slug, org.name, org.did))
        for definition in provider.definitions:
            _definition(session, org, definition, skills, summary)
            summary.definitions.append(f"{org.slug}/{definition.slug}")
    for spec in AWARDS:
        summary.awards.append(
            _award(session, spec, users.get(spec.learner_email), base_url, master_key, summary)
        )
    session.flush()
    for email, headline in DISCOVERABLE_LEARNERS:
        _wallet(session, users[email], headline, summary)
    summary.created += assessment_demo.load(session, base_url=base_url, master_key=master_key)
    summary.created += pathways_demo.load(session, base_url=base_url, master_key=master_key)
    summary.created += quality_demo.load(session, base_url=base_url, master_key=master_key)
    session.flush()
    return summary


def _wallet(session: Session, learner: User, headline: str, summary: DemoSummary) -> None:
    """The learner's wallet: claimed credentials in it, a public profile that employers can
    find, and one share link (created once)."""
    wallet_service.sync_claimed(session, learner)
    wallet_service.update_profile(
        session, learner, public=True, discoverable=True, headline=headline
    )
    shares = wallet_sharing.list_shares(session, learner)
    if not shares:
        items = wallet_service.list_items(session, learner)
        if items:
            shares = [
                wallet_sharing.create_share(
                    session,
                    learner,
                    [item.public_id for item in items],
                    title="My verified skills",
                    expires_in_days=None,
                )
            ]
            summary.created += 1
    summary.share_paths.extend(f"/share/{share.token}" for share in shares[:1])


def _user(session: Session, email: str, spec: DemoUser, summary: DemoSummary) -> User:
    existing = accounts.get_user_by_email(session, email)
    if existing is not None:
        return existing
    summary.created += 1
    return accounts.create_user(
        session,
        email=email,
        password=DEMO_PASSWORD,
        display_name=spec.display_name,
        platform_role=spec.platform_role,
        actor=DEMO_ACTOR,
    )


def _organisation(
    session: Session, spec: DemoProvider, owner: User, base_url: str, master_key: bytes
) -> Organisation:
    existing = session.scalar(select(Organisation).where(Organisation.slug == spec.slug))
    if existing is not None:
        return existing
    return accounts.create_organisation(
        session,
        slug=spec.slug,
        name=spec.name,
        base_url=base_url,
        did_method="web",
        master_key=master_key,
        actor=DEMO_ACTOR,
        owner=owner,
        url=spec.url,
        description=spec.description,
        country=spec.country,
    )


def _esco_skills(session: Session) -> dict[str, str]:
    """ESCO skill label (case-folded) -> concept URI."""
    framework = ensure_esco_framework(session)
    rows = session.execute(
        select(Skill.label, Skill.uri).where(Skill.framework_id == framework.id)
    ).all()
    return {label.casefold(): uri for label, uri in rows}


def _definition(
    session: Session,
    org: Organisation,
    spec: DemoDefinition,
    skills: dict[str, str],
    summary: DemoSummary,
) -> None:
    try:
        definition = catalogue.get_definition(session, org, spec.slug)
    except DefinitionNotFound:
        uris = []
        for label in spec.skill_labels:
            uri = skills.get(label.casefold())
            if uri is None:
                raise NotFound(
                    f"The ESCO skill {label!r} is not in the loaded ESCO data; "
                    "run `microcred skills load-esco`.",
                    code="skill_not_found",
                ) from None
            uris.append(uri)
        catalogue.create_definition(
            session,
            organisation=org,
            slug=spec.slug,
            data={**spec.fields, "skills": uris},
            principal=OPERATOR,
        )
        summary.created += 1
        definition = catalogue.get_definition(session, org, spec.slug)
    if definition.published_version_id is None:
        catalogue.publish(session, organisation=org, slug=spec.slug, principal=OPERATOR)
        summary.created += 1


def _award(
    session: Session,
    spec: DemoAward,
    learner: User | None,
    base_url: str,
    master_key: bytes,
    summary: DemoSummary,
) -> DemoAwardInfo:
    org = accounts.get_organisation(session, spec.provider)
    version: DefinitionVersion = catalogue.published_version(session, org, spec.definition)
    outcome = issuing.issue(
        session,
        organisation=org,
        version=version,
        actor=DEMO_ACTOR,
        base_url=base_url,
        master_key=master_key,
        recipient_email=spec.learner_email,
        recipient_name=spec.learner_name,
        evidence=[EvidenceInput(url=spec.evidence_url)] if spec.evidence_url else [],
        result=spec.result,
        valid_until=(
            (utcnow() + timedelta(days=365 * spec.valid_years)).date() if spec.valid_years else None
        ),
        external_id=spec.external_id,
        source="demo",
    )
    award: Award = outcome.award
    if outcome.created:
        summary.created += 1
    if spec.claimed and learner is not None and award.user_id is None and award.status == "active":
        # The learner claimed the award into their account (the claim-link flow).
        claims.claim(
            session,
            claims.create_claim_token(session, award),
            user=learner,
            base_url=base_url,
            master_key=master_key,
        )
        summary.created += 1
    if spec.revoke_reason is not None:
        change = issuing.set_status(
            session,
            award.id,
            "revoke",
            reason=spec.revoke_reason,
            actor=DEMO_ACTOR,
            base_url=base_url,
            master_key=master_key,
        )
        summary.created += int(change.changed)
    session.refresh(award)
    return DemoAwardInfo(
        credential_id=award.credential_id,
        provider=org.slug,
        definition=spec.definition,
        learner=spec.learner_email,
        status=award.status,
    )
