"""The skills portfolio: every alignment of every credential a learner holds, grouped by
framework (ESCO, EQF, others), each skill with the credentials and evidence backing it."""

from __future__ import annotations

from dataclasses import dataclass, field

from microcred.wallet.facts import Evidence
from microcred.wallet.service import Held

__all__ = ["Backing", "FrameworkGroup", "PortfolioSkill", "portfolio"]


@dataclass
class Backing:
    held: Held
    evidence: list[Evidence]


@dataclass
class PortfolioSkill:
    name: str
    url: str
    code: str
    backing: list[Backing] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """Backed by at least one credential that verifies now."""
        return any(b.held.verified for b in self.backing)


@dataclass
class FrameworkGroup:
    framework: str
    skills: list[PortfolioSkill] = field(default_factory=list)


def portfolio(held: list[Held]) -> list[FrameworkGroup]:
    """Skills by framework (ESCO first, then by name), skills by name; the same skill from
    several credentials (same URL, else same name) is one entry with several backings."""
    groups: dict[str, dict[str, PortfolioSkill]] = {}
    for entry in held:
        for alignment in entry.facts.alignments:
            skills = groups.setdefault(alignment.framework, {})
            key = alignment.url or alignment.name.lower()
            skill = skills.get(key)
            if skill is None:
                skill = PortfolioSkill(alignment.name, alignment.url, alignment.code)
                skills[key] = skill
            if all(b.held is not entry for b in skill.backing):
                skill.backing.append(Backing(entry, entry.facts.evidence))
    ordered = sorted(groups, key=lambda name: (name != "ESCO", name.lower()))
    return [
        FrameworkGroup(name, sorted(groups[name].values(), key=lambda s: s.name.lower()))
        for name in ordered
    ]
