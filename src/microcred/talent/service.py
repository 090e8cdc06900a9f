"""Find people: learners who opted in to be found (``profiles.discoverable``), by verified
skills (all of them: AND), EQF level, recency and issuer standing.

Which credentials count (each must back a requested skill):

* **platform** credentials (awards issued here and claimed into the learner's account):
  the award's status in the database at query time: active, not superseded, inside its
  validity dates (revocation and suspension change the award row, so they count at once);
  skills and EQF level come from the definition version it was issued from.
* **imported** credentials (from other issuers): the verification result stored when the
  learner imported it must be "verified", and its ``validUntil`` must not have passed;
  skills are its ESCO/skill alignments (``targetUrl``), its level an EQF alignment.
  Revocation of an imported credential after import is not re-checked at query time.

Nothing of a learner who is not discoverable is ever read into a result. A result shows
the learner's display name (or profile handle) and headline, and for each skill the
title, issuer, level and dates of the backing credentials; a link to the public profile
and to platform credential pages only when the learner made the profile public. Never an
e-mail address, result, grade or evidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation, User
from microcred.catalogue.models import DefinitionSkill, DefinitionVersion, Skill
from microcred.errors import InvalidInput
from microcred.issuing.models import Award
from microcred.storage import utcnow
from microcred.talent.checking import credentials_of
from microcred.talent.types import (
    ISSUER_STANDINGS,
    MAX_SKILLS,
    Backing,
    Match,
    SharedItem,
    TalentPage,
    TalentQuery,
)
from microcred.wallet import sharing
from microcred.wallet.facts import parse_datetime
from microcred.wallet.models import Profile, WalletItem

__all__ = [
    "MAX_MONTHS",
    "months_before",
    "read_imported",
    "search_talent",
    "share_token",
    "shared_items",
]

MAX_MONTHS: Final = 600
_MAX_LIMIT: Final = 100
_EQF_URL: Final = "https://europass.europa.eu/en/description-eight-eqf-levels"


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` minus ``months`` calendar months (the day clamped to the month's end)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=min(moment.day, day))
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=28)  # pragma: no cover


def _validate(query: TalentQuery) -> None:
    if not query.skills:
        raise InvalidInput("Choose at least one skill to search for.", code="no_skills")
    if len(query.skills) > MAX_SKILLS:
        raise InvalidInput(
            f"Search for at most {MAX_SKILLS} skills at once.", code="too_many_skills"
        )
    if query.min_eqf_level is not None and not 1 <= query.min_eqf_level <= 8:
        raise InvalidInput("EQF levels are 1 to 8.", code="invalid_eqf_level")
    if query.issued_within_months is not None and not 1 <= query.issued_within_months <= MAX_MONTHS:
        raise InvalidInput(
            f"Recency is a number of months from 1 to {MAX_MONTHS}.", code="invalid_recency"
        )
    if query.standing not in ISSUER_STANDINGS:
        raise InvalidInput(
            f"Issuer standing is one of {', '.join(ISSUER_STANDINGS)}.", code="invalid_standing"
        )
    if not 1 <= query.limit <= _MAX_LIMIT or query.offset < 0:
        raise InvalidInput(f"limit is 1 to {_MAX_LIMIT}, offset 0 or more.", code="invalid_limit")


@dataclass(frozen=True)
class _Found:
    user_id: int
    skill_uri: str
    backing: Backing


def _platform_statement(
    query: TalentQuery, now: datetime
) -> Select[Award, DefinitionVersion, str, Organisation]:
    statement = (
        select(Award, DefinitionVersion, Skill.uri, Organisation)
        .join(Profile, and_(Profile.user_id == Award.user_id, Profile.discoverable.is_(True)))
        .join(DefinitionVersion, DefinitionVersion.id == Award.definition_version_id)
        .join(DefinitionSkill, DefinitionSkill.version_id == DefinitionVersion.id)
        .join(Skill, Skill.id == DefinitionSkill.skill_id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .where(
            Award.status == "active",
            Award.superseded_by_id.is_(None),
            Award.valid_from <= now,
            or_(Award.valid_until.is_(None), Award.valid_until > now),
            Skill.uri.in_(query.skills),
        )
    )
    if query.min_eqf_level is not None:
        statement = statement.where(DefinitionVersion.eqf_level >= query.min_eqf_level)
    if query.issued_within_months is not None:
        statement = statement.where(
            Award.issued_at >= months_before(now, query.issued_within_months)
        )
    return statement


def _platform(session: Session, query: TalentQuery, now: datetime) -> list[_Found]:
    found: list[_Found] = []
    for award, version, uri, organisation in session.execute(_platform_statement(query, now)):
        assert award.user_id is not None
        found.append(
            _Found(
                award.user_id,
                uri,
                Backing(
                    title=version.title,
                    issuer_name=organisation.name,
                    issuer_registered=True,
                    eqf_level=version.eqf_level,
                    issued_at=award.issued_at,
                    valid_until=award.valid_until,
                    source="platform",
                    credential_url=award.credential_id,
                ),
            )
        )
    return found


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("en", "name", "@value"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return ""


@dataclass(frozen=True)
class _Imported:
    skills: frozenset[str]
    eqf_level: int | None
    issued_at: datetime | None
    valid_until: datetime | None
    issuer_id: str | None
    title: str
    issuer_name: str


def read_imported(text: str) -> _Imported | None:
    """Alignments, level, dates and issuer of an imported OB 3.0 JSON credential (a JWT's
    payload is not re-parsed here: only JSON imports are searched)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if not isinstance(achievement, Mapping):
        return None
    alignments = achievement.get("alignment")
    skills: set[str] = set()
    level: int | None = None
    for alignment in alignments if isinstance(alignments, list) else []:
        if not isinstance(alignment, Mapping):
            continue
        url = alignment.get("targetUrl")
        code = alignment.get("targetCode")
        if alignment.get("targetType") == "ext:EQF" or url == _EQF_URL:
            if isinstance(code, str) and code.isdigit() and 1 <= int(code) <= 8:
                level = int(code)
            continue
        if isinstance(url, str):
            skills.add(url)
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    issuer_name = _text(issuer.get("name")) if isinstance(issuer, Mapping) else ""
    return _Imported(
        skills=frozenset(skills),
        eqf_level=level,
        issued_at=parse_datetime(doc.get("validFrom") or doc.get("issuanceDate")),
        valid_until=parse_datetime(doc.get("validUntil") or doc.get("expirationDate")),
        issuer_id=issuer_id if isinstance(issuer_id, str) else None,
        title=_text(achievement.get("name")) or _text(doc.get("name")),
        issuer_name=issuer_name,
    )


def _import_verified(item: WalletItem) -> bool:
    try:
        result = json.loads(item.import_result or "null")
    except ValueError:
        return False
    return isinstance(result, Mapping) and result.get("verified") is True


def _imported(session: Session, query: TalentQuery, now: datetime) -> list[_Found]:
    wanted = set(query.skills)
    mentions = or_(*(WalletItem.credential_text.contains(uri) for uri in query.skills))
    statement = (
        select(WalletItem)
        .join(Profile, and_(Profile.user_id == WalletItem.user_id, Profile.discoverable.is_(True)))
        .where(WalletItem.source == "imported", WalletItem.credential_text.is_not(None), mentions)
        .order_by(WalletItem.id)
    )
    items = list(session.scalars(statement))
    registered: dict[str, Organisation] = {}
    issuer_ids = set()
    parsed: list[tuple[WalletItem, _Imported]] = []
    for item in items:
        if not _import_verified(item) or item.credential_text is None:
            continue
        info = read_imported(item.credential_text)
        if info is None or info.issued_at is None or info.issued_at > now:
            continue
        if info.valid_until is not None and info.valid_until <= now:
            continue
        parsed.append((item, info))
        if info.issuer_id:
            issuer_ids.add(info.issuer_id)
    if issuer_ids:
        for organisation in session.scalars(
            select(Organisation).where(Organisation.did.in_(sorted(issuer_ids)))
        ):
            registered[organisation.did] = organisation
    cutoff = (
        months_before(now, query.issued_within_months)
        if query.issued_within_months is not None
        else None
    )
    found: list[_Found] = []
    for item, info in parsed:
        issuer_org = registered.get(info.issuer_id or "")
        if query.standing == "registered" and issuer_org is None:
            continue
        if query.min_eqf_level is not None and (
            info.eqf_level is None or info.eqf_level < query.min_eqf_level
        ):
            continue
        assert info.issued_at is not None
        if cutoff is not None and info.issued_at < cutoff:
            continue
        for uri in sorted(info.skills & wanted):
            found.append(
                _Found(
                    item.user_id,
                    uri,
                    Backing(
                        title=info.title or item.title,
                        issuer_name=(
                            issuer_org.name
                            if issuer_org is not None
                            else info.issuer_name or item.issuer_name
                        ),
                        issuer_registered=issuer_org is not None,
                        eqf_level=info.eqf_level,
                        issued_at=info.issued_at,
                        valid_until=info.valid_until,
                        source="imported",
                    ),
                )
            )
    return found


def _group(found: Iterable[_Found]) -> dict[int, dict[str, list[Backing]]]:
    by_user: dict[int, dict[str, list[Backing]]] = {}
    for row in found:
        by_user.setdefault(row.user_id, {}).setdefault(row.skill_uri, []).append(row.backing)
    return by_user


def search_talent(
    session: Session, query: TalentQuery, *, now: datetime | None = None
) -> TalentPage:
    """Learners who opted in and hold, for **every** requested skill, at least one
    qualifying credential (see the module docstring). Ordered by the most recent backing
    credential, newest first."""
    _validate(query)
    when = now or utcnow()
    labels = {
        skill.uri: skill.label
        for skill in session.scalars(select(Skill).where(Skill.uri.in_(query.skills)))
    }
    requested = [uri for uri in dict.fromkeys(query.skills) if uri in labels]
    if len(requested) < len(set(query.skills)):
        # A skill nobody knows cannot be backed: no learner has all the skills.
        return TalentPage(items=[], total=0, skills=[(u, labels[u]) for u in requested])
    found = _platform(session, query, when) + _imported(session, query, when)
    grouped = {
        user_id: skills
        for user_id, skills in _group(found).items()
        if all(uri in skills for uri in requested)
    }
    ordered = sorted(
        grouped,
        key=lambda uid: (
            -max(b.issued_at for bs in grouped[uid].values() for b in bs).timestamp(),
            uid,
        ),
    )
    window = ordered[query.offset : query.offset + query.limit]
    people = {
        user.id: (user, profile)
        for user, profile in session.execute(
            select(User, Profile)
            .join(Profile, Profile.user_id == User.id)
            .where(User.id.in_(window), Profile.discoverable.is_(True))
        )
    }
    items: list[Match] = []
    for user_id in window:
        if user_id not in people:
            continue
        user, profile = people[user_id]
        public = bool(profile.public)
        skills = []
        for uri in requested:
            backing = sorted(grouped[user_id][uri], key=lambda b: b.issued_at, reverse=True)
            if not public:
                backing = [replace(b, credential_url=None) for b in backing]
            skills.append((uri, labels[uri], backing))
        items.append(
            Match(
                user_id=user_id,
                name=user.display_name or profile.handle,
                headline=profile.headline,
                profile_url=f"/people/{profile.handle}" if public else None,
                skills=skills,
            )
        )
    return TalentPage(
        items=items, total=len(ordered), skills=[(uri, labels[uri]) for uri in requested]
    )


# -- shared links --------------------------------------------------------------------------

_TOKEN_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def share_token(link: str, *, base_url: str) -> str | None:
    """The share token in ``link`` when it points at this platform (``<base>/share/T``,
    ``/share/T`` or the bare token), else None (a link elsewhere, to be fetched)."""
    text = link.strip()
    parts = urlsplit(text)
    path: str | None = None
    if parts.scheme in ("http", "https"):
        if parts.netloc.lower() != urlsplit(base_url).netloc.lower():
            return None
        path = parts.path
    elif text.startswith("/"):
        path = text
    elif "://" not in text and "/" not in text:
        path = "/share/" + text
    if path is None:
        return None
    path = path.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not path.startswith("/share/"):
        return None
    token = path[len("/share/") :].split("/", 1)[0]
    if not token or len(token) > 64 or not set(token) <= _TOKEN_CHARS:
        return None
    return token


def shared_items(session: Session, token: str, *, now: datetime | None = None) -> list[SharedItem]:
    """The credentials of the share ``token`` (a view of the share is counted), in the
    learner's order, exactly as held: the share's presentation, unpacked.

    Raises ShareNotFound (no such link) or ShareGone (expired or withdrawn by the learner).
    Open Badges 2.0 items are not verifiable credentials and are left out, as in the
    share's presentation.
    """
    share = sharing.open_share(session, token, now=now)
    items = sharing.share_items(session, share)
    return credentials_of(sharing.presentation(session, items))
