"""Provider pages for pathways and programmes over HTTP (SQLite and PostgreSQL): list,
create (the rules editor with its template and plain-words preview), edit, retire and
reactivate; bad rules (not JSON, an invalid tree, an unknown definition, the stack itself)
and bad programme rows shown on the form with status 422 and nothing saved; permissions
(viewers read without buttons, a forged POST is 403, other organisations 404, CSRF);
the public pathway page in the catalogue, linked from the stacked definition's page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.functional.pages.dashboard_support import Team, csrf, make_team, sign_in
from tests.functional.pages.seeding import Demo, fields, publish

from microcred.accounts import service as accounts
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.config import Settings
from microcred.pathways import service as pathways
from microcred.pathways.articulation import programme_items
from microcred.pathways.models import Pathway, PathwayAward, Programme

EVIL = '<script>alert("x")</script>'
RULES = {
    "type": "all",
    "rules": [
        {"type": "component", "definition": "acme/py-data"},
        {"type": "component", "definition": "acme/web-a11y"},
    ],
}


@pytest.fixture
def team(session: Session, demo: Demo, settings: Settings) -> Team:
    publish(
        session,
        demo.org,
        "data-cert",
        title="Accessible Data Certificate",
        achievement_type="Certificate",
        skills=[],
    )
    catalogue.create_definition(
        session,
        organisation=demo.org,
        slug="draft-only",
        data=fields(title="Draft Only"),
        principal=OPERATOR,
    )
    session.commit()
    return make_team(
        session,
        demo,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )


def _count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _pathway(session: Session, *, slug: str = "acc-data", title: str = "Accessible data") -> None:
    org = accounts.get_organisation(session, "acme")
    pathways.create_pathway(
        session,
        organisation=org,
        slug=slug,
        title=title,
        definition="data-cert",
        rules=RULES,
        principal=OPERATOR,
    )
    session.commit()


def _programme(session: Session) -> None:
    org = accounts.get_organisation(session, "acme")
    pathways.create_programme(
        session,
        organisation=org,
        slug="bsc",
        title="BSc Data",
        total_credits=180,
        items=[pathways.ProgrammeItemInput("acme/py-data", 5, "elective")],
        principal=OPERATOR,
    )
    session.commit()


# -- pathways -------------------------------------------------------------------------------


def test_create_edit_retire_pathway(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["issuer"])
    listing = browser.get("/dashboard/acme/pathways")
    assert listing.status_code == 200 and "No pathways yet." in listing.text
    assert 'href="/dashboard/acme/pathways"' in listing.text  # the tab
    assert 'href="/dashboard/acme/pathways/new"' in listing.text
    new = browser.get("/dashboard/acme/pathways/new")
    assert new.status_code == 200
    for name in ("slug", "title", "description", "definition", "rules"):
        assert f'name="{name}"' in new.text and f'for="f-{name}"' in new.text
    # The template names the organisation's published definitions; the choice lists them
    # (drafts are not offered).
    assert "&#34;acme/data-cert&#34;" in new.text or "&#34;acme/py-data&#34;" in new.text
    assert '<option value="data-cert">' in new.text and "draft-only" not in new.text
    token = csrf(new.text)
    form = {
        "csrf_token": token,
        "op": "save",
        "slug": "acc-data",
        "title": "Accessible data",
        "description": "Data skills, accessibly.",
        "definition": "data-cert",
        "rules": json.dumps(RULES),
    }
    created = browser.post("/dashboard/acme/pathways/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    assert (
        created.headers["location"] == "/dashboard/acme/pathways/acc-data/edit?done=pathway_created"
    )
    edit = browser.get(created.headers["location"])
    assert "The pathway was created." in edit.text
    assert 'id="rules-preview"' in edit.text and "All of these 2" in edit.text
    assert '<a href="/catalogue/acme/py-data">Python for Data Analysis</a>' in edit.text
    assert "from Acme Academy, 1 ECTS, 25 hours" in edit.text
    assert '<a href="/catalogue/acme/data-cert">Accessible Data Certificate</a>' in edit.text

    listing = browser.get("/dashboard/acme/pathways")
    assert "Accessible Data Certificate" in listing.text
    assert "All of these 2: (Python for Data Analysis; Accessible Web Pages)" in listing.text
    assert "<td>0</td>" in listing.text

    n_of = {"type": "n_of", "n": 1, "rules": RULES["rules"]}
    preview = browser.post(
        "/dashboard/acme/pathways/acc-data/edit",
        data={**form, "op": "preview", "title": "Changed", "rules": json.dumps(n_of)},
    )
    assert preview.status_code == 200 and "Any 1 of these 2" in preview.text
    assert "Checked, not saved yet." in preview.text
    session.expire_all()
    assert pathways.get_pathway(session, team.demo.org, "acc-data").title == "Accessible data"

    saved = browser.post(
        "/dashboard/acme/pathways/acc-data/edit",
        data={**form, "title": "Accessible data, flexible", "rules": json.dumps(n_of)},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=pathway_saved")
    session.expire_all()
    stored = pathways.get_pathway(session, team.demo.org, "acc-data")
    assert stored.title == "Accessible data, flexible" and stored.rules == n_of
    assert stored.definition.slug == "data-cert"  # the stack cannot change

    retired = browser.post(
        "/dashboard/acme/pathways/acc-data/retire",
        data={"csrf_token": token, "status": "retired"},
        follow_redirects=False,
    )
    assert retired.status_code == 303
    session.expire_all()
    assert pathways.get_pathway(session, team.demo.org, "acc-data").status == "retired"
    listing = browser.get(retired.headers["location"])
    assert "The pathway was retired" in listing.text and "Reactivate" in listing.text
    assert browser.get("/catalogue/acme/pathways/acc-data").status_code == 404
    browser.post(
        "/dashboard/acme/pathways/acc-data/retire", data={"csrf_token": token, "status": "active"}
    )
    session.expire_all()
    assert pathways.get_pathway(session, team.demo.org, "acc-data").status == "active"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ('{"type": "all", "rules": [', "The rules are not valid JSON: Expecting value at line 1"),
        ("", "Write the rules as JSON"),
        (
            json.dumps({"type": "n_of", "n": 5, "rules": [{"type": "component"}]}),
            "rules.rules[0].definition: name a definition",
        ),
        (json.dumps({"type": "n_of", "n": 5, "rules": RULES["rules"]}), "rules.n: between 1"),
        (json.dumps({"type": "maybe"}), "rules.type: one of component"),
        (
            json.dumps({"type": "component", "definition": "acme/nope"}),
            "no definition &#39;acme/nope&#39;",
        ),
        (
            json.dumps({"type": "component", "definition": "acme/draft-only"}),
            "&#39;acme/draft-only&#39; has no published version",
        ),
        (
            json.dumps({"type": "component", "definition": "acme/data-cert"}),
            "own credential",
        ),
        ("[" * 5000 + "]" * 5000, "The rules are not valid JSON"),
    ],
)
def test_bad_rules_are_shown_and_nothing_is_saved(
    browser: TestClient, session: Session, team: Team, rules: str, expected: str
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    form = {
        "csrf_token": token,
        "op": "save",
        "slug": "acc-data",
        "title": "Accessible data",
        "definition": "data-cert",
        "rules": rules,
    }
    refused = browser.post("/dashboard/acme/pathways/new", data=form)
    assert refused.status_code == 422, refused.text
    assert 'role="alert"' in refused.text and expected in refused.text
    assert 'id="f-rules"' in refused.text and 'aria-invalid="true"' in refused.text
    assert _count(session, Pathway) == 0
    # The same on an existing pathway: its rules stay as they were.
    _pathway(session)
    again = browser.post("/dashboard/acme/pathways/acc-data/edit", data=form)
    assert again.status_code == 422 and expected in again.text
    assert "As saved (your changes were not)." in again.text
    session.expire_all()
    assert pathways.get_pathway(session, team.demo.org, "acc-data").rules == RULES


def test_other_pathway_fields_refused(browser: TestClient, session: Session, team: Team) -> None:
    token = sign_in(browser, session, team.users["owner"])
    base = {"csrf_token": token, "op": "save", "title": "T", "rules": json.dumps(RULES)}
    no_stack = browser.post(
        "/dashboard/acme/pathways/new", data={**base, "slug": "a", "definition": ""}
    )
    assert no_stack.status_code == 422 and "has no definition" in no_stack.text
    bad_slug = browser.post(
        "/dashboard/acme/pathways/new", data={**base, "slug": "Bad Slug", "definition": "data-cert"}
    )
    assert bad_slug.status_code == 422 and "slug is 1 to 64" in bad_slug.text
    no_title = browser.post(
        "/dashboard/acme/pathways/new",
        data={**base, "slug": "ok", "title": "", "definition": "data-cert"},
    )
    assert no_title.status_code == 422
    assert _count(session, Pathway) == 0
    _pathway(session)
    taken = browser.post(
        "/dashboard/acme/pathways/new", data={**base, "slug": "acc-data", "definition": "data-cert"}
    )
    assert taken.status_code == 422 and "already has a pathway" in taken.text
    assert _count(session, Pathway) == 1


def test_pathway_permissions(browser: TestClient, session: Session, team: Team) -> None:
    _pathway(session)
    paths = ("/dashboard/acme/pathways", "/dashboard/acme/pathways/acc-data/edit")
    for path in paths:
        assert browser.get(path).status_code == 401  # not signed in
    token = sign_in(browser, session, team.users["viewer"])
    for path in paths:
        page = browser.get(path)
        assert page.status_code == 200 and "Accessible data" in page.text
        assert "New pathway" not in page.text and "Save pathway" not in page.text
        assert "Retire" not in page.text and "/retire" not in page.text
    assert "readonly" in browser.get(paths[1]).text
    assert browser.get("/dashboard/acme/pathways/new").status_code == 403
    form = {
        "csrf_token": token,
        "slug": "x",
        "title": "X",
        "definition": "data-cert",
        "rules": json.dumps(RULES),
    }
    assert browser.post("/dashboard/acme/pathways/new", data=form).status_code == 403
    assert browser.post("/dashboard/acme/pathways/acc-data/edit", data=form).status_code == 403
    assert (
        browser.post(
            "/dashboard/acme/pathways/acc-data/retire", data={"csrf_token": token}
        ).status_code
        == 403
    )
    token = sign_in(browser, session, team.users["outsider"])
    for path in (*paths, "/dashboard/acme/pathways/new"):
        assert browser.get(path).status_code == 404
    form["csrf_token"] = token
    assert browser.post("/dashboard/acme/pathways/new", data=form).status_code == 404
    assert (
        browser.post(
            "/dashboard/acme/pathways/acc-data/retire", data={"csrf_token": token}
        ).status_code
        == 404
    )
    # CSRF: an owner's POST without the token is refused.
    sign_in(browser, session, team.users["owner"])
    assert (
        browser.post(
            "/dashboard/acme/pathways/new",
            data={k: v for k, v in form.items() if k != "csrf_token"},
        ).status_code
        == 403
    )
    assert browser.get("/dashboard/acme/pathways/nope/edit").status_code == 404
    assert _count(session, Pathway) == 1


def test_list_counts_awards_and_escapes(browser: TestClient, session: Session, team: Team) -> None:
    _pathway(session, title=EVIL)
    stored = pathways.get_pathway(session, team.demo.org, "acc-data")
    session.add(PathwayAward(pathway_id=stored.id, user_id=team.users["viewer"].id))
    session.commit()
    sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard/acme/pathways")
    assert EVIL not in page.text and "&lt;script&gt;" in page.text
    assert "<td>1</td>" in page.text
    edit = browser.get("/dashboard/acme/pathways/acc-data/edit")
    assert EVIL not in edit.text and "1 learner awarded" in edit.text


# -- public page ----------------------------------------------------------------------------


def test_public_pathway_page(browser: TestClient, session: Session, team: Team) -> None:
    _pathway(session)
    page = browser.get("/catalogue/acme/pathways/acc-data")
    assert page.status_code == 200
    assert '<a href="/catalogue/acme/py-data">Python for Data Analysis</a>' in page.text
    assert '<a href="/catalogue/acme/web-a11y">Accessible Web Pages</a>' in page.text
    assert '<a href="/catalogue/acme/data-cert">Accessible Data Certificate</a>' in page.text
    assert "<form" not in page.text.split("<main", 1)[1]  # read-only
    stacked = browser.get("/catalogue/acme/data-cert")
    assert 'href="/catalogue/acme/pathways/acc-data"' in stacked.text
    component = browser.get("/catalogue/acme/py-data")
    assert "/catalogue/acme/pathways/" not in component.text
    assert browser.get("/catalogue/acme/pathways/nope").status_code == 404
    assert browser.get("/catalogue/nobody/pathways/acc-data").status_code == 404


# -- programmes -----------------------------------------------------------------------------


def test_create_edit_retire_programme(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["owner"])
    listing = browser.get("/dashboard/acme/programmes")
    assert listing.status_code == 200 and "No programmes yet." in listing.text
    new = browser.get("/dashboard/acme/programmes/new")
    assert new.status_code == 200 and new.text.count('name="item_definition"') == 3
    assert 'for="item-definition-1"' in new.text and 'for="f-total_credits"' in new.text
    token = csrf(new.text)
    more = browser.post(
        "/dashboard/acme/programmes/new",
        data={
            "csrf_token": token,
            "op": "rows",
            "title": "Kept",
            "item_definition": ["acme/py-data"],
        },
    )
    assert more.status_code == 200 and more.text.count('name="item_definition"') == 6
    assert 'value="Kept"' in more.text and 'value="acme/py-data"' in more.text
    assert _count(session, Programme) == 0

    form = {
        "csrf_token": token,
        "op": "save",
        "slug": "bsc",
        "title": "BSc Data",
        "total_credits": "180",
        "item_definition": ["acme/py-data", "ACME/web-a11y", ""],
        "item_credits": ["5", "2,5", ""],
        "item_note": ["elective", "", ""],
    }
    created = browser.post("/dashboard/acme/programmes/new", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    edit = browser.get(created.headers["location"])
    assert "The programme was created." in edit.text
    assert 'value="acme/web-a11y"' in edit.text and 'value="2.5"' in edit.text
    assert "Accessible Web Pages (Acme Academy)" in edit.text
    session.expire_all()
    programme = pathways.get_programme(session, team.demo.org, "bsc")
    assert programme.total_credits == 180

    listing = browser.get("/dashboard/acme/programmes")
    assert (
        "BSc Data" in listing.text
        and "<td>180</td>" in listing.text
        and "<td>2</td>" in listing.text
    )

    saved = browser.post(
        "/dashboard/acme/programmes/bsc/edit",
        data={
            **form,
            "title": "BSc Data Science",
            "total_credits": "240",
            "item_definition": ["acme/py-data", ""],
            "item_credits": ["6", ""],
            "item_note": ["", ""],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    session.expire_all()
    programme = pathways.get_programme(session, team.demo.org, "bsc")
    assert (programme.title, programme.total_credits) == ("BSc Data Science", 240)
    assert [(i.definition.slug, i.credits) for i in programme_items(session, programme)] == [
        ("py-data", 6)
    ]
    retired = browser.post(
        "/dashboard/acme/programmes/bsc/retire",
        data={"csrf_token": token, "status": "retired"},
        follow_redirects=False,
    )
    assert retired.status_code == 303
    assert "The programme was retired" in browser.get(retired.headers["location"]).text
    session.expire_all()
    assert pathways.get_programme(session, team.demo.org, "bsc").status == "retired"


def test_bad_programme_rows_nothing_saved(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    form = {
        "csrf_token": token,
        "op": "save",
        "slug": "bsc",
        "title": "BSc",
        "total_credits": "lots",
        "item_definition": [
            "acme/py-data",
            "not a key",
            "acme/nope",
            "acme/draft-only",
            "acme/py-data",
            "acme/web-a11y",
            "",
        ],
        "item_credits": ["5", "1", "1", "1", "1", "-2", "3"],
        "item_note": ["", "", "", "", "", "", ""],
    }
    refused = browser.post("/dashboard/acme/programmes/new", data=form)
    assert refused.status_code == 422
    text = refused.text
    assert "Total credits: a number above 0" in text
    assert "Row 2: &#39;not a key&#39; is not organisation/definition" in text
    assert "Row 3: there is no definition &#39;acme/nope&#39; in the catalogue." in text
    assert "Row 4: &#39;acme/draft-only&#39; is not published." in text
    assert "Row 5: &#39;acme/py-data&#39; is already in row 1." in text
    assert "Row 6: the credits are a number above 0" in text
    assert "Row 7: name the definition" in text
    assert text.count('aria-invalid="true"') >= 6 * 2
    assert 'value="not a key"' in text  # the input is kept
    assert _count(session, Programme) == 0
    _programme(session)
    again = browser.post(
        "/dashboard/acme/programmes/bsc/edit",
        data={
            **form,
            "total_credits": "180",
            "item_definition": ["acme/nope"],
            "item_credits": ["1"],
        },
    )
    assert again.status_code == 422 and "Row 1: there is no definition" in again.text
    session.expire_all()
    programme = pathways.get_programme(session, team.demo.org, "bsc")
    assert [i.definition.slug for i in programme_items(session, programme)] == ["py-data"]
    taken = browser.post(
        "/dashboard/acme/programmes/new",
        data={**form, "total_credits": "10", "item_definition": [], "item_credits": []},
    )
    assert taken.status_code == 422 and "already has a programme" in taken.text


def test_programme_permissions(browser: TestClient, session: Session, team: Team) -> None:
    _programme(session)
    paths = ("/dashboard/acme/programmes", "/dashboard/acme/programmes/bsc/edit")
    token = sign_in(browser, session, team.users["viewer"])
    for path in paths:
        page = browser.get(path)
        assert page.status_code == 200 and "BSc Data" in page.text
        assert "New programme" not in page.text and "Save programme" not in page.text
        assert "/retire" not in page.text and 'name="item_definition"' not in page.text
    assert "Python for Data Analysis" in browser.get(paths[1]).text
    assert browser.get("/dashboard/acme/programmes/new").status_code == 403
    form = {"csrf_token": token, "title": "X", "total_credits": "1"}
    assert browser.post("/dashboard/acme/programmes/bsc/edit", data=form).status_code == 403
    assert browser.post("/dashboard/acme/programmes/bsc/retire", data=form).status_code == 403
    token = sign_in(browser, session, team.users["outsider"])
    for path in (*paths, "/dashboard/acme/programmes/new"):
        assert browser.get(path).status_code == 404
    form["csrf_token"] = token
    assert browser.post("/dashboard/acme/programmes/bsc/edit", data=form).status_code == 404
    session.expire_all()
    assert pathways.get_programme(session, team.demo.org, "bsc").title == "BSc Data"
