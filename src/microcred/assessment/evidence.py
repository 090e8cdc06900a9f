"""Evidence files: checked by content, stored outside the web root, and described in the
credential.

* :func:`check_file` accepts PDF, PNG, JPEG, plain UTF-8 text, DOCX and ODT, recognised by
  their content (magic bytes; for DOCX/ODT the ZIP's ``[Content_Types].xml`` /
  ``mimetype`` entry), and refuses anything else, and any file whose content does not
  match the type its name or declared media type claims. It never raises anything but
  :class:`~microcred.assessment.errors.EvidenceFileRejected`.
* :class:`EvidenceStore` keeps the bytes in ``<root>/<random key>`` (the data directory,
  never the static or template directories); the client's file name is kept only as a
  display label, never used as a path.
* :func:`evidence_entries` turns an application's evidence into OB 3.0 ``Evidence``
  objects (1EdTech OB 3.0 §B.1.6). Privacy: texts are embedded as the ``narrative``;
  links (the applicant's own URLs) are the ``id``; a file is *not* exposed: its entry
  carries a description (name, type, size) and its SHA-256 digest (VC 2.0 ``digestSRI``),
  so whoever is later shown the file can check it is the one assessed. Only a file the
  applicant marked shareable gets an ``id``: an unguessable URL on this server that serves
  it (as an attachment) once the application is approved.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any, Final

from microcred.assessment.errors import EvidenceFileRejected
from microcred.assessment.types import SOURCE_LABELS, UploadedFile

__all__ = [
    "ACCEPTED_TYPES",
    "DEFAULT_MAX_BYTES",
    "EvidenceStore",
    "check_file",
    "display_name",
    "evidence_url",
    "sniff",
]

DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024

PDF: Final = "application/pdf"
PNG: Final = "image/png"
JPEG: Final = "image/jpeg"
TEXT: Final = "text/plain"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT: Final = "application/vnd.oasis.opendocument.text"

#: Accepted media types and the file name extensions that claim them.
ACCEPTED_TYPES: Final[dict[str, tuple[str, ...]]] = {
    PDF: (".pdf",),
    PNG: (".png",),
    JPEG: (".jpg", ".jpeg"),
    TEXT: (".txt", ".text", ".md"),
    DOCX: (".docx",),
    ODT: (".odt",),
}
_EXTENSIONS: Final = {ext: kind for kind, exts in ACCEPTED_TYPES.items() for ext in exts}
_TYPE_NAMES: Final = {
    PDF: "PDF",
    PNG: "PNG image",
    JPEG: "JPEG image",
    TEXT: "text file",
    DOCX: "Word document (DOCX)",
    ODT: "OpenDocument text (ODT)",
}
_DOCX_MAIN: Final = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    KeyError,
    IndexError,
    OverflowError,
    zlib.error,
)
_MARKUP: Final = re.compile(rb"^\s*<(?:!doctype|html|svg|\?xml|script|!--)", re.IGNORECASE)
_KEY: Final = re.compile(r"[0-9a-f]{32}")
_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _zip_type(content: bytes) -> str | None:
    """DOCX or ODT when the ZIP says so; None for any other or broken ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > 10_000:
                return None
            names = {info.filename: info for info in infos}
            first = infos[0] if infos else None
            if first is not None and first.filename == "mimetype" and first.file_size <= 100:
                return ODT if archive.read(first).strip() == ODT.encode("ascii") else None
            types = names.get("[Content_Types].xml")
            if (
                types is not None
                and "word/document.xml" in names
                and types.file_size <= 65_536
                and _DOCX_MAIN in archive.read(types)
            ):
                return DOCX
    except _ZIP_ERRORS:
        return None
    return None


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if not text.strip() or _MARKUP.match(content.removeprefix(b"\xef\xbb\xbf")):
        return False
    return _CONTROL.search(text) is None


def sniff(content: bytes) -> str | None:
    """The accepted media type ``content`` is, judged by its bytes alone; None otherwise."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_type(content)
    if _is_text(content):
        return TEXT
    return None


def _rejected(message: str) -> EvidenceFileRejected:
    return EvidenceFileRejected(message)


def check_file(upload: UploadedFile, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The media type of an accepted upload, else :class:`EvidenceFileRejected`.

    The type is claimed by the file name's extension (required) and, unless empty or
    ``application/octet-stream``, by the declared content type; the content must be that
    type.
    """
    size = len(upload.content)
    if size == 0:
        raise _rejected("The file is empty; choose the file again.")
    if size > max_bytes:
        raise _rejected(
            f"The file is {size // 1024} KB; files may be at most {max_bytes // (1024 * 1024)} MB "
            "(MICROCRED_EVIDENCE_MAX_BYTES). Compress it or split it in parts."
        )
    accepted = "PDF, PNG, JPEG, plain text, DOCX or ODT"
    extension = PurePosixPath(upload.filename.lower().replace("\\", "/")).suffix
    claimed = _EXTENSIONS.get(extension)
    if claimed is None:
        raise _rejected(
            f"Only {accepted} files are accepted; the file name must end in one of "
            f"{', '.join(sorted(_EXTENSIONS))}."
        )
    declared = upload.content_type.split(";", 1)[0].strip().lower()
    # Browsers and clients label .md as text/markdown and JPEG as image/jpg.
    aliases = {(TEXT, "text/markdown"), (JPEG, "image/jpg")}
    if (
        declared not in ("", "application/octet-stream", claimed)
        and (claimed, declared) not in aliases
    ):
        raise _rejected(
            f"The file is named as a {_TYPE_NAMES[claimed]} but sent as {declared[:60]}; "
            "upload the original file."
        )
    actual = sniff(upload.content)
    if actual != claimed:
        raise _rejected(
            f"The file's content is not a {_TYPE_NAMES[claimed]} as its name says; upload "
            f"the original file ({accepted})."
        )
    return claimed


def display_name(filename: str) -> str:
    """A safe label for the client's file name: its last path segment, no control
    characters, at most 120 characters (never used as a path)."""
    base = re.split(r"[\\/]", filename)[-1]
    cleaned = "".join(
        ch for ch in base if ch == " " or unicodedata.category(ch)[0] not in "CZ"
    ).strip()
    return (cleaned or "evidence")[:120]


def type_name(media_type: str | None) -> str:
    return _TYPE_NAMES.get(media_type or "", "file")


class EvidenceStore:
    """Evidence files under ``root`` (``MICROCRED_DATA_DIR/evidence``), named by random keys."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def unused(cls) -> EvidenceStore:
        """A store for callers that add no files (the demo data: texts and links)."""
        return cls(Path("/nonexistent/microcred-evidence"))

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError("not an evidence file key")
        return self.root / key

    def save(self, content: bytes) -> str:
        """Store ``content``; returns its new random key."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = secrets.token_hex(16)
        target = self._path(key)
        partial = self.root / f".{key}.part"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        partial.replace(target)
        return key

    def read(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _KEY.fullmatch(p.name))


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def digest_sri(sha256: str) -> str:
    """Subresource Integrity form (``sha256-<base64>``) of a hex SHA-256 digest."""
    return "sha256-" + base64.b64encode(bytes.fromhex(sha256)).decode("ascii")


def evidence_url(base_url: str, public_id: str) -> str:
    return f"{base_url.rstrip('/')}/evidence/{public_id}"


def _size(size: int | None) -> str:
    if size is None:
        return ""
    return f"{size} bytes" if size < 1024 else f"{round(size / 1024)} KB"


def evidence_entries(
    items: Iterable[Any], *, outcomes: list[str], base_url: str, organisation_name: str
) -> list[dict[str, Any]]:
    """OB 3.0 Evidence objects for ``items`` (:class:`~microcred.assessment.models.Evidence`
    rows); see the module docstring for what is and is not published."""
    entries: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {"type": ["Evidence"]}
        if item.kind == "link" and item.url:
            entry["id"] = item.url
        if item.kind == "file" and item.shareable:
            entry["id"] = evidence_url(base_url, item.public_id)
        entry["name"] = item.title
        if item.narrative:
            entry["narrative"] = item.narrative
        about = (
            f"Evidence for learning outcome {item.criterion + 1}: {outcomes[item.criterion]}"
            if item.criterion is not None and 0 <= item.criterion < len(outcomes)
            else "Evidence for the application as a whole"
        )
        if item.kind == "file":
            kept = (
                "published at the evidence URL"
                if item.shareable
                else f"kept by {organisation_name}, not published"
            )
            about += (
                f". File {item.file_name!r} ({type_name(item.media_type)}, {_size(item.size)}), "
                f"{kept}; SHA-256 {item.sha256}"
            )
            if item.sha256:
                entry["digestSRI"] = digest_sri(item.sha256)
        entry["description"] = about + "."
        entry["genre"] = SOURCE_LABELS.get(item.source, "Other experience")
        entries.append(entry)
    return entries
