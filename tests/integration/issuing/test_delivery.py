"""Mail delivery through a real SMTP server (aiosmtpd on 127.0.0.1), .eml files in
development, retries, and claim links (both databases)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer

from microcred.accounts import service as accounts
from microcred.issuing import claims, service
from microcred.issuing.delivery import MAX_ATTEMPTS, MailSettings, deliver_pending
from microcred.issuing.errors import ClaimInvalid
from microcred.issuing.models import OutboxMessage


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free random port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _award_with_mail(session: Session) -> tuple[Any, str]:
    org, version = make_issuer(session)
    award = service.award(
        session,
        organisation=org,
        version=version,
        actor=SYSTEM,
        base_url=BASE,
        master_key=MASTER,
        recipient_email="ann@example.org",
        recipient_name="Ann",
    )
    token = claims.notify_learner(
        session, award, organisation=org, title=version.title, base_url=BASE
    )
    session.commit()
    return award, token


def test_mail_goes_through_smtp(
    session: Session,
    session_factory: sessionmaker[Session],
    smtp: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    award, token = _award_with_mail(session)
    settings = MailSettings(
        sender="microcred <no-reply@example.org>", outbox_dir=tmp_path, host="127.0.0.1", port=port
    )
    assert deliver_pending(session_factory, settings) == 1
    assert len(inbox.messages) == 1
    sender, recipients, content = inbox.messages[0]
    assert recipients == ["ann@example.org"] and "no-reply@example.org" in sender
    message = email.message_from_bytes(content)
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert f"{BASE}/claim/{token}" in body and award.credential_id in body and "Hello Ann" in body
    # Sent mails are not sent again.
    assert deliver_pending(session_factory, settings) == 0
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.award_id == award.id))
    assert row is not None and row.status == "sent" and row.sent_at is not None
    assert not list(tmp_path.iterdir())


def test_mail_without_smtp_is_written_to_outbox(
    session: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    _award_with_mail(session)
    settings = MailSettings(sender="m <m@example.org>", outbox_dir=tmp_path / "outbox")
    assert deliver_pending(session_factory, settings) == 1
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1 and "To: ann@example.org" in files[0].read_text()


def test_unreachable_smtp_is_retried_then_failed(
    session: Session, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    award, _ = _award_with_mail(session)
    settings = MailSettings(
        sender="m <m@example.org>", outbox_dir=tmp_path, host="127.0.0.1", port=1, timeout=2
    )
    for _ in range(MAX_ATTEMPTS):
        assert deliver_pending(session_factory, settings) == 0
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.award_id == award.id))
    assert row is not None
    session.refresh(row)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.last_error


def test_claim_links_the_award_once(session: Session) -> None:
    award, token = _award_with_mail(session)
    user = accounts.create_user(session, email="ann@example.org", password="correct horse battery")
    result = claims.claim(session, token, user=user, base_url=BASE, master_key=MASTER)
    assert result.award.id == award.id and award.user_id == user.id and award.claimed_at
    with pytest.raises(ClaimInvalid) as used:
        claims.claim(session, token, user=user, base_url=BASE, master_key=MASTER)
    assert used.value.code == "claim_used"
    with pytest.raises(ClaimInvalid) as unknown:
        claims.claim(session, "nope", user=user, base_url=BASE, master_key=MASTER)
    assert unknown.value.code == "claim_unknown"
    org_award, _ = award, None
    expired = claims.create_claim_token(session, org_award, ttl=timedelta(seconds=-1))
    with pytest.raises(ClaimInvalid) as late:
        claims.claim(session, expired, user=user, base_url=BASE, master_key=MASTER)
    assert late.value.code == "claim_expired"
