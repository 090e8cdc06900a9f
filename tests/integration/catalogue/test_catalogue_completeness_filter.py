"""The catalogue filter ``min_completeness``: the SQL score equals the Python score
(:func:`microcred.catalogue.completeness.completeness`) on SQLite and PostgreSQL, so the
filter returns exactly the definitions whose shown score reaches the threshold."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.support.catalogue import make_org, publish_definition

from microcred.catalogue.completeness import (
    ELEMENTS,
    completeness,
    min_weight_for,
    sql_present,
)
from microcred.catalogue.models import DefinitionVersion
from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.errors import InvalidInput

#: Optional fields dropped in turn (published definitions always have the required ones).
_DROPS = [
    {},
    {"eqf_level": None, "ects": None},
    {"tags": [], "field_of_study": None, "language": None},
    {"prerequisites": None, "supervision": None, "stackability": None, "duration": None},
    {"price": None, "currency": None, "pace": None, "tags": [], "eqf_level": None},
    {
        "eqf_level": None,
        "ects": None,
        "prerequisites": None,
        "supervision": None,
        "stackability": None,
        "duration": None,
        "price": None,
        "currency": None,
        "pace": None,
        "language": None,
        "tags": [],
        "field_of_study": None,
    },
]


@pytest.fixture
def versions(session: Session) -> list[DefinitionVersion]:
    org = make_org(session, "scored")
    out = []
    for index, drop in enumerate(_DROPS):
        out.append(publish_definition(session, org, f"def-{index}", **drop))
    session.flush()
    return out


def test_sql_presence_matches_python(session: Session, versions: list[DefinitionVersion]) -> None:
    conditions = sql_present()
    assert set(conditions) == {element.key for element in ELEMENTS}
    for element in ELEMENTS:
        present = set(
            session.scalars(
                select(DefinitionVersion.id).where(
                    DefinitionVersion.id.in_([v.id for v in versions]), conditions[element.key]
                )
            )
        )
        assert present == {v.id for v in versions if element.present(v)}, element.key


def test_min_completeness_filter_matches_the_shown_score(
    session: Session, versions: list[DefinitionVersion]
) -> None:
    scores = {v.id: completeness(v).score for v in versions}
    assert len(set(scores.values())) > 3  # the fixture spreads the scores
    for threshold in itertools.chain(range(0, 101, 5), scores.values()):
        page = search_catalogue(
            session, CatalogueQuery(min_completeness=threshold, limit=100, provider="scored")
        )
        assert {v.id for v in page.items} == {i for i, s in scores.items() if s >= threshold}
        assert page.total == len(page.items)


def test_min_completeness_out_of_range_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput):
        search_catalogue(session, CatalogueQuery(min_completeness=101))


@given(st.integers(min_value=0, max_value=100))
def test_min_weight_is_the_least_weight_reaching_the_score(score: int) -> None:
    total = sum(element.weight for element in ELEMENTS)
    weight = min_weight_for(score)
    assert weight == total + 1 or round(100 * weight / total) >= score
    assert weight == 0 or round(100 * (weight - 1) / total) < score
