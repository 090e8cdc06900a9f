"""The rule tree of a pathway: what a learner must hold to earn the stacked credential.

A rule is a JSON object with a ``type``:

``{"type": "component", "definition": "<org>/<slug>"}``
    a credential of that definition (any version; any provider's definition).
``{"type": "all", "rules": [...]}``
    every sub-rule.
``{"type": "n_of", "n": 2, "rules": [...]}``
    at least ``n`` of the sub-rules (1 <= n <= number of sub-rules).
``{"type": "credits", "min": 6, "unit": "ects" | "hours", "from": ["<org>/<slug>", ...]}``
    the credits (ECTS: the achievement's ``creditsAvailable``; hours: ``workloadHours``)
    of the listed definitions the learner holds add up to at least ``min``.
``{"type": "skills", "skills": ["http://data.europa.eu/esco/skill/...", ...]}``
    every listed skill (ESCO or framework concept URI) is carried (an achievement
    alignment) by a credential the learner holds; any verified credential counts,
    imported ones included.

:func:`parse_rules` checks the shape and the limits (depth :data:`MAX_DEPTH`, at most
:data:`MAX_NODES` rules, :data:`MAX_CHILDREN` sub-rules and :data:`MAX_SKILLS` skills
each) and raises :class:`~microcred.pathways.errors.RulesInvalid` naming every problem by
its path; that the named definitions and skills exist is checked by the service
(:func:`microcred.pathways.service.validate_rules`). :func:`evaluate` is pure: a rule and
the learner's :class:`~microcred.pathways.types.Holdings` in, an :class:`Outcome` tree out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from microcred.pathways.errors import RulesInvalid
from microcred.pathways.types import HeldCredential, Holdings

__all__ = [
    "MAX_CHILDREN",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SKILLS",
    "AllOf",
    "Component",
    "Credits",
    "NOf",
    "Outcome",
    "Rule",
    "Skills",
    "definitions_of",
    "evaluate",
    "parse_rules",
    "skills_of",
    "to_json",
]

MAX_DEPTH: Final = 6
MAX_NODES: Final = 100
MAX_CHILDREN: Final = 50
MAX_SKILLS: Final = 50
MAX_CREDITS: Final = 10_000.0

#: ``<org slug>/<definition slug>``: the catalogue's slug rules (lower case, digits, hyphens).
_SLUG: Final = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"
DEFINITION_KEY: Final = re.compile(rf"^{_SLUG}/{_SLUG}$")
_SKILL_URI: Final = re.compile(r"^https?://[^\s\x00-\x1f]{3,490}$")


@dataclass(frozen=True)
class Component:
    definition: str


@dataclass(frozen=True)
class AllOf:
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class NOf:
    n: int
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Credits:
    min: float
    unit: Literal["ects", "hours"]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Skills:
    skills: tuple[str, ...]


Rule = Component | AllOf | NOf | Credits | Skills


# -- parsing -------------------------------------------------------------------------------


class _Parser:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.nodes = 0

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, data: dict[str, Any], path: str, allowed: set[str]) -> None:
        extra = sorted(str(k)[:40] for k in data if k not in allowed)
        if extra:
            self.fail(path, f"unknown member(s) {', '.join(extra)}")

    def definition(self, value: Any, path: str) -> str | None:
        if not isinstance(value, str) or not DEFINITION_KEY.match(value):
            self.fail(path, "name a definition as '<organisation>/<definition>' (slugs)")
            return None
        return value

    def children(self, data: dict[str, Any], path: str, depth: int) -> tuple[Rule, ...]:
        rules = data.get("rules")
        if not isinstance(rules, list) or not rules:
            self.fail(f"{path}.rules", "a non-empty list of rules")
            return ()
        if len(rules) > MAX_CHILDREN:
            self.fail(f"{path}.rules", f"at most {MAX_CHILDREN} rules")
            return ()
        parsed = [self.rule(r, f"{path}.rules[{i}]", depth + 1) for i, r in enumerate(rules)]
        return tuple(r for r in parsed if r is not None)

    def rule(self, data: Any, path: str, depth: int) -> Rule | None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.fail(path, f"too many rules (at most {MAX_NODES} in a pathway)")
            return None
        if depth > MAX_DEPTH:
            self.fail(path, f"rules nest at most {MAX_DEPTH} levels deep")
            return None
        if not isinstance(data, dict):
            self.fail(path, "a rule is an object with a 'type'")
            return None
        kind = data.get("type")
        if kind == "component":
            self.keys(data, path, {"type", "definition"})
            key = self.definition(data.get("definition"), f"{path}.definition")
            return Component(key) if key else None
        if kind == "all":
            self.keys(data, path, {"type", "rules"})
            rules = self.children(data, path, depth)
            return AllOf(rules) if rules else None
        if kind == "n_of":
            self.keys(data, path, {"type", "n", "rules"})
            rules = self.children(data, path, depth)
            n = data.get("n")
            if not isinstance(n, int) or isinstance(n, bool):
                self.fail(f"{path}.n", "a whole number")
                return None
            size = len(data["rules"]) if isinstance(data.get("rules"), list) else 0
            if not 1 <= n <= max(size, 1):
                self.fail(f"{path}.n", f"between 1 and the number of rules ({size})")
                return None
            return NOf(n, rules) if rules and len(rules) == size else None
        if kind == "credits":
            return self.credits(data, path)
        if kind == "skills":
            self.keys(data, path, {"type", "skills"})
            skills = data.get("skills")
            if not isinstance(skills, list) or not skills or len(skills) > MAX_SKILLS:
                self.fail(f"{path}.skills", f"a list of 1 to {MAX_SKILLS} skill URIs")
                return None
            good: list[str] = []
            for i, uri in enumerate(skills):
                if not isinstance(uri, str) or not _SKILL_URI.match(uri):
                    self.fail(f"{path}.skills[{i}]", "an http(s) skill URI (ESCO concept)")
                elif uri not in good:
                    good.append(uri)
            return Skills(tuple(good)) if len(good) == len(set(map(str, skills))) else None
        self.fail(f"{path}.type", "one of component, all, n_of, credits, skills")
        return None

    def credits(self, data: dict[str, Any], path: str) -> Credits | None:
        self.keys(data, path, {"type", "min", "unit", "from"})
        minimum = data.get("min")
        unit = data.get("unit", "ects")
        sources = data.get("from")
        ok = True
        if (
            not isinstance(minimum, int | float)
            or isinstance(minimum, bool)
            or not math.isfinite(minimum)
            or not 0 < minimum <= MAX_CREDITS
        ):
            self.fail(f"{path}.min", f"a number of credits above 0 and at most {MAX_CREDITS:g}")
            ok = False
        if unit not in ("ects", "hours"):
            self.fail(f"{path}.unit", "ects or hours")
            ok = False
        if not isinstance(sources, list) or not sources or len(sources) > MAX_CHILDREN:
            self.fail(f"{path}.from", f"a list of 1 to {MAX_CHILDREN} definitions")
            return None
        keys = [self.definition(s, f"{path}.from[{i}]") for i, s in enumerate(sources)]
        if not ok or None in keys:
            return None
        assert isinstance(minimum, int | float)
        return Credits(float(minimum), unit, tuple(dict.fromkeys(k for k in keys if k)))


def parse_rules(data: Any) -> Rule:
    """The rule tree of ``data`` (parsed JSON); :class:`RulesInvalid` lists every problem."""
    parser = _Parser()
    rule = parser.rule(data, "rules", 1)
    if parser.problems or rule is None:
        raise RulesInvalid(parser.problems or ["rules: not a rule"])
    return rule


def to_json(rule: Rule) -> dict[str, Any]:
    """The JSON form of a rule (what is stored and served; :func:`parse_rules` reads it)."""
    match rule:
        case Component(definition):
            return {"type": "component", "definition": definition}
        case AllOf(rules):
            return {"type": "all", "rules": [to_json(r) for r in rules]}
        case NOf(n, rules):
            return {"type": "n_of", "n": n, "rules": [to_json(r) for r in rules]}
        case Credits(minimum, unit, sources):
            amount: float | int = int(minimum) if minimum.is_integer() else minimum
            return {"type": "credits", "min": amount, "unit": unit, "from": list(sources)}
        case Skills(skills):
            return {"type": "skills", "skills": list(skills)}


def _walk(rule: Rule) -> Iterator[Rule]:
    yield rule
    if isinstance(rule, AllOf | NOf):
        for child in rule.rules:
            yield from _walk(child)


def definitions_of(rule: Rule) -> list[str]:
    """Every definition the rule names (components and credit sources), in order, once."""
    found: dict[str, None] = {}
    for node in _walk(rule):
        if isinstance(node, Component):
            found[node.definition] = None
        elif isinstance(node, Credits):
            found.update(dict.fromkeys(node.sources))
    return list(found)


def skills_of(rule: Rule) -> list[str]:
    found: dict[str, None] = {}
    for node in _walk(rule):
        if isinstance(node, Skills):
            found.update(dict.fromkeys(node.skills))
    return list(found)


# -- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How far a learner is with one rule.

    ``met``: the rule holds. ``done``/``total``: requirement units satisfied (components,
    skills, or credits for a credit rule) for a progress bar. ``used``: the credentials
    that satisfy it (what a stacked credential names). ``missing_definitions`` and
    ``missing_skills``: what would close the gap (empty once met).
    ``credits``/``needed`` for a credit rule.
    """

    rule: Rule
    met: bool
    done: float
    total: float
    used: tuple[HeldCredential, ...] = ()
    children: tuple[Outcome, ...] = ()
    missing_definitions: tuple[str, ...] = ()
    missing_skills: tuple[str, ...] = ()
    credits: float = 0.0
    needed: float = 0.0
    held: tuple[str, ...] = field(default=())

    @property
    def fraction(self) -> float:
        return 1.0 if self.met else (min(self.done / self.total, 1.0) if self.total else 0.0)


def _unique(items: list[HeldCredential]) -> tuple[HeldCredential, ...]:
    seen: dict[str, HeldCredential] = {}
    for item in items:
        seen.setdefault(item.credential_id, item)
    return tuple(seen.values())


def _credit(held: HeldCredential, unit: str) -> float:
    value = held.ects if unit == "ects" else held.hours
    return value if value is not None and math.isfinite(value) and value > 0 else 0.0


def evaluate(rule: Rule, holdings: Holdings) -> Outcome:
    """Evaluate ``rule`` against the learner's counting credentials."""
    match rule:
        case Component(definition):
            held = holdings.by_definition.get(definition)
            if held is not None:
                return Outcome(rule, True, 1, 1, used=(held,), held=(definition,))
            return Outcome(rule, False, 0, 1, missing_definitions=(definition,))
        case Skills(skills):
            carriers = [holdings.by_skill[s] for s in skills if s in holdings.by_skill]
            missing = tuple(s for s in skills if s not in holdings.by_skill)
            return Outcome(
                rule,
                not missing,
                len(skills) - len(missing),
                len(skills),
                used=_unique(carriers),
                missing_skills=missing,
            )
        case Credits(minimum, unit, sources):
            held_here = [holdings.by_definition[s] for s in sources if s in holdings.by_definition]
            total = round(sum(_credit(h, unit) for h in held_here), 6)
            met = total >= minimum - 1e-9
            return Outcome(
                rule,
                met,
                min(total, minimum),
                minimum,
                used=_unique(held_here),
                missing_definitions=()
                if met
                else tuple(s for s in sources if s not in holdings.by_definition),
                credits=total,
                needed=minimum,
                held=tuple(s for s in sources if s in holdings.by_definition),
            )
        case AllOf(rules) | NOf(_, rules):
            children = tuple(evaluate(child, holdings) for child in rules)
            need = len(rules) if isinstance(rule, AllOf) else rule.n
            met_children = [c for c in children if c.met]
            met = len(met_children) >= need
            # Progress: the ``need`` closest children, each counting up to 1.
            best = sorted((c.fraction for c in children), reverse=True)[:need]
            missing_defs: dict[str, None] = {}
            missing_skills: dict[str, None] = {}
            if not met:
                for child in children:
                    if not child.met:
                        missing_defs.update(dict.fromkeys(child.missing_definitions))
                        missing_skills.update(dict.fromkeys(child.missing_skills))
            used = [h for c in (met_children if met else children) for h in c.used]
            return Outcome(
                rule,
                met,
                sum(best),
                need,
                used=_unique(used),
                children=children,
                missing_definitions=tuple(missing_defs),
                missing_skills=tuple(missing_skills),
            )
    raise AssertionError(rule)  # pragma: no cover
