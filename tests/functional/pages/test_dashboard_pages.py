"""Provider dashboard pages over HTTP, on SQLite and PostgreSQL: overview, awards list,
award one, revoke / suspend / unsuspend; access rules (viewers see, assessors cannot award,
other organisations' dashboards are a 404), CSRF, bad input and escaping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.functional.pages.dashboard_support import Team, csrf, make_team, sign_in
from tests.functional.pages.seeding import Demo

from microcred.config import Settings
from microcred.issuing.models import Award


@pytest.fixture
def team(session: Session, demo: Demo, settings: Settings) -> Team:
    return make_team(
        session,
        demo,
        base_url=settings.public_base_url,
        master_key=settings.master_key.get_secret_value().encode("utf-8"),
    )


def test_dashboard_needs_sign_in(browser: TestClient, team: Team) -> None:
    for path in ("/dashboard", "/dashboard/acme", "/dashboard/acme/awards"):
        page = browser.get(path)
        assert page.status_code == 401 and 'href="/signin' in page.text


def test_index_lists_my_organisations(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard")
    assert page.status_code == 200
    assert 'href="/dashboard/acme"' in page.text and "Acme Academy" in page.text
    assert "/dashboard/other" not in page.text


def test_overview_shows_counts_months_and_revocations(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["viewer"])
    page = browser.get("/dashboard/acme")
    assert page.status_code == 200
    text = page.text
    assert "Awards over time" in text and text.count('<th scope="row">') == 12
    assert "Issued by mistake" in text  # the demo's revoked credential
    assert "bar-100" in text  # this month has the most awards
    assert '<span class="stat-value">2</span> <span class="stat-label">credentials awarded' in text


def test_other_organisations_dashboards_are_not_found(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["outsider"])
    unknown = browser.get("/dashboard/nope")
    for path in (
        "/dashboard/acme",
        "/dashboard/acme/awards",
        "/dashboard/acme/award",
        f"/dashboard/acme/awards/{team.demo.award.public_id}/revoke",
    ):
        page = browser.get(path)
        assert page.status_code == 404, path
        assert "Acme" not in page.text
    assert unknown.status_code == 404
    assert browser.get("/dashboard/other").status_code == 200


# -- awards: revoke / suspend / unsuspend ---------------------------------------------------


def _status_of(session: Session, public_id: str) -> str:
    session.expire_all()
    award = session.scalar(select(Award).where(Award.public_id == public_id))
    assert award is not None
    return award.status


def test_suspend_unsuspend_and_revoke_with_a_reason(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["issuer"])
    award_id = team.demo.award.public_id
    listing = browser.get("/dashboard/acme/awards")
    assert f"/dashboard/acme/awards/{award_id}/revoke" in listing.text
    form = browser.get(f"/dashboard/acme/awards/{award_id}/suspend")
    assert form.status_code == 200 and 'name="reason"' in form.text
    token = csrf(form.text)
    missing = browser.post(f"/dashboard/acme/awards/{award_id}/suspend", data={"csrf_token": token})
    assert missing.status_code == 422 and "Give a reason" in missing.text
    assert _status_of(session, award_id) == "active"
    done = browser.post(
        f"/dashboard/acme/awards/{award_id}/suspend",
        data={"csrf_token": token, "reason": "Under review"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("done=suspended")
    assert _status_of(session, award_id) == "suspended"
    browser.post(f"/dashboard/acme/awards/{award_id}/unsuspend", data={"csrf_token": token})
    assert _status_of(session, award_id) == "active"
    page = browser.post(
        f"/dashboard/acme/awards/{award_id}/revoke",
        data={"csrf_token": token, "reason": "<script>alert(1)</script>"},
    )
    assert page.status_code == 200 and "The credential was revoked." in page.text
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    assert _status_of(session, award_id) == "revoked"
    again = browser.post(
        f"/dashboard/acme/awards/{award_id}/suspend", data={"csrf_token": token, "reason": "x"}
    )
    assert again.status_code == 409


def test_awards_filters_and_bad_filters(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["viewer"])
    revoked = browser.get("/dashboard/acme/awards?status=revoked")
    assert "bob@example.org" in revoked.text and "ann@example.org" not in revoked.text
    by_definition = browser.get("/dashboard/acme/awards?definition=py-data")
    assert "ann@example.org" in by_definition.text and "bob@example.org" not in by_definition.text
    by_recipient = browser.get("/dashboard/acme/awards?recipient=BOB@example.org")
    assert "bob@example.org" in by_recipient.text and "1 award." in by_recipient.text
    assert browser.get("/dashboard/acme/awards?status=nope").status_code == 400
    assert browser.get("/dashboard/acme/awards?definition=nope").status_code == 404
    assert browser.get("/dashboard/acme/awards?page=0").status_code == 422
    assert browser.get("/dashboard/acme/awards/nope/revoke").status_code in (403, 404)


def test_viewers_and_assessors_see_but_cannot_change(
    browser: TestClient, session: Session, team: Team
) -> None:
    award_id = team.demo.award.public_id
    for role in ("viewer", "assessor"):
        token = sign_in(browser, session, team.users[role])
        listing = browser.get("/dashboard/acme/awards")
        assert listing.status_code == 200 and "ann@example.org" in listing.text
        assert "/revoke" not in listing.text and 'href="/dashboard/acme/award"' not in listing.text
        assert browser.get("/dashboard/acme/award").status_code == 403
        assert browser.get(f"/dashboard/acme/awards/{award_id}/revoke").status_code == 403
        refused = browser.post(
            f"/dashboard/acme/awards/{award_id}/revoke", data={"csrf_token": token, "reason": "x"}
        )
        assert refused.status_code == 403
        award = browser.post(
            "/dashboard/acme/award",
            data={"csrf_token": token, "definition": "py-data", "recipient": "x@example.org"},
        )
        assert award.status_code == 403
    assert _status_of(session, award_id) == "active"


def test_every_dashboard_post_needs_the_csrf_token(
    browser: TestClient, session: Session, team: Team
) -> None:
    sign_in(browser, session, team.users["owner"])
    award_id = team.demo.award.public_id
    posts = {
        f"/dashboard/acme/awards/{award_id}/revoke": {"reason": "x"},
        "/dashboard/acme/award": {"definition": "py-data", "recipient": "x@example.org"},
        "/dashboard/acme/definitions/new": {"slug": "x", "title": "T", "description": "D"},
        "/dashboard/acme/definitions/py-data/edit": {"title": "T", "description": "D"},
        "/dashboard/acme/definitions/py-data/retire": {},
        "/dashboard/acme/settings/members": {"email": "viewer@acme.example", "role": "owner"},
        "/dashboard/acme/settings/keys/rotate": {},
        "/dashboard/acme/settings/tokens": {"name": "t", "scopes": "issue"},
    }
    for path, data in posts.items():
        assert browser.post(path, data=data).status_code == 403, path
        wrong = browser.post(path, data={**data, "csrf_token": "forged"})
        assert wrong.status_code == 403, path
    upload = browser.post(
        "/dashboard/acme/bulk",
        data={"definition": "py-data"},
        files={"file": ("a.csv", b"email,external_id\na@example.org,1\n", "text/csv")},
    )
    assert upload.status_code == 403
    assert _status_of(session, award_id) == "active"


# -- award one ----------------------------------------------------------------------------


def test_award_one_by_email_and_by_did(browser: TestClient, session: Session, team: Team) -> None:
    sign_in(browser, session, team.users["issuer"])
    form = browser.get("/dashboard/acme/award")
    assert form.status_code == 200 and 'value="py-data"' in form.text
    token = csrf(form.text)
    done = browser.post(
        "/dashboard/acme/award",
        data={
            "csrf_token": token,
            "definition": "py-data",
            "recipient": "carol@example.org",
            "name": "Carol",
            "result": "A",
            "evidence_url": "https://example.org/work/1",
            "evidence_narrative": "Built a dashboard.",
            "valid_until": "2040-12-31",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    session.expire_all()
    award = session.scalar(select(Award).where(Award.recipient_email == "carol@example.org"))
    assert award is not None and award.valid_until is not None
    assert award.valid_until.year == 2040 and award.public_id in done.headers["location"]
    assert "Built a dashboard." in award.credential_json
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    by_did = browser.post(
        "/dashboard/acme/award",
        data={"csrf_token": token, "definition": "web-a11y", "recipient": did},
        follow_redirects=False,
    )
    assert by_did.status_code == 303, by_did.text
    assert session.scalar(select(Award).where(Award.recipient_did == did)) is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"definition": "", "recipient": "a@example.org"}, "Choose the credential"),
        ({"definition": "py-data", "recipient": ""}, "e-mail address or DID"),
        ({"definition": "py-data", "recipient": "not an email"}, "not an email"),
        ({"definition": "nope", "recipient": "a@example.org"}, "nope"),
        (
            {"definition": "py-data", "recipient": "a@example.org", "valid_until": "2001-01-01"},
            "valid_until",
        ),
        (
            {"definition": "py-data", "recipient": "a@example.org", "valid_until": "tomorrow"},
            "not a date",
        ),
        (
            {"definition": "py-data", "recipient": "a@example.org", "evidence_url": "javascript:x"},
            "evidence",
        ),
    ],
)
def test_award_one_bad_input_is_shown_on_the_form(
    browser: TestClient, session: Session, team: Team, data: dict[str, str], message: str
) -> None:
    token = sign_in(browser, session, team.users["owner"])
    page = browser.post("/dashboard/acme/award", data={"csrf_token": token, **data})
    assert page.status_code == 422
    assert message in page.text and 'role="alert"' in page.text
    # Scoped to this test's organisation: concurrency tests elsewhere commit real rows.
    assert (
        session.scalar(
            select(Award).where(
                Award.recipient_email == "a@example.org",
                Award.organisation_id == team.demo.org.id,
            )
        )
        is None
    )
