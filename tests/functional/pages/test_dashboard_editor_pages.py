"""Provider dashboard over HTTP (SQLite and PostgreSQL): the definition editor (every EU
element, the skill picker, the completeness meter, save draft / publish / retire, a new
draft from a published version), bulk uploads (per-row errors before anything is issued,
preview, confirm, progress, errors.csv) and the organisation settings (members, keys, API
tokens), with their access rules and bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.functional.pages.dashboard_support import Team, csrf, make_team, sign_in
from tests.functional.pages.seeding import ACCESSIBILITY_SKILL, PYTHON_SKILL, Demo, fields

from microcred.accounts import tokens as api_tokens
from microcred.accounts.models import Membership, OrganisationKey
from microcred.catalogue import service as catalogue
from microcred.config import Settings
from microcred.issuing.models import Award, BulkBatch
from microcred.jobs.runner import InlineRunner, task_context


@pytest.fixture
def team(session: Session, demo: Demo, settings: Settings) -> Team:
    return make_team(
        session,
        demo,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )


@pytest.fixture
def inline_jobs(app: FastAPI, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    app.state.job_runner = InlineRunner(task_context(settings, session_factory))


def _form(**overrides: Any) -> dict[str, Any]:
    """Editor form fields for a complete definition."""
    values = fields(**overrides)
    data: dict[str, Any] = {}
    for name, value in values.items():
        if name == "learning_outcomes":
            data[name] = "\n".join(value)
        elif name == "tags":
            data[name] = ", ".join(value)
        elif name == "identity_verification":
            data[name] = "yes" if value else "no"
        elif name == "skills":
            data[name] = value
        else:
            data[name] = str(value)
    return data


# -- definitions ----------------------------------------------------------------------------


def test_create_with_skills_then_publish(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["issuer"])
    new = browser.get("/dashboard/acme/definitions/new")
    assert new.status_code == 200
    for name in (
        "title",
        "description",
        "learning_outcomes",
        "criteria_narrative",
        "workload_hours",
        "ects",
        "eqf_level",
        "assessment_type",
        "participation_form",
        "quality_assurance",
        "supervision",
        "identity_verification",
        "prerequisites",
        "stackability",
        "duration",
        "price",
        "currency",
        "language",
        "tags",
        "field_of_study",
        "image_url",
        "skill_q",
    ):
        assert (f'name="{name}"' in new.text and f'for="f-{name}"' in new.text) or name == "skill_q"
    token = csrf(new.text)
    search = browser.post(
        "/dashboard/acme/definitions/new",
        data={"csrf_token": token, "op": "search", "skill_q": "python", "title": "Kept"},
    )
    assert search.status_code == 200 and PYTHON_SKILL in search.text
    assert 'value="Kept"' in search.text  # nothing lost, nothing saved
    assert catalogue.list_definitions(session, team.demo.org).__len__() == 2
    data = _form(title="Data Literacy", skills=[PYTHON_SKILL, ACCESSIBILITY_SKILL])
    saved = browser.post(
        "/dashboard/acme/definitions/new",
        data={"csrf_token": token, "op": "save", "slug": "data-lit", **data},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/dashboard/acme/definitions/data-lit/edit?done=saved"
    edit = browser.get(saved.headers["location"])
    assert "The draft was saved." in edit.text and 'id="completeness-meter"' in edit.text
    assert "Python (computer programming)" in edit.text and "ICT accessibility" in edit.text
    published = browser.post(
        "/dashboard/acme/definitions/data-lit/edit",
        data={"csrf_token": token, "op": "publish", **data},
        follow_redirects=False,
    )
    assert published.status_code == 303 and published.headers["location"].endswith("published")
    session.expire_all()
    version = catalogue.published_version(session, team.demo.org, "data-lit")
    assert [s.uri for s in version.skills] == [PYTHON_SKILL, ACCESSIBILITY_SKILL]
    assert version.learning_outcomes == ["Load and clean CSV data", "Plot distributions"]
    assert version.identity_verification is True and version.price_cents == 19900
    page = browser.get("/dashboard/acme/definitions/data-lit/edit")
    assert "new draft" in page.text and "version 2" in page.text  # published: says so


def test_editing_a_published_definition_creates_a_new_draft(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    data = _form(title="Python for Data Analysis, 2nd edition", skills=[PYTHON_SKILL])
    browser.post(
        "/dashboard/acme/definitions/py-data/edit", data={"csrf_token": token, "op": "save", **data}
    )
    session.expire_all()
    definition = catalogue.get_definition(session, team.demo.org, "py-data")
    latest = catalogue.latest_version(session, definition)
    assert latest.version == 2 and latest.status == "draft"
    assert catalogue.published_version(session, team.demo.org, "py-data").version == 1
    listing = browser.get("/dashboard/acme/definitions")
    assert "an earlier version is published" in listing.text


def test_publishing_an_incomplete_draft_names_what_is_missing(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    page = browser.post(
        "/dashboard/acme/definitions/new",
        data={
            "csrf_token": token,
            "op": "publish",
            "slug": "thin",
            "title": "T",
            "description": "D",
        },
    )
    assert page.status_code == 422 and "Learning outcomes" in page.text
    assert "Saved nothing" in page.text
    saved = browser.post(
        "/dashboard/acme/definitions/new",
        data={"csrf_token": token, "op": "save", "slug": "thin", "title": "T", "description": "D"},
    )
    assert saved.status_code == 200 and "Needed to publish" in saved.text
    assert "Type of assessment (EU 9)" in saved.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Bad Slug", "slug:"),
        ("title", "", "title:"),
        ("eqf_level", "9", "eqf_level:"),
        ("workload_hours", "lots", "workload_hours:"),
        ("duration", "six weeks", "duration:"),
        ("price", "1.999", "price:"),
        ("currency", "XXX", "currency:"),
        ("language", "!!", "language:"),
        ("image_url", "javascript:alert(1)", "image_url:"),
        ("delivery_mode", "by pigeon", "delivery_mode:"),
        ("identity_verification", "maybe", "identity_verification:"),
        ("skills", "http://example.org/not-a-skill", "No skill"),
    ],
)
def test_bad_definition_input_is_shown_on_the_form(
    browser: TestClient, session: Session, team: Team, field: str, value: str, message: str
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    data = {"csrf_token": token, "op": "save", "slug": "x-1", **_form(), field: value}
    page = browser.post("/dashboard/acme/definitions/new", data=data)
    assert page.status_code == 422, page.text[:500]
    assert message in page.text and 'role="alert"' in page.text
    assert "javascript:alert(1)" not in page.text.replace('value="javascript:alert(1)"', "")
    assert len(catalogue.list_definitions(session, team.demo.org)) == 2


def test_script_in_a_definition_is_escaped(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    evil = "<script>alert(1)</script>"
    browser.post(
        "/dashboard/acme/definitions/new",
        data={"csrf_token": token, "op": "save", "slug": "evil", **_form(title=evil)},
    )
    for path in ("/dashboard/acme/definitions", "/dashboard/acme/definitions/evil/edit"):
        page = browser.get(path)
        assert evil not in page.text and "&lt;script&gt;" in page.text


def test_retire(browser: TestClient, session: Session, team: Team) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    edit = browser.get("/dashboard/acme/definitions/web-a11y/edit")
    assert "/dashboard/acme/definitions/web-a11y/retire" in edit.text
    done = browser.post("/dashboard/acme/definitions/web-a11y/retire", data={"csrf_token": token})
    assert done.status_code == 200 and "retired" in done.text
    session.expire_all()
    assert catalogue.get_definition(session, team.demo.org, "web-a11y").published_version_id is None
    again = browser.post("/dashboard/acme/definitions/web-a11y/retire", data={"csrf_token": token})
    assert again.status_code == 409


def test_definition_rules_for_viewers_and_outsiders(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard/acme/definitions/py-data/edit")
    assert page.status_code == 200 and "only owners and issuers can change it" in page.text
    assert 'value="save"' not in page.text and "/retire" not in page.text
    assert browser.get("/dashboard/acme/definitions/new").status_code == 403
    refused = browser.post(
        "/dashboard/acme/definitions/py-data/edit",
        data={"csrf_token": token, "op": "save", **_form()},
    )
    assert refused.status_code == 403
    assert browser.get("/dashboard/acme/definitions/nope/edit").status_code == 404
    sign_in(browser, session, team.users["outsider"])
    assert browser.get("/dashboard/acme/definitions").status_code == 404
    assert browser.get("/dashboard/acme/definitions/py-data/edit").status_code == 404


# -- bulk -----------------------------------------------------------------------------------

GOOD = b"email,external_id,name\nx1@example.org,b-1,X One\nx2@example.org,b-2,X Two\n"
BAD = b"email,external_id,name\nx1@example.org,b-1,X One\nnot-an-email,b-2,=cmd()\n"


def _awards(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Award)) or 0


def _upload(browser: TestClient, token: str, content: bytes, definition: str = "py-data") -> Any:
    return browser.post(
        "/dashboard/acme/bulk",
        data={"csrf_token": token, "definition": definition},
        files={"file": ("learners.csv", content, "text/csv")},
    )


def test_bulk_errors_are_shown_per_row_and_nothing_is_issued(
    browser: TestClient, session: Session, team: Team, inline_jobs: None
) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    before = _awards(session)
    page = _upload(browser, token, BAD)
    assert page.status_code == 200
    assert "nothing was issued" in page.text and 'id="row-errors"' in page.text
    assert '<td>3</td><td class="error-col">email</td>' in page.text
    assert '<td>3</td><td class="error-col">name</td>' in page.text
    assert "/confirm" not in page.text
    assert _awards(session) == before
    batch_id = page.url.path.rsplit("/", 1)[1]
    errors = browser.get(f"/dashboard/acme/bulk/{batch_id}/errors.csv")
    assert errors.headers["content-type"].startswith("text/csv")
    assert "'=cmd()" in errors.text or "email" in errors.text
    confirm = browser.post(f"/dashboard/acme/bulk/{batch_id}/confirm", data={"csrf_token": token})
    assert confirm.status_code == 409 and _awards(session) == before


def test_bulk_preview_confirm_progress_done(
    browser: TestClient, session: Session, team: Team, inline_jobs: None
) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    before = _awards(session)
    preview = _upload(browser, token, GOOD)
    assert preview.status_code == 200
    assert "All 2 rows are valid" in preview.text and "x2@example.org" in preview.text
    assert "Nothing has been issued yet" in preview.text and _awards(session) == before
    batch_id = preview.url.path.rsplit("/", 1)[1]
    progress = browser.get(f"/dashboard/acme/bulk/{batch_id}/progress.json").json()
    assert progress["status"] == "preview" and progress["total"] == 2
    done = browser.post(f"/dashboard/acme/bulk/{batch_id}/confirm", data={"csrf_token": token})
    assert done.status_code == 200 and "Done" in done.text
    assert '<span id="count-issued">2</span>' in done.text
    assert _awards(session) == before + 2
    progress = browser.get(f"/dashboard/acme/bulk/{batch_id}/progress.json").json()
    assert progress == {
        "status": "completed",
        "total": 2,
        "pending": 0,
        "issued": 2,
        "skipped": 0,
        "failed": 0,
        "errors": 0,
    }
    # Confirming again issues nothing twice; a re-upload skips the rows already issued.
    browser.post(f"/dashboard/acme/bulk/{batch_id}/confirm", data={"csrf_token": token})
    again = _upload(browser, token, GOOD)
    assert "2 rows were issued before and will be skipped" in again.text
    assert _awards(session) == before + 2


def test_bulk_progress_page_without_javascript_has_a_refresh_link(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    preview = _upload(browser, token, GOOD)
    batch_id = preview.url.path.rsplit("/", 1)[1]
    session.expire_all()
    batch = session.scalar(select(BulkBatch).where(BulkBatch.public_id == batch_id))
    assert batch is not None
    batch.status = "running"  # as while a worker issues it
    session.commit()
    page = browser.get(f"/dashboard/acme/bulk/{batch_id}")
    assert "<progress" in page.text and f'href="/dashboard/acme/bulk/{batch_id}"' in page.text
    assert "data-progress-url" in page.text and "dashboard.js" in page.text


@pytest.mark.parametrize(
    ("definition", "content", "status", "message"),
    [
        ("", GOOD, 422, "Choose the credential"),
        ("nope", GOOD, 422, "nope"),
        ("py-data", b"", 200, "The file is empty"),
        ("py-data", b"\xff\xfe\x00bad", 200, "UTF-8"),
        ("py-data", b"name\nAnn\n", 200, "email"),
        ("py-data", b"email,external_id\n", 200, "no rows"),
    ],
)
def test_bulk_bad_uploads(
    browser: TestClient,
    session: Session,
    team: Team,
    definition: str,
    content: bytes,
    status: int,
    message: str,
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    before = _awards(session)
    page = _upload(browser, token, content, definition)
    assert page.status_code == status and message in page.text
    assert _awards(session) == before


def test_bulk_rules(browser: TestClient, session: Session, team: Team) -> None:
    token = sign_in(browser, session, team.users["issuer"])
    batch_id = _upload(browser, token, GOOD).url.path.rsplit("/", 1)[1]
    token = sign_in(browser, session, team.users["assessor"])
    assert browser.get("/dashboard/acme/bulk").status_code == 403
    assert _upload(browser, token, GOOD).status_code == 403
    page = browser.get(f"/dashboard/acme/bulk/{batch_id}")
    assert page.status_code == 200 and "/confirm" not in page.text
    refused = browser.post(f"/dashboard/acme/bulk/{batch_id}/confirm", data={"csrf_token": token})
    assert refused.status_code == 403
    sign_in(browser, session, team.users["outsider"])
    for suffix in ("", "/progress.json", "/errors.csv"):
        assert browser.get(f"/dashboard/acme/bulk/{batch_id}{suffix}").status_code == 404
    assert browser.get("/dashboard/acme/bulk/unknown").status_code == 404


# -- settings -------------------------------------------------------------------------------


def test_owner_manages_members(browser: TestClient, session: Session, team: Team) -> None:
    token = sign_in(browser, session, team.users["owner"])
    page = browser.get("/dashboard/acme/settings")
    assert "viewer@acme.example" in page.text and "Add member" in page.text
    changed = browser.post(
        "/dashboard/acme/settings/members",
        data={"csrf_token": token, "email": "viewer@acme.example", "role": "issuer"},
    )
    assert changed.status_code == 200 and "The member list was updated." in changed.text
    role = select(Membership.role).where(Membership.user_id == team.users["viewer"].id)
    session.expire_all()
    assert session.scalar(role) == "issuer"
    unknown = browser.post(
        "/dashboard/acme/settings/members",
        data={"csrf_token": token, "email": "nobody@example.org", "role": "viewer"},
    )
    assert unknown.status_code == 422 and "sign up first" in unknown.text
    bad_role = browser.post(
        "/dashboard/acme/settings/members",
        data={"csrf_token": token, "email": "viewer@acme.example", "role": "king"},
    )
    assert bad_role.status_code == 422 and "Unknown role" in bad_role.text
    last = browser.post(
        "/dashboard/acme/settings/members/remove",
        data={"csrf_token": token, "email": "owner@acme.example"},
    )
    assert last.status_code == 422 and "last owner" in last.text
    removed = browser.post(
        "/dashboard/acme/settings/members/remove",
        data={"csrf_token": token, "email": "assessor@acme.example"},
    )
    assert removed.status_code == 200 and "assessor@acme.example" not in removed.text


def test_keys_did_and_rotation(browser: TestClient, session: Session, team: Team) -> None:
    token = sign_in(browser, session, team.users["owner"])
    page = browser.get("/dashboard/acme/settings")
    assert team.demo.org.did in page.text and 'href="/orgs/acme/did.json"' in page.text
    rotated = browser.post("/dashboard/acme/settings/keys/rotate", data={"csrf_token": token})
    assert rotated.status_code == 200 and "A new signing key is active" in rotated.text
    session.expire_all()
    keys = session.scalars(
        select(OrganisationKey.status).where(OrganisationKey.organisation_id == team.demo.org.id)
    ).all()
    assert sorted(keys) == ["active", "retired"]
    document = browser.get("/orgs/acme/did.json", headers={"Accept": "application/json"})
    assert len(json.loads(document.text)["verificationMethod"]) == 2


def test_tokens_are_shown_once_listed_and_revoked(
    browser: TestClient, session: Session, team: Team
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    created = browser.post(
        "/dashboard/acme/settings/tokens",
        data={
            "csrf_token": token,
            "name": "SIS",
            "scopes": ["issue", "read"],
            "expires_days": "30",
        },
    )
    assert created.status_code == 200 and "only this once" in created.text
    assert created.headers["cache-control"] == "no-store"
    plain = created.text.split('id="new-token" value="', 1)[1].split('"', 1)[0]
    assert plain.startswith("mc_")
    row = api_tokens.authenticate_token(session, plain)
    assert row.scope_set == {"issue", "read"}
    listing = browser.get("/dashboard/acme/settings")
    assert plain not in listing.text and f"mc_{row.prefix}_" in listing.text
    revoked = browser.post(
        f"/dashboard/acme/settings/tokens/{row.id}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 200 and "The API token was revoked." in revoked.text
    session.expire_all()
    assert session.get(type(row), row.id).revoked_at is not None  # type: ignore[union-attr]
    for data in ({"scopes": []}, {"scopes": ["root"]}, {"scopes": ["read"], "expires_days": "0"}):
        bad = browser.post(
            "/dashboard/acme/settings/tokens", data={"csrf_token": token, "name": "x", **data}
        )
        assert bad.status_code == 422, data


def test_settings_rules(browser: TestClient, session: Session, team: Team) -> None:
    for role in ("issuer", "viewer"):
        token = sign_in(browser, session, team.users[role])
        page = browser.get("/dashboard/acme/settings")
        assert page.status_code == 200 and "owner@acme.example" in page.text
        assert "Add member" not in page.text and "API tokens" not in page.text
        assert "Rotate the signing key" not in page.text
        for path, data in (
            (
                "/dashboard/acme/settings/members",
                {"email": f"{role}@acme.example", "role": "owner"},
            ),
            ("/dashboard/acme/settings/keys/rotate", {}),
            ("/dashboard/acme/settings/tokens", {"name": "x", "scopes": "read"}),
            ("/dashboard/acme/settings/tokens/1/revoke", {}),
        ):
            assert browser.post(path, data={"csrf_token": token, **data}).status_code == 403
    sign_in(browser, session, team.users["outsider"])
    assert browser.get("/dashboard/acme/settings").status_code == 404
