"""Test data for assessment: a provider with a published definition (two learning
outcomes), an assessor, an applicant with work experience, sample evidence files."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session
from tests.support.catalogue import BASE, MASTER, SYSTEM, make_member, make_org, publish_definition

from microcred.accounts import service as accounts
from microcred.accounts.models import Organisation, User
from microcred.accounts.types import Principal
from microcred.assessment.evidence import EvidenceStore
from microcred.catalogue.models import DefinitionVersion

__all__ = [
    "BASE",
    "MASTER",
    "PDF_BYTES",
    "PNG_BYTES",
    "SYSTEM",
    "Provider",
    "docx_bytes",
    "make_provider",
    "odt_bytes",
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@dataclass
class Provider:
    org: Organisation
    version: DefinitionVersion
    assessor: Principal
    owner: Principal
    issuer: Principal
    applicant: User
    other_learner: User
    store: EvidenceStore


def make_provider(session: Session, tmp_path: Path, slug: str = "acme") -> Provider:
    org = make_org(session, slug)
    version = publish_definition(session, org, "py-101")
    assessor = make_member(session, org, f"assessor@{slug}.example", "assessor")
    owner = make_member(session, org, f"owner@{slug}.example", "owner")
    issuer = make_member(session, org, f"issuer@{slug}.example", "issuer")
    applicant = accounts.get_user_by_email(session, "chloe@learners.example")
    if applicant is None:
        applicant = accounts.create_user(
            session, email="chloe@learners.example", password=None, display_name="Chloé Martin"
        )
    other = accounts.get_user_by_email(session, "ben@learners.example")
    if other is None:
        other = accounts.create_user(
            session, email="ben@learners.example", password=None, display_name="Ben Okafor"
        )
    return Provider(
        org=org,
        version=version,
        assessor=assessor,
        owner=owner,
        issuer=issuer,
        applicant=applicant,
        other_learner=other,
        store=EvidenceStore(tmp_path / "evidence"),
    )
