"""Catalogue search: filters, pagination, FTS sync, and identical results on SQLite and
PostgreSQL (one test drives both databases with the same data and queries)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.support.catalogue import complete_fields, make_esco_skill, make_org, publish_definition

from microcred.catalogue import service
from microcred.catalogue.access import OPERATOR
from microcred.catalogue.errors import SkillNotFound
from microcred.catalogue.search import CatalogueQuery, search_catalogue
from microcred.errors import InvalidInput
from microcred.storage import create_engine
from microcred.storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "MICROCRED_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

COURSES: list[tuple[str, str, dict[str, Any]]] = [
    ("acme", "py-data", {"title": "Python for Data Analysis", "tags": ["python", "pandas"]}),
    (
        "acme",
        "cafe",
        {
            "title": "Café Management and Crème brûlée",
            "description": "Résumé of the naïve coöperative: façade, Ærø, straße.",
            "delivery_mode": "onsite",
            "participation_form": "onsite",
            "language": "fr",
            "price": "0",
            "ects": None,
            "workload_hours": 10,
            "eqf_level": 3,
        },
    ),
    (
        "beta",
        "sec-101",
        {
            "title": "ICT Security Basics",
            "description": "Firewalls, passwords and the OWASP top-10 (2021 edition).",
            "price": "950.00",
            "currency": "USD",
            "eqf_level": 6,
            "workload_hours": 120,
            "ects": 4,
            "duration": "P3M",
            "pace": "scheduled",
            "delivery_mode": "blended",
            "language": "en-GB",
        },
    ),
    (
        "beta",
        "py-web",
        {
            "title": "Python web development",
            "description": "Django and Flask: build 3 apps.",
            "tags": ["python", "web"],
        },
    ),
    (
        "beta",
        "greek",
        {
            "title": "Ελληνικά για αρχάριους",
            "description": "Μάθημα 中文 日本語 text",
            "language": "el",
        },
    ),
    ("gamma", "retired", {"title": "Old Python course"}),
    ("gamma", "draft", {"title": "Python draft only"}),
]

QUERIES: list[dict[str, Any]] = [
    {},
    {"q": "python"},
    {"q": "PYTHON data"},
    {"q": "pyth"},
    {"q": "creme brulee"},
    {"q": "cafe"},
    {"q": "Straße"},
    {"q": "strasse"},
    {"q": "aero"},
    {"q": "resume naive cooperative"},
    {"q": "top 10"},
    {"q": "owasp-top"},
    {"q": "2021"},
    {"q": "ελληνικα"},
    {"q": "中文"},
    {"q": 'python" OR "x'},
    {"q": "NEAR(python data)"},
    {"q": "python*"},
    {"q": "-python"},
    {"q": "python:* & !data"},
    {"q": "'\\\"(;)"},
    {"q": "nothingmatches"},
    {"q": "acme"},
    {"q": "beta academy"},
    {"provider": "beta"},
    {"provider": "nobody"},
    {"eqf_level": 6},
    {"min_hours": 40, "max_hours": 100},
    {"min_ects": 3},
    {"max_ects": 2},
    {"max_price": 200},
    {"max_price": 0},
    {"max_price": 1000, "currency": "usd"},
    {"max_duration_days": 42},
    {"delivery_mode": "onsite"},
    {"pace": "scheduled"},
    {"language": "en"},
    {"language": "EN-gb"},
    {"q": "python", "delivery_mode": "online", "max_price": 500},
    {"sort": "newest"},
    {"limit": 2},
    {"limit": 2, "offset": 2},
    {"limit": 2, "offset": 4},
]


def seed(session: Session) -> None:
    orgs = {
        slug: make_org(session, slug, name=f"{slug.title()} Academy")
        for slug in ("acme", "beta", "gamma")
    }
    skill = make_esco_skill(session, "py", "Python (computer programming)")
    for org_slug, slug, overrides in COURSES:
        fields = {
            "description": "A course.",
            "tags": [],
            "learning_outcomes": ["Meet the outcomes"],
            "field_of_study": "General",
            **overrides,
        }
        if "python" in fields["title"].lower():
            fields.setdefault("skills", [skill.uri])
        if slug == "draft":
            service.create_definition(
                session,
                organisation=orgs[org_slug],
                slug=slug,
                data=complete_fields(**fields),
                principal=OPERATOR,
            )
            continue
        publish_definition(session, orgs[org_slug], slug, **fields)
        if slug == "retired":
            service.retire(session, organisation=orgs[org_slug], slug=slug, principal=OPERATOR)
    # A newer draft does not change what the catalogue shows.
    service.update_definition(
        session,
        organisation=orgs["acme"],
        slug="py-data",
        data={"title": "Zebra"},
        principal=OPERATOR,
    )


def run(session: Session, query: dict[str, Any]) -> list[str]:
    page = search_catalogue(session, CatalogueQuery(**query))
    return [f"{v.definition.organisation.slug}/{v.definition.slug}" for v in page.items]


def test_filters_and_full_text(session: Session) -> None:
    seed(session)
    assert run(session, {}) == [
        "acme/cafe",
        "beta/sec-101",
        "acme/py-data",
        "beta/py-web",
        "beta/greek",
    ]
    assert run(session, {"q": "python"}) == ["acme/py-data", "beta/py-web"]
    assert run(session, {"q": "creme brulee"}) == ["acme/cafe"]
    assert run(session, {"q": "strasse"}) == ["acme/cafe"]
    assert run(session, {"q": "ελληνικα"}) == ["beta/greek"]
    assert run(session, {"q": "中文"}) == ["beta/greek"]
    assert run(session, {"q": "Zebra"}) == []  # only the draft has it
    assert run(session, {"provider": "beta", "eqf_level": 6}) == ["beta/sec-101"]
    assert run(session, {"max_price": 0}) == ["acme/cafe"]
    assert run(session, {"max_price": 1000, "currency": "usd"}) == ["acme/cafe", "beta/sec-101"]
    assert run(session, {"language": "en"}) == ["beta/sec-101", "acme/py-data", "beta/py-web"]
    assert run(session, {"max_duration_days": 42}) == [
        "acme/cafe",
        "acme/py-data",
        "beta/py-web",
        "beta/greek",
    ]
    assert run(session, {"min_hours": 100}) == ["beta/sec-101"]
    skill_filter = run(session, {"skill": "http://data.europa.eu/esco/skill/py"})
    assert skill_filter == ["acme/py-data", "beta/py-web"]
    page = search_catalogue(session, CatalogueQuery(limit=2, offset=2))
    assert page.total == 5 and len(page.items) == 2
    with pytest.raises(SkillNotFound):
        run(session, {"skill": "http://nope"})
    for bad in (
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"eqf_level": 9},
        {"max_price": float("nan")},
    ):
        with pytest.raises(InvalidInput):
            run(session, bad)


def test_index_follows_edits_and_new_versions(session: Session) -> None:
    org = make_org(session, "acme")
    publish_definition(session, org, "one", title="Kubernetes operations")
    assert run(session, {"q": "kubernetes"}) == ["acme/one"]
    service.update_definition(
        session, organisation=org, slug="one", data={"title": "Terraform"}, principal=OPERATOR
    )
    service.publish(session, organisation=org, slug="one", principal=OPERATOR)
    assert run(session, {"q": "kubernetes"}) == []
    assert run(session, {"q": "terraform"}) == ["acme/one"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=80))
def test_arbitrary_queries_never_fail(session: Session, q: str) -> None:
    run(session, {"q": q})


# -- the same results on both databases ---------------------------------------------------
@contextlib.contextmanager
def _postgres() -> Iterator[Engine]:
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is not reachable: {exc.orig} (CI=true)")
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    schema = f"mc_search_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Session]]:
    with contextlib.ExitStack() as stack:
        sqlite = create_engine(f"sqlite:///{tmp_path_factory.mktemp('search') / 'db.sqlite'}")
        stack.callback(sqlite.dispose)
        postgres = stack.enter_context(_postgres())
        sessions: dict[str, Session] = {}
        for name, engine in (("sqlite", sqlite), ("postgresql", postgres)):
            upgrade(engine, "heads")
            session = stack.enter_context(sessionmaker(bind=engine, expire_on_commit=False)())
            seed(session)
            session.commit()
            sessions[name] = session
        yield sessions


@pytest.mark.parametrize("query", QUERIES, ids=[str(q) for q in QUERIES])
def test_sqlite_and_postgresql_return_the_same_ordered_results(
    both: dict[str, Session], query: dict[str, Any]
) -> None:
    assert run(both["sqlite"], query) == run(both["postgresql"], query)


@settings(max_examples=150, deadline=None)
@given(
    q=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.sampled_from(
                ["py", "python", "data", "café", "Ærø", "2021", "top", "10", "Ελλ", "中"]
            ),
            max_size=4,
        ).map(" ".join),
    )
)
def test_sqlite_and_postgresql_agree_on_arbitrary_text(both: dict[str, Session], q: str) -> None:
    assert run(both["sqlite"], {"q": q}) == run(both["postgresql"], {"q": q})
