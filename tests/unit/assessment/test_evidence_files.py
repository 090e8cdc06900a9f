"""Evidence file checks: accepted only when the content is the claimed type (hypothesis
over arbitrary bytes: never crashes, never accepts a mismatch); safe display names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.support.assessment import PDF_BYTES, PNG_BYTES, docx_bytes, odt_bytes

from microcred.assessment.errors import EvidenceFileRejected
from microcred.assessment.evidence import (
    ACCEPTED_TYPES,
    EvidenceStore,
    check_file,
    digest_sri,
    display_name,
    sniff,
)
from microcred.assessment.types import UploadedFile

NAMES = ["x.pdf", "x.png", "x.jpg", "x.txt", "x.docx", "x.odt", "x.html", "x.svg", "x", "x.exe"]
MAGIC = [b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04", b"<svg", b"<html>"]


@given(
    prefix=st.sampled_from(MAGIC),
    body=st.binary(max_size=2048),
    name=st.sampled_from(NAMES),
    declared=st.sampled_from(
        ["", "application/octet-stream", "application/pdf", "text/html", "image/png"]
    ),
)
def test_arbitrary_bytes_never_crash_and_only_match_is_accepted(
    prefix: bytes, body: bytes, name: str, declared: str
) -> None:
    content = prefix + body
    try:
        accepted = check_file(UploadedFile(name, declared, content), max_bytes=4096)
    except EvidenceFileRejected:
        return
    assert accepted in ACCEPTED_TYPES
    assert sniff(content) == accepted
    assert any(name.endswith(ext) for ext in ACCEPTED_TYPES[accepted])
    assert declared in ("", "application/octet-stream", accepted)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", PDF_BYTES, "application/pdf"),
        ("a.PNG", PNG_BYTES, "image/png"),
        ("a.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "image/jpeg"),
        ("notes.txt", "Grüße\nfrom the warehouse\n".encode(), "text/plain"),
        (
            "cv.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("cv.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_types(name: str, content: bytes, expected: str) -> None:
    assert check_file(UploadedFile(name, "", content)) == expected


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("a.pdf", PNG_BYTES, ""),  # content is not what the name says
        ("a.png", PDF_BYTES, "image/png"),
        ("a.txt", b"<!DOCTYPE html><script>alert(1)</script>", "text/plain"),  # markup
        ("a.txt", b"<svg xmlns='http://www.w3.org/2000/svg'/>", ""),
        ("a.txt", b"binary\x00junk", ""),
        ("a.svg", b"<svg/>", "image/svg+xml"),  # type not accepted at all
        ("a.html", b"hello", "text/html"),
        ("a.pdf", PDF_BYTES, "text/html"),  # declared type disagrees
        ("a.docx", odt_bytes(), ""),  # an ODT named .docx
        ("a.odt", b"PK\x03\x04 broken zip", ""),
        ("a.pdf", b"", ""),
    ],
)
def test_refused(name: str, content: bytes, declared: str) -> None:
    with pytest.raises(EvidenceFileRejected):
        check_file(UploadedFile(name, declared, content))


def test_size_limit() -> None:
    with pytest.raises(EvidenceFileRejected, match="at most"):
        check_file(UploadedFile("a.txt", "", b"a" * 2048), max_bytes=1024)


@given(st.text(max_size=300))
def test_display_name_is_never_a_path(name: str) -> None:
    shown = display_name(name)
    assert shown and "/" not in shown and "\\" not in shown and len(shown) <= 120
    assert all(ch.isprintable() or ch == " " for ch in shown)


def test_store_uses_random_keys_only(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = EvidenceStore(tmp_path / "evidence")
    key = store.save(b"data")
    assert len(key) == 32 and store.read(key) == b"data"
    assert (tmp_path / "evidence" / key).stat().st_mode & 0o077 == 0
    for bad in ("../x", "a" * 32 + "/..", "/etc/passwd", ""):
        with pytest.raises(ValueError):
            store.read(bad)
    assert digest_sri("00" * 32) == "sha256-" + "A" * 43 + "="


@pytest.mark.parametrize(
    "path",
    ["/api/applications/0b6c/evidence", "/wallet/applications/0b6c/evidence"],
)
def test_evidence_uploads_get_the_upload_body_limit(path: str) -> None:
    from microcred.web.app import UPLOAD_PATHS

    assert UPLOAD_PATHS.fullmatch(path)
    assert not UPLOAD_PATHS.fullmatch("/wallet/applications/0b6c/submit")
