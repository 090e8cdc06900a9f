"""Searching the published catalogue, with the same results on SQLite and PostgreSQL.

Both engines see the same normalised text (:func:`normalise`): Unicode NFKD, case-folded,
diacritics removed, every other letter or digit outside ASCII written as ``u<hex>``, every
other character a separator, tokens cut at 60 characters. So the document is a string of
``[a-z0-9]`` tokens separated by single spaces, which FTS5's ``unicode61`` tokenizer and
PostgreSQL's parser (``simple`` configuration: no stemming, no stop words) split in the
same way. A query is normalised identically and becomes an AND of prefix terms:
``"tok"*`` for FTS5 (each token quoted, so FTS5 syntax in the query is inert) and
``tok:*`` for ``to_tsquery``. Results are ordered by a normalised title key and then id,
never by an engine-specific rank, so both engines return the same ordered list.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from microcred.accounts.models import Organisation
from microcred.catalogue.completeness import score_condition
from microcred.catalogue.errors import SkillNotFound
from microcred.catalogue.models import Definition, DefinitionSkill, DefinitionVersion, Skill
from microcred.catalogue.types import DELIVERY_MODES, PACES, normalise_language
from microcred.errors import InvalidInput

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_QUERY_TOKENS",
    "CatalogueQuery",
    "SearchPage",
    "fts5_match",
    "normalise",
    "query_tokens",
    "search_catalogue",
    "sort_key",
    "tsquery",
]

MAX_PAGE_SIZE: Final = 100
MAX_QUERY_TOKENS: Final = 16
MAX_TOKEN_LENGTH: Final = 60


def _fold(char: str) -> str:
    if char.isascii():
        return char if char.isalnum() else " "
    if unicodedata.category(char) == "Mn":
        return ""
    if char.isalnum():
        return f" u{ord(char):x} "
    return " "


def normalise(value: str) -> str:
    """The searchable form of ``value``: ``[a-z0-9]`` tokens separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", value).casefold())
    folded = "".join(_fold(char) for char in decomposed)
    return " ".join(token[:MAX_TOKEN_LENGTH] for token in folded.split())


def query_tokens(query: str) -> list[str]:
    """The distinct tokens of a search query (at most :data:`MAX_QUERY_TOKENS`)."""
    tokens: list[str] = []
    for token in normalise(query[:1000]).split():
        if token not in tokens:
            tokens.append(token)
    return tokens[:MAX_QUERY_TOKENS]


def fts5_match(tokens: Sequence[str]) -> str:
    """An FTS5 MATCH expression: every token as a quoted prefix term."""
    return " ".join(f'"{token}"*' for token in tokens)


def tsquery(tokens: Sequence[str]) -> str:
    """A ``to_tsquery`` expression: every token as a prefix term, all required."""
    return " & ".join(f"{token}:*" for token in tokens)


def sort_key(title: str) -> str:
    """The ordering key of a title: its normalised form, cut to 200 characters."""
    return normalise(title)[:200]


Sort = Literal["title", "newest"]


@dataclass(frozen=True)
class CatalogueQuery:
    """Filters of the public catalogue; every member is optional."""

    q: str | None = None
    skill: str | None = None
    provider: str | None = None
    eqf_level: int | None = None
    min_hours: float | None = None
    max_hours: float | None = None
    min_ects: float | None = None
    max_ects: float | None = None
    max_price: float | None = None
    currency: str | None = None
    max_duration_days: int | None = None
    delivery_mode: str | None = None
    pace: str | None = None
    language: str | None = None
    min_completeness: int | None = None
    sort: Sort = "title"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchPage:
    items: list[DefinitionVersion] = field(default_factory=list)
    total: int = 0
    limit: int = 20
    offset: int = 0


def _check(query: CatalogueQuery) -> None:
    if not 1 <= query.limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE_SIZE}.", code="invalid_limit")
    if not 0 <= query.offset <= 1_000_000:
        raise InvalidInput("offset must be between 0 and 1000000.", code="invalid_offset")
    for name in ("min_hours", "max_hours", "min_ects", "max_ects", "max_price"):
        value = getattr(query, name)
        if value is not None and not (math.isfinite(value) and 0 <= value <= 1e9):
            raise InvalidInput(f"{name} must be a number from 0 to 1e9.", code="invalid_filter")
    if query.max_duration_days is not None and not 0 <= query.max_duration_days <= 100_000:
        raise InvalidInput("max_duration_days must be from 0 to 100000.", code="invalid_filter")
    if query.eqf_level is not None and not 1 <= query.eqf_level <= 8:
        raise InvalidInput("eqf_level must be from 1 to 8.", code="invalid_filter")
    if query.min_completeness is not None and not 0 <= query.min_completeness <= 100:
        raise InvalidInput("min_completeness must be from 0 to 100.", code="invalid_filter")
    if query.delivery_mode is not None and query.delivery_mode not in DELIVERY_MODES:
        raise InvalidInput(
            f"mode must be one of {', '.join(DELIVERY_MODES)}.", code="invalid_filter"
        )
    if query.pace is not None and query.pace not in PACES:
        raise InvalidInput(f"pace must be one of {', '.join(PACES)}.", code="invalid_filter")
    for name in ("skill", "provider", "currency", "language"):
        value = getattr(query, name)
        if value is not None and ("\x00" in value or len(value) > 500):
            raise InvalidInput(f"{name} is not a valid filter value.", code="invalid_filter")
    if query.sort not in ("title", "newest"):
        raise InvalidInput("sort must be title or newest.", code="invalid_filter")


def _skill_condition(session: Session, skill: str) -> ColumnElement[bool]:
    found = None
    if skill.isascii() and skill.isdigit() and len(skill) < 12:
        found = session.get(Skill, int(skill))
    if found is None:
        found = session.scalar(select(Skill).where(Skill.uri == skill))
    if found is None:
        raise SkillNotFound(
            f"No skill {skill!r}; find skills with GET /api/skills?q=... or "
            "`microcred skills search TEXT`."
        )
    return exists().where(
        DefinitionSkill.version_id == DefinitionVersion.id, DefinitionSkill.skill_id == found.id
    )


def _filtered(session: Session, query: CatalogueQuery) -> Select[DefinitionVersion]:
    statement = (
        select(DefinitionVersion)
        .join(Definition, Definition.published_version_id == DefinitionVersion.id)
        .where(DefinitionVersion.status == "published")
    )
    conditions: list[ColumnElement[bool]] = []
    tokens = query_tokens(query.q) if query.q else []
    if tokens:
        if session.get_bind().dialect.name == "postgresql":
            conditions.append(
                func.to_tsvector(literal_column("'simple'"), DefinitionVersion.search_document).op(
                    "@@"
                )(func.to_tsquery(literal_column("'simple'"), tsquery(tokens)))
            )
        else:
            conditions.append(
                DefinitionVersion.id.in_(
                    select(literal_column("rowid"))
                    .select_from(text("definition_search"))
                    .where(
                        text("definition_search MATCH :fts_query").bindparams(
                            fts_query=fts5_match(tokens)
                        )
                    )
                )
            )
    if query.skill:
        conditions.append(_skill_condition(session, query.skill))
    if query.provider:
        conditions.append(
            Definition.organisation_id.in_(
                select(Organisation.id).where(Organisation.slug == query.provider)
            )
        )
    if query.eqf_level is not None:
        conditions.append(DefinitionVersion.eqf_level == query.eqf_level)
    if query.min_hours is not None:
        conditions.append(DefinitionVersion.workload_hours >= query.min_hours)
    if query.max_hours is not None:
        conditions.append(DefinitionVersion.workload_hours <= query.max_hours)
    if query.min_ects is not None:
        conditions.append(DefinitionVersion.ects >= query.min_ects)
    if query.max_ects is not None:
        conditions.append(DefinitionVersion.ects <= query.max_ects)
    if query.max_price is not None:
        cents = round(query.max_price * 100)
        conditions.append(DefinitionVersion.price_cents <= cents)
    if query.currency:
        conditions.append(
            or_(
                DefinitionVersion.currency == query.currency.upper(),
                DefinitionVersion.price_cents == 0,
            )
        )
    if query.max_duration_days is not None:
        conditions.append(DefinitionVersion.duration_days <= query.max_duration_days)
    if query.delivery_mode:
        conditions.append(DefinitionVersion.delivery_mode == query.delivery_mode)
    if query.pace:
        conditions.append(DefinitionVersion.pace == query.pace)
    if query.language:
        tag = normalise_language(query.language) or query.language
        conditions.append(
            or_(DefinitionVersion.language == tag, DefinitionVersion.language.like(f"{tag}-%"))
        )
    if query.min_completeness is not None:
        conditions.append(score_condition(query.min_completeness))
    if conditions:
        statement = statement.where(and_(*conditions))
    return statement


def search_catalogue(session: Session, query: CatalogueQuery) -> SearchPage:
    """One page of the published catalogue matching ``query`` (latest published versions)."""
    _check(query)
    statement = _filtered(session, query)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    if query.sort == "newest":
        order = (DefinitionVersion.published_at.desc(), DefinitionVersion.id.desc())
    elif session.get_bind().dialect.name == "postgresql":
        order = (DefinitionVersion.sort_key.collate("C"), DefinitionVersion.id)  # type: ignore[assignment]
    else:
        order = (DefinitionVersion.sort_key, DefinitionVersion.id)  # type: ignore[assignment]
    items = session.scalars(
        statement.order_by(*order).limit(query.limit).offset(query.offset)
    ).all()
    return SearchPage(items=list(items), total=total, limit=query.limit, offset=query.offset)
