"""Rule trees: parsing limits and errors, and evaluation against a reference evaluator
over random trees and random holdings (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.pathways import rules
from microcred.pathways.errors import RulesInvalid
from microcred.pathways.types import HeldCredential, Holdings

DEFS = [f"org{i % 3}/def-{i}" for i in range(6)]
SKILLS = [f"http://data.europa.eu/esco/skill/s{i}" for i in range(5)]
ECTS = {d: float(i + 1) for i, d in enumerate(DEFS)}
HOURS = {d: 25.0 * (i + 1) for i, d in enumerate(DEFS)}


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.sampled_from(DEFS).map(lambda d: {"type": "component", "definition": d}),
        st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3, unique=True).map(
            lambda s: {"type": "skills", "skills": s}
        ),
        st.tuples(
            st.integers(1, 12),
            st.sampled_from(["ects", "hours"]),
            st.lists(st.sampled_from(DEFS), min_size=1, max_size=4, unique=True),
        ).map(
            lambda t: {
                "type": "credits",
                "min": t[0] * (25 if t[1] == "hours" else 1),
                "unit": t[1],
                "from": t[2],
            }
        ),
    )


def _tree() -> st.SearchStrategy[dict[str, Any]]:
    def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        groups = st.lists(children, min_size=1, max_size=4)
        return st.one_of(
            groups.map(lambda rs: {"type": "all", "rules": rs}),
            groups.flatmap(
                lambda rs: st.integers(1, len(rs)).map(
                    lambda n: {"type": "n_of", "n": n, "rules": rs}
                )
            ),
        )

    return st.recursive(_leaf(), extend, max_leaves=12)


def reference(rule: dict[str, Any], held: set[str], skills: set[str]) -> bool:
    """The rules as the documentation states them, evaluated on plain JSON."""
    kind = rule["type"]
    if kind == "component":
        return rule["definition"] in held
    if kind == "skills":
        return all(s in skills for s in rule["skills"])
    if kind == "credits":
        table = ECTS if rule["unit"] == "ects" else HOURS
        return sum(table[d] for d in set(rule["from"]) if d in held) >= rule["min"]
    results = [reference(r, held, skills) for r in rule["rules"]]
    need = len(results) if kind == "all" else rule["n"]
    return sum(results) >= need


def _holdings(held: set[str], skills: set[str]) -> Holdings:
    creds = [
        HeldCredential(
            credential_id=f"urn:uuid:{d}",
            title=d,
            issuer="x",
            definition=d,
            ects=ECTS[d],
            hours=HOURS[d],
        )
        for d in sorted(held)
    ]
    if skills:
        creds.append(
            HeldCredential(
                credential_id="urn:uuid:skills",
                title="s",
                issuer="y",
                definition=None,
                skills=frozenset(skills),
            )
        )
    return Holdings.of(creds)


@settings(max_examples=300, deadline=None)
@given(
    _tree(),
    st.sets(st.sampled_from(DEFS)),
    st.sets(st.sampled_from(SKILLS)),
)
def test_evaluation_matches_the_reference(
    tree: dict[str, Any], held: set[str], skills: set[str]
) -> None:
    try:
        rule = rules.parse_rules(tree)
    except RulesInvalid:
        # Only the size/depth limits may refuse a generated tree.
        return
    assert rules.parse_rules(rules.to_json(rule)) == rule
    outcome = rules.evaluate(rule, _holdings(held, skills))
    assert outcome.met == reference(tree, held, skills)
    assert 0.0 <= outcome.fraction <= 1.0
    if outcome.met:
        assert not outcome.missing_definitions and not outcome.missing_skills
    used = {h.definition for h in outcome.used if h.definition}
    assert used <= held


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
        lambda c: st.one_of(
            st.lists(c, max_size=4), st.dictionaries(st.text(max_size=8), c, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_is_parsed_or_refused_cleanly(data: Any) -> None:
    error: RulesInvalid | None = None
    try:
        rules.parse_rules(data)
    except RulesInvalid as exc:
        error = exc
    assert error is None or (error.problems and error.code == "pathway_rules_invalid")


def _nest(depth: int) -> dict[str, Any]:
    rule: dict[str, Any] = {"type": "component", "definition": "a/b"}
    for _ in range(depth - 1):
        rule = {"type": "all", "rules": [rule]}
    return rule


def test_limits() -> None:
    rules.parse_rules(_nest(rules.MAX_DEPTH))
    with pytest.raises(RulesInvalid, match="levels deep"):
        rules.parse_rules(_nest(rules.MAX_DEPTH + 1))
    wide = {
        "type": "all",
        "rules": [{"type": "all", "rules": [{"type": "component", "definition": "a/b"}] * 40}] * 3,
    }
    with pytest.raises(RulesInvalid, match="too many rules"):
        rules.parse_rules(wide)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"type": "n_of", "n": 3, "rules": [{"type": "component", "definition": "a/b"}]},
            "rules.n",
        ),
        ({"type": "component", "definition": "no-slash"}, "rules.definition"),
        ({"type": "credits", "min": 0, "from": ["a/b"]}, "rules.min"),
        ({"type": "credits", "min": 5, "unit": "years", "from": ["a/b"]}, "rules.unit"),
        ({"type": "skills", "skills": ["javascript:alert(1)"]}, "rules.skills[0]"),
        ({"type": "all", "rules": []}, "rules.rules"),
        ({"type": "any"}, "rules.type"),
        ({"type": "component", "definition": "a/b", "extra": 1}, "unknown member"),
        ([], "rules"),
    ],
)
def test_errors_name_the_path(data: Any, message: str) -> None:
    with pytest.raises(RulesInvalid) as info:
        rules.parse_rules(data)
    assert message in info.value.message


def test_digest_multibase_is_sha256_multihash() -> None:
    from microcred.pathways.digests import digest_multibase

    assert digest_multibase(b"") == "uEiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ"
