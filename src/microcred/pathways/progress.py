"""A learner's progress on pathways: which of their credentials count, what each pathway
still needs, and which published catalogue items would close the gap.

Only credentials that verify *now* count (:func:`microcred.wallet.service.held_items`:
signature, issuer key, status list, dates): a revoked, suspended or expired component
stops counting. A credential counts as a component of definition ``<org>/<slug>`` when
it is an award of that definition made here, or an import whose achievement id is that
definition's (``<base_url>/definitions/<org>/<slug>/v<n>``) and whose issuer is that
organisation's DID; any verified credential, imports from other issuers included, carries
its aligned skills.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation, User
from microcred.catalogue.models import Definition, DefinitionSkill, DefinitionVersion, Skill
from microcred.credentials.documents import Fetcher
from microcred.pathways import rules as rule_tree
from microcred.pathways.digests import digest_multibase
from microcred.pathways.models import Pathway, PathwayAward
from microcred.pathways.types import HeldCredential, Holdings
from microcred.wallet import service as wallet
from microcred.wallet.service import Held

__all__ = [
    "GapItem",
    "PathwayProgress",
    "ProgressNode",
    "definition_catalogue",
    "held_credentials",
    "holdings_of",
    "pathway_progress",
]


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value) if value >= 0 else None
    return None


def _achievement(document: dict[str, Any]) -> dict[str, Any]:
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if not isinstance(subject, dict):
        return {}
    achievement = subject.get("achievement")
    return achievement if isinstance(achievement, dict) else {}


def _definition_of(
    session: Session, held: Held, base_url: str, cache: dict[str, str | None]
) -> str | None:
    """``<org>/<slug>`` of the definition the credential is an award of, or None."""
    if held.award is not None and held.award.definition_version_id is not None:
        version = session.get(DefinitionVersion, held.award.definition_version_id)
        if version is None:
            return None
        return f"{version.definition.organisation.slug}/{version.definition.slug}"
    achievement_id = held.facts.achievement_id
    prefix = f"{base_url.rstrip('/')}/definitions/"
    if not achievement_id.startswith(prefix):
        return None
    parts = achievement_id[len(prefix) :].split("/")
    if len(parts) != 3 or not parts[2].startswith("v"):
        return None
    key = f"{parts[0]}/{parts[1]}"
    if key not in cache:
        organisation = session.scalar(select(Organisation).where(Organisation.slug == parts[0]))
        known = organisation is not None and session.scalar(
            select(Definition.id).where(
                Definition.organisation_id == organisation.id, Definition.slug == parts[1]
            )
        )
        cache[key] = organisation.did if organisation is not None and known else None
    # An import counts for the definition only when that organisation signed it.
    return key if cache[key] is not None and cache[key] == held.facts.issuer_id else None


def held_credentials(
    session: Session,
    user: User,
    *,
    fetcher: Fetcher,
    base_url: str,
    now: datetime | None = None,
) -> list[HeldCredential]:
    """The learner's counting credentials (verified now), newest first."""
    out: list[HeldCredential] = []
    cache: dict[str, str | None] = {}
    for held in wallet.held_items(session, user, fetcher=fetcher, now=now):
        credential_id = held.facts.credential_id or (held.item.credential_id or "")
        if held.status != "active" or ":" not in credential_id:
            continue
        achievement = _achievement(held.document)
        out.append(
            HeldCredential(
                credential_id=credential_id,
                title=held.facts.title,
                issuer=held.facts.issuer_name or held.facts.issuer_id,
                definition=_definition_of(session, held, base_url, cache),
                ects=_number(achievement.get("creditsAvailable")),
                hours=_number(achievement.get("workloadHours")),
                skills=frozenset(a.url for a in held.facts.alignments if a.url),
                digest=digest_multibase(held.text.encode("utf-8")),
                source=held.item.source,
                item_id=held.item.public_id,
            )
        )
    return out


def holdings_of(
    session: Session, user: User, *, fetcher: Fetcher, base_url: str, now: datetime | None = None
) -> Holdings:
    return Holdings.of(held_credentials(session, user, fetcher=fetcher, base_url=base_url, now=now))


# -- what the pages show -------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    title: str
    provider: str
    published: bool
    ects: float | None
    hours: float | None

    @property
    def url(self) -> str:
        return f"/catalogue/{self.key}"


def definition_catalogue(session: Session, keys: list[str]) -> dict[str, CatalogueEntry]:
    """Title, provider and credits of each ``<org>/<slug>`` (current published version, or
    the latest one when none is published)."""
    out: dict[str, CatalogueEntry] = {}
    for key in keys:
        org_slug, _, slug = key.partition("/")
        definition = session.scalar(
            select(Definition)
            .join(Organisation, Organisation.id == Definition.organisation_id)
            .where(Organisation.slug == org_slug, Definition.slug == slug)
        )
        if definition is None:
            continue
        version_id = definition.published_version_id
        version = (
            session.get(DefinitionVersion, version_id)
            if version_id is not None
            else session.scalar(
                select(DefinitionVersion)
                .where(DefinitionVersion.definition_id == definition.id)
                .order_by(DefinitionVersion.version.desc())
                .limit(1)
            )
        )
        if version is None:
            continue
        out[key] = CatalogueEntry(
            key=key,
            title=version.title,
            provider=definition.organisation.name,
            published=version_id is not None,
            ects=version.ects,
            hours=version.workload_hours,
        )
    return out


@dataclass(frozen=True)
class GapItem:
    """A published catalogue item that would close (part of) the gap, and why."""

    entry: CatalogueEntry
    reason: str


@dataclass
class ProgressNode:
    label: str
    met: bool
    detail: str = ""
    credential: HeldCredential | None = None
    children: list[ProgressNode] = field(default_factory=list)


@dataclass
class PathwayProgress:
    pathway: Pathway
    outcome: rule_tree.Outcome
    tree: ProgressNode
    gap: list[GapItem]
    awarded: PathwayAward | None
    stack_title: str

    @property
    def percent(self) -> int:
        return 100 if self.awarded is not None else round(self.outcome.fraction * 100)


def _credits(value: float) -> str:
    return f"{value:g}"


def _node(
    outcome: rule_tree.Outcome,
    entries: dict[str, CatalogueEntry],
    skill_labels: dict[str, str],
    holdings: Holdings,
) -> ProgressNode:
    def title(key: str) -> str:
        entry = entries.get(key)
        return f"{entry.title} ({entry.provider})" if entry else key

    rule = outcome.rule
    match rule:
        case rule_tree.Component(definition):
            held = holdings.by_definition.get(definition)
            return ProgressNode(
                title(definition),
                outcome.met,
                "held" if outcome.met else "not yet",
                credential=held,
            )
        case rule_tree.Skills(skills):
            children = [
                ProgressNode(
                    f"Skill: {skill_labels.get(s, s)}",
                    s in holdings.by_skill,
                    f"carried by {holdings.by_skill[s].title}" if s in holdings.by_skill else "",
                    credential=holdings.by_skill.get(s),
                )
                for s in skills
            ]
            return ProgressNode(
                f"Skills ({int(outcome.done)} of {len(skills)})", outcome.met, children=children
            )
        case rule_tree.Credits(minimum, unit, sources):
            children = [
                ProgressNode(
                    title(s),
                    s in holdings.by_definition,
                    "held" if s in holdings.by_definition else "not yet",
                    credential=holdings.by_definition.get(s),
                )
                for s in sources
            ]
            name = "ECTS" if unit == "ects" else "hours"
            return ProgressNode(
                f"At least {_credits(minimum)} {name} from these",
                outcome.met,
                f"{_credits(outcome.credits)} of {_credits(minimum)} {name}",
                children=children,
            )
        case rule_tree.AllOf(_):
            label = "All of these"
        case rule_tree.NOf(n, rules):
            label = f"Any {n} of these {len(rules)}"
    met = sum(1 for c in outcome.children if c.met)
    return ProgressNode(
        label,
        outcome.met,
        f"{met} of {len(outcome.children)} done",
        children=[_node(c, entries, skill_labels, holdings) for c in outcome.children],
    )


def _skill_labels(session: Session, uris: list[str]) -> dict[str, str]:
    if not uris:
        return {}
    rows = session.execute(select(Skill.uri, Skill.label).where(Skill.uri.in_(uris))).all()
    return dict(rows)


def _gap(
    session: Session,
    outcome: rule_tree.Outcome,
    entries: dict[str, CatalogueEntry],
    skill_labels: dict[str, str],
    holdings: Holdings,
) -> list[GapItem]:
    if outcome.met:
        return []
    items: dict[str, GapItem] = {}
    for key in outcome.missing_definitions:
        entry = entries.get(key)
        if entry is not None and entry.published:
            items.setdefault(key, GapItem(entry, "completes a missing component"))
    if outcome.missing_skills:
        rows = session.execute(
            select(Skill.uri, Organisation.slug, Definition.slug)
            .join(DefinitionSkill, DefinitionSkill.skill_id == Skill.id)
            .join(Definition, Definition.published_version_id == DefinitionSkill.version_id)
            .join(Organisation, Organisation.id == Definition.organisation_id)
            .where(Skill.uri.in_(list(outcome.missing_skills)))
            .order_by(Organisation.slug, Definition.slug)
            .limit(50)
        ).all()
        found = {f"{org}/{slug}": uri for uri, org, slug in rows}
        more = definition_catalogue(session, [k for k in found if k not in entries])
        for key, uri in found.items():
            entry = entries.get(key) or more.get(key)
            if entry is None or key in holdings.by_definition:
                continue
            items.setdefault(key, GapItem(entry, f"carries the skill {skill_labels.get(uri, uri)}"))
    return list(items.values())


def describe(
    session: Session, pathway: Pathway, outcome: rule_tree.Outcome, holdings: Holdings
) -> tuple[ProgressNode, list[GapItem]]:
    keys = rule_tree.definitions_of(outcome.rule)
    entries = definition_catalogue(session, keys)
    skill_labels = _skill_labels(
        session, [*rule_tree.skills_of(outcome.rule), *outcome.missing_skills]
    )
    tree = _node(outcome, entries, skill_labels, holdings)
    return tree, _gap(session, outcome, entries, skill_labels, holdings)


def pathway_progress(
    session: Session,
    user: User,
    *,
    fetcher: Fetcher,
    base_url: str,
    now: datetime | None = None,
    holdings: Holdings | None = None,
) -> list[PathwayProgress]:
    """Every active pathway with the learner's progress, the most advanced first."""
    held = holdings or holdings_of(session, user, fetcher=fetcher, base_url=base_url, now=now)
    awarded = {
        row.pathway_id: row
        for row in session.scalars(select(PathwayAward).where(PathwayAward.user_id == user.id))
    }
    out: list[PathwayProgress] = []
    for pathway in session.scalars(
        select(Pathway).where(Pathway.status == "active").order_by(Pathway.title, Pathway.id)
    ):
        outcome = rule_tree.evaluate(rule_tree.parse_rules(pathway.rules), held)
        tree, gap = describe(session, pathway, outcome, held)
        stack = definition_catalogue(
            session, [f"{pathway.organisation.slug}/{pathway.definition.slug}"]
        )
        stack_title = next(iter(stack.values())).title if stack else pathway.title
        out.append(
            PathwayProgress(pathway, outcome, tree, gap, awarded.get(pathway.id), stack_title)
        )
    out.sort(key=lambda p: (p.awarded is None, -p.percent))
    return out
