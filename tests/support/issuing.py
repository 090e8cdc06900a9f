"""Test data and helpers for issuing: an organisation with a published definition, and a
fetcher that answers the app's own status lists from the database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session
from tests.support.catalogue import BASE, MASTER, SYSTEM, make_org, publish_definition

from microcred.accounts.models import Organisation
from microcred.catalogue.models import DefinitionVersion
from microcred.credentials.report import VerificationReport
from microcred.credentials.verify import verify
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award

__all__ = ["BASE", "MASTER", "SYSTEM", "make_issuer", "verify_award"]


def make_issuer(
    session: Session, slug: str = "acme", definition: str = "py-101"
) -> tuple[Organisation, DefinitionVersion]:
    org = make_org(session, slug)
    version = publish_definition(session, org, definition)
    return org, version


def verify_award(session: Session, award: Award, **kwargs: Any) -> VerificationReport:
    fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER)
    return verify(json.loads(award.credential_json), fetcher=fetcher, **kwargs)
