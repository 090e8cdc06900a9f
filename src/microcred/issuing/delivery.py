"""Mail to learners: queued in ``outbox_messages`` (durable), delivered by a job.

Delivery goes through SMTP (``smtplib``, optional STARTTLS and login) when a host is set;
without one (development) each mail is written as an ``.eml`` file to the outbox
directory (``<data_dir>/outbox/``), where any mail program can open it. A failed send is
retried by the next run, up to :data:`MAX_ATTEMPTS` times, then marked ``failed``.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from microcred.issuing.models import OutboxMessage
from microcred.storage import transaction, utcnow

__all__ = [
    "MAX_ATTEMPTS",
    "MailSettings",
    "build_email",
    "deliver_pending",
    "queue_mail",
    "send_email",
]

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes: SMTP when ``host`` is set, else ``.eml`` files in ``outbox_dir``."""

    sender: str
    outbox_dir: Path
    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0


def queue_mail(
    session: Session, *, to: str, subject: str, body: str, award_id: int | None = None
) -> OutboxMessage:
    """Store a mail to send after commit (the caller enqueues the delivery job)."""
    message = OutboxMessage(
        award_id=award_id,
        to_address=to,
        subject=subject[:300],
        body_text=body,
        status="pending",
        attempts=0,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def build_email(row: OutboxMessage, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="microcred.invalid")
    message.set_content(row.body_text)
    return message


def send_email(message: EmailMessage, settings: MailSettings) -> None:
    """Send one mail (SMTP) or write it to the outbox directory. Raises ``OSError`` or
    ``smtplib.SMTPException`` on failure."""
    if not settings.host:
        settings.outbox_dir.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        fd, _name = tempfile.mkstemp(prefix=f"{stamp}-", suffix=".eml", dir=settings.outbox_dir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
        return
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def deliver_pending(
    factory: sessionmaker[Session], settings: MailSettings, *, limit: int = 500
) -> int:
    """Send pending mails (oldest first); returns how many were sent. Each mail is marked
    in its own transaction, so a crash never resends a mail already marked sent (a crash
    between sending and marking can resend one: at-least-once)."""
    with transaction(factory) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )
    sent = 0
    for message_id in ids:
        with transaction(factory) as session:
            row = session.get(OutboxMessage, message_id)
            if row is None or row.status != "pending":
                continue
            row.attempts += 1
            try:
                send_email(build_email(row, sender=settings.sender), settings)
            except (OSError, smtplib.SMTPException) as exc:
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                continue
            row.status = "sent"
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
    return sent
