"""Definition field parsing, search normalisation and completeness (no database)."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.catalogue.completeness import completeness
from microcred.catalogue.errors import DefinitionInvalid
from microcred.catalogue.models import DefinitionVersion
from microcred.catalogue.search import fts5_match, normalise, query_tokens, tsquery
from microcred.catalogue.types import duration_days, normalise_language, parse_fields


def test_parse_fields_normalises() -> None:
    values = parse_fields(
        {
            "title": " T ",
            "description": "D",
            "price": "12.5",
            "currency": "eur",
            "language": "PT-br",
            "tags": ["a", "a", "b"],
            "duration": "P1M2W",
        },
        partial=False,
    )
    assert values["title"] == "T" and values["price"] == 1250 and values["currency"] == "EUR"
    assert values["language"] == "pt-BR" and values["tags"] == ["a", "b"]
    assert values["achievement_type"] == "MicroCredential"
    assert (
        duration_days("P1M2W") == 44 and duration_days("PT25H") == 2 and duration_days("P") is None
    )
    assert parse_fields({"eqf_level": None}, partial=True) == {"eqf_level": None}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"description": "D"}, "title"),
        ({"title": "T", "description": "D", "eqf_level": 0}, "eqf_level"),
        ({"title": "T", "description": "D", "eqf_level": True}, "eqf_level"),
        ({"title": "T", "description": "D", "price": "1.234"}, "price"),
        ({"title": "T", "description": "D", "price": "-1"}, "price"),
        ({"title": "T", "description": "D", "price": "NaN"}, "price"),
        ({"title": "T", "description": "D", "currency": "XXX"}, "currency"),
        ({"title": "T", "description": "D", "language": "english!"}, "language"),
        ({"title": "T", "description": "D", "duration": "6 weeks"}, "duration"),
        ({"title": "T", "description": "D", "delivery_mode": "mail"}, "delivery_mode"),
        ({"title": "T", "description": "D", "achievement_type": "Nope"}, "achievement_type"),
        ({"title": "T", "description": "D", "image_url": "javascript:alert(1)"}, "image_url"),
        ({"title": "T", "description": "D", "workload_hours": float("inf")}, "workload_hours"),
        ({"title": "T", "description": "D", "tags": "python"}, "tags"),
        ({"title": "T\x00", "description": "D"}, "title"),
        ({"title": "T", "description": "D", "colour": "red"}, "colour"),
    ],
)
def test_parse_fields_refuses(data: dict[str, object], field: str) -> None:
    with pytest.raises(DefinitionInvalid) as info:
        parse_fields(data, partial=False)
    assert info.value.field.startswith(field)


@given(
    st.dictionaries(
        st.sampled_from(["title", "description", "price", "eqf_level", "tags", "language", "x"]),
        st.one_of(
            st.none(),
            st.text(max_size=20),
            st.integers(),
            st.floats(),
            st.lists(st.text(max_size=5)),
        ),
    )
)
def test_parse_fields_only_raises_definition_invalid(data: dict[str, object]) -> None:
    with contextlib.suppress(DefinitionInvalid):
        parse_fields(data, partial=True)


@given(st.text())
def test_normalised_text_is_plain_ascii_tokens(value: str) -> None:
    text = normalise(value)
    assert re.fullmatch(r"(?:[a-z0-9]{1,60}(?: [a-z0-9]{1,60})*)?", text)
    assert normalise(text) == text
    tokens = query_tokens(value)
    assert len(tokens) <= 16 and len(set(tokens)) == len(tokens)
    assert all(re.fullmatch(r'"[a-z0-9]+"\*', part) for part in fts5_match(tokens).split())
    assert all(re.fullmatch(r"[a-z0-9]+:\*", part) for part in tsquery(tokens).split(" & ") if part)


def test_normalise_examples() -> None:
    assert normalise("Crème Brûlée, STRASSE & Straße!") == "creme brulee strasse strasse"
    assert normalise("Ærø") == "u00e6r u00f8" or normalise("Ærø").startswith("u")
    assert normalise_language("zh-hant-tw") == "zh-Hant-TW"


def test_completeness_lists_what_is_missing() -> None:
    empty = DefinitionVersion(title="T", description="D", learning_outcomes=[], tags=[])
    empty.skill_links = []
    report = completeness(empty)
    assert 0 < report.score < 50
    assert {e.key for e in report.blocking} == {
        "criteria",
        "learning_outcomes",
        "workload",
        "assessment_type",
        "participation",
        "quality_assurance",
    }
    assert {e.source for e in report.missing} == {
        "eu-mandatory",
        "eu-optional",
        "ob3-required",
        "ob3-recommended",
    }
