"""The public page of a hosted credential: ``/credentials/{id}`` in a browser.

:mod:`microcred.web.api.hosted` serves the signed JSON byte for byte; when the client
prefers HTML (a browser's ``Accept: text/html``) it calls :func:`credential_page` instead.
The page says who earned what, from whom and when, with skills, evidence and the status
verified live, Open Graph tags for link previews, and a verify button. The holder's name
appears only when the learner made their profile public; otherwise "a learner" (the
credential itself carries only hashed identifiers).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from microcred.config import Settings
from microcred.credentials.verify import verify_bytes
from microcred.issuing.models import Award
from microcred.wallet import exports, service
from microcred.wallet.facts import facts_of, live_status
from microcred.web.api.issuing import local_fetcher
from microcred.web.pages.rendering import render
from microcred.web.pages.verify import plain_report
from microcred.web.pages.viewer import load_viewer
from microcred.web.pages.wallet import STATUS_LABELS

__all__ = ["credential_page", "prefers_html"]


def prefers_html(accept: str | None) -> bool:
    """Whether the client asked for a page (``text/html``) rather than the credential."""
    if not accept:
        return False
    text = accept.lower()
    if "text/html" not in text:
        return False
    for kind in ("application/vc", "application/ld+json", "application/json"):
        if kind in text and text.index(kind) < text.index("text/html"):
            return False
    return True


def credential_page(
    request: Request, db: Session, award: Award, settings: Settings, master_key: bytes
) -> HTMLResponse:
    load_viewer(request, db)
    doc: dict[str, Any] = json.loads(award.credential_json)
    report = verify_bytes(award.credential_bytes, fetcher=local_fetcher(db, settings, master_key))
    facts = facts_of(doc)
    status = live_status(report)
    name, handle = service.public_name(db, award.user_id)
    description = (
        f"{facts.title}, issued by {facts.issuer_name or facts.issuer_id}"
        + (f" on {facts.issued:%Y-%m-%d}" if facts.issued else "")
        + f". Status: {STATUS_LABELS.get(status, status)}."
    )
    return render(
        request,
        "credential/public.html",
        {
            "facts": facts,
            "status": status,
            "status_labels": STATUS_LABELS,
            "holder": name,
            "handle": handle,
            "view": plain_report(db, report),
            "og_description": description,
            "credential_url": award.credential_id,
            "verify_url": exports.verify_link(settings.public_base_url, award.credential_id),
            "skills": [a for a in facts.alignments if a.kind != "ext:EQF"],
            "levels": [a for a in facts.alignments if a.kind == "ext:EQF"],
        },
        headers={"Vary": "Accept"},
    )
