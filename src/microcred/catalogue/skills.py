"""Skills frameworks: ESCO (platform-wide) and custom frameworks of organisations.

ESCO is loaded by :mod:`microcred.catalogue.esco`. A custom framework belongs to one
organisation (its slug is ``<org-slug>:<framework-slug>``); its skills get URIs under the
deployment's base URL unless the author gives one. A definition may align to ESCO skills,
to skills of platform frameworks, and to skills of its own organisation's frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.accounts.types import Principal
from microcred.audit.service import record
from microcred.catalogue.access import authorize_manage
from microcred.catalogue.errors import FrameworkNotFound, SkillNotFound
from microcred.catalogue.models import Skill, SkillFramework
from microcred.catalogue.search import normalise
from microcred.errors import Conflict, InvalidInput

__all__ = [
    "ESCO_ATTRIBUTION",
    "ESCO_FRAMEWORK_SLUG",
    "add_skill",
    "create_framework",
    "framework_attribution",
    "get_framework",
    "list_frameworks",
    "resolve_skills",
    "search_skills",
    "skill_search_label",
]

ESCO_FRAMEWORK_SLUG: Final = "esco"
#: The attribution ESCO's CC BY 4.0 licence asks for; shown with every ESCO skill.
ESCO_ATTRIBUTION: Final = (
    "This service uses the ESCO classification of the European Commission. "
    "ESCO is licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); "
    "source: https://esco.ec.europa.eu/."
)
MAX_SKILL_RESULTS: Final = 50
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_URI = re.compile(r"(?:https?://|urn:)[^\s]{1,480}")


def skill_search_label(label: str, alt_labels: Sequence[str]) -> str:
    """What skill search matches: the normalised preferred and alternative labels."""
    return " ".join(normalise(text) for text in [label, *alt_labels])[:4000]


def get_framework(session: Session, slug: str) -> SkillFramework:
    framework = session.scalar(select(SkillFramework).where(SkillFramework.slug == slug))
    if framework is None:
        raise FrameworkNotFound(
            f"No skills framework {slug!r}; list them with GET /api/skills/frameworks"
            + (" or load ESCO with `microcred skills load-esco`." if slug == "esco" else ".")
        )
    return framework


def list_frameworks(
    session: Session, organisation: Organisation | None = None
) -> list[tuple[SkillFramework, int]]:
    """Platform frameworks (and ``organisation``'s own) with their skill counts."""
    visible: ColumnElement[bool] = SkillFramework.organisation_id.is_(None)
    if organisation is not None:
        visible = or_(visible, SkillFramework.organisation_id == organisation.id)
    counts = (
        select(Skill.framework_id, func.count(Skill.id).label("n"))
        .group_by(Skill.framework_id)
        .subquery()
    )
    rows = session.execute(
        select(SkillFramework, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.framework_id == SkillFramework.id)
        .where(visible)
        .order_by(SkillFramework.slug)
    ).all()
    return [(framework, int(count)) for framework, count in rows]


def framework_attribution(framework: SkillFramework) -> str | None:
    return framework.attribution


def create_framework(
    session: Session,
    *,
    organisation: Organisation,
    slug: str,
    name: str,
    description: str = "",
    url: str | None = None,
    principal: Principal,
) -> SkillFramework:
    """A custom skills framework of ``organisation`` (slug ``<org>:<slug>``)."""
    authorize_manage(session, principal, organisation)
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise InvalidInput(
            "A framework slug is 1-64 lowercase letters, digits and inner hyphens.",
            code="invalid_slug",
        )
    name = (name or "").strip()
    if "\x00" in name + description + (url or ""):
        raise InvalidInput("A framework must not contain NUL characters.", code="invalid_name")
    if not name or len(name) > 200:
        raise InvalidInput("A framework needs a name of 1-200 characters.", code="invalid_name")
    if url is not None and not _URI.fullmatch(url):
        raise InvalidInput("url must be an http(s) URL.", code="invalid_url")
    full_slug = f"{organisation.slug}:{slug}"
    if session.scalar(select(SkillFramework.id).where(SkillFramework.slug == full_slug)):
        raise Conflict(
            f"Framework {full_slug!r} already exists; add skills to it instead.",
            code="framework_exists",
        )
    framework = SkillFramework(
        slug=full_slug,
        name=name,
        description=description.strip()[:5000],
        url=url,
        organisation_id=organisation.id,
    )
    session.add(framework)
    session.flush()
    record(
        session,
        actor=principal.actor,
        action="skill_framework.create",
        organisation_id=organisation.id,
        subject_type="skill_framework",
        subject_id=full_slug,
        details={"name": name},
    )
    return framework


def add_skill(
    session: Session,
    *,
    framework: SkillFramework,
    organisation: Organisation,
    label: str,
    description: str = "",
    code: str | None = None,
    uri: str | None = None,
    skill_type: str | None = "skill",
    base_url: str,
    principal: Principal,
) -> Skill:
    """Add a skill to a custom framework of ``organisation``.

    Its URI is ``uri`` when given, else ``<base_url>/skills/frameworks/<fw>/<code>``
    (``code`` defaults to the next number in the framework).
    """
    if framework.organisation_id != organisation.id:
        raise FrameworkNotFound(
            f"Organisation {organisation.slug!r} has no framework {framework.slug!r}."
        )
    authorize_manage(session, principal, organisation)
    label = (label or "").strip()
    if "\x00" in label + (description or "") + (code or "") + (uri or ""):
        raise InvalidInput("Skills must not contain NUL characters.", code="invalid_label")
    if not label or len(label) > 500:
        raise InvalidInput("A skill needs a label of 1-500 characters.", code="invalid_label")
    if code is not None and not _CODE.fullmatch(code):
        raise InvalidInput(
            "A skill code is 1-100 letters, digits, dots, hyphens or underscores.",
            code="invalid_code",
        )
    if uri is not None and not _URI.fullmatch(uri):
        raise InvalidInput("A skill URI must be an http(s) URL or a URN.", code="invalid_uri")
    if uri is None:
        if code is None:
            count = session.scalar(
                select(func.count(Skill.id)).where(Skill.framework_id == framework.id)
            )
            code = str((count or 0) + 1)
        uri = f"{base_url.rstrip('/')}/skills/frameworks/{framework.slug}/{code}"
    if session.scalar(select(Skill.id).where(Skill.uri == uri)) is not None:
        raise Conflict(f"A skill with URI {uri!r} already exists.", code="skill_exists")
    skill = Skill(
        framework_id=framework.id,
        uri=uri,
        label=label,
        alt_labels=[],
        description=(description or "").strip()[:10_000],
        skill_type=skill_type,
        search_label=skill_search_label(label, []),
    )
    session.add(skill)
    session.flush()
    return skill


def search_skills(
    session: Session,
    q: str,
    *,
    framework: str | None = None,
    organisation: Organisation | None = None,
    limit: int = 20,
) -> list[Skill]:
    """Skills whose labels contain every word of ``q`` (prefix of a word), for a picker.

    Labels starting with the query come first, then shorter labels; ties by id.
    """
    if not 1 <= limit <= MAX_SKILL_RESULTS:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_SKILL_RESULTS}.", code="invalid_limit"
        )
    if framework is not None and "\x00" in framework:
        raise InvalidInput("framework is not a valid framework slug.", code="invalid_filter")
    tokens = normalise(q[:200]).split()[:8]
    visible: ColumnElement[bool] = SkillFramework.organisation_id.is_(None)
    if organisation is not None:
        visible = or_(visible, SkillFramework.organisation_id == organisation.id)
    statement = select(Skill).join(SkillFramework, Skill.framework_id == SkillFramework.id)
    statement = statement.where(visible)
    if framework is not None:
        statement = statement.where(SkillFramework.slug == framework)
    for token in tokens:
        statement = statement.where(
            or_(
                Skill.search_label.like(f"{token}%"),
                Skill.search_label.like(f"% {token}%"),
            )
        )
    starts = normalise(q[:200])
    first = case((Skill.search_label.like(f"{starts}%"), 0), else_=1) if starts else None
    order = [first] if first is not None else []
    statement = statement.order_by(*order, func.length(Skill.label), Skill.id).limit(limit)
    return list(session.scalars(statement).unique())


def resolve_skills(
    session: Session, refs: Sequence[str], organisation: Organisation
) -> list[Skill]:
    """The skills named by URI or numeric id, in order; refuses skills of other
    organisations' frameworks."""
    skills: list[Skill] = []
    for ref in refs:
        found = None
        if "\x00" in ref:
            ref = ref.replace("\x00", "")
        if ref.isascii() and ref.isdigit() and len(ref) < 12:
            found = session.get(Skill, int(ref))
        if found is None:
            found = session.scalar(select(Skill).where(Skill.uri == ref))
        if found is None or found.framework.organisation_id not in (None, organisation.id):
            raise SkillNotFound(
                f"No skill {ref!r}; find skills with GET /api/skills?q=... or "
                "`microcred skills search TEXT` (load ESCO with `microcred skills load-esco`)."
            )
        if found not in skills:
            skills.append(found)
    return skills
