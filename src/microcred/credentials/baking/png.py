"""Baked PNG badges (OB 3.0 §"Baked Badge", PNG "Baking" and "Extracting").

Baking inserts one uncompressed ``iTXt`` chunk (PNG spec §11.3.4.5) with keyword
``openbadgecredential`` whose text is the credential JSON or its compact JWS, just before
``IEND``. The spec forbids a second such chunk and lets the implementer either refuse or
overwrite: :func:`bake_png` refuses unless ``replace=True``.

Extracting reads the first ``iTXt`` chunk with that keyword. The input is untrusted: the
signature, every chunk's length and CRC, the image size and the text size are checked, and
compressed ``iTXt`` text is inflated with a cap. Open Badges 2.0 images (keyword
``openbadges`` in ``iTXt`` or ``tEXt``) are recognised by :func:`extract_png` so that callers
can say what they found.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Literal

from microcred.credentials.documents import MAX_DOCUMENT_BYTES
from microcred.credentials.errors import MalformedDocument

__all__ = [
    "MAX_IMAGE_BYTES",
    "OB2_KEYWORD",
    "OB3_KEYWORD",
    "PNG_SIGNATURE",
    "BakedCredential",
    "bake_png",
    "extract_png",
    "unbake_png",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = "openbadgecredential"
OB2_KEYWORD = "openbadges"
#: Largest image accepted for baking or extracting.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
_MAX_CHUNKS = 100_000


@dataclass(frozen=True)
class BakedCredential:
    """What a baked image holds: ``version`` 3 (an OB 3.0 credential, JSON or compact JWS)
    or 2 (an Open Badges 2.0 assertion), and where it was found."""

    version: Literal[2, 3]
    text: str
    container: Literal["png", "svg"]


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    data: bytes
    start: int
    end: int


def _chunks(image: bytes) -> list[_Chunk]:
    """Split a PNG datastream into chunks, checking lengths and CRCs (PNG spec §5.3)."""
    if not isinstance(image, bytes | bytearray):
        raise MalformedDocument("A PNG image must be given as bytes.")
    if len(image) > MAX_IMAGE_BYTES:
        raise MalformedDocument(
            f"The image is larger than {MAX_IMAGE_BYTES} bytes; refusing to read it."
        )
    if not image.startswith(PNG_SIGNATURE):
        raise MalformedDocument("This is not a PNG image (the PNG signature is missing).")
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 8 > len(image):
            raise MalformedDocument("The PNG image is truncated (no IEND chunk).")
        length, kind = struct.unpack(">I4s", image[offset : offset + 8])
        if length > 0x7FFFFFFF or offset + 12 + length > len(image):
            raise MalformedDocument(
                f"The PNG chunk at byte {offset} runs past the end of the image."
            )
        if not kind.isalpha():
            raise MalformedDocument(f"The PNG chunk at byte {offset} has an invalid type {kind!r}.")
        data = bytes(image[offset + 8 : offset + 8 + length])
        (crc,) = struct.unpack(">I", image[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(kind + data) != crc:
            raise MalformedDocument(
                f"The PNG chunk {kind.decode('latin-1')} at byte {offset} has a bad CRC; "
                "the image is corrupt."
            )
        chunks.append(_Chunk(kind, data, offset, offset + 12 + length))
        offset += 12 + length
        if kind == b"IEND":
            return chunks
        if len(chunks) > _MAX_CHUNKS:
            raise MalformedDocument("The PNG image has too many chunks.")


def _inflate(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(data, MAX_DOCUMENT_BYTES + 1)
    except zlib.error as exc:
        raise MalformedDocument(f"The compressed text chunk is corrupt: {exc}.") from None
    if len(out) > MAX_DOCUMENT_BYTES:
        raise MalformedDocument(
            f"The baked credential is larger than {MAX_DOCUMENT_BYTES} bytes; refusing it."
        )
    return out


def _text_chunk(chunk: _Chunk) -> tuple[str, str] | None:
    """(keyword, text) of an iTXt / tEXt / zTXt chunk (PNG spec §11.3.4)."""
    keyword_bytes, sep, rest = chunk.data.partition(b"\x00")
    if not sep:
        raise MalformedDocument(f"A PNG {chunk.kind.decode()} chunk has no keyword terminator.")
    keyword = keyword_bytes.decode("latin-1")
    if keyword not in (OB3_KEYWORD, OB2_KEYWORD):
        return None
    if chunk.kind == b"tEXt":
        return keyword, rest.decode("latin-1")
    if chunk.kind == b"zTXt":
        if not rest or rest[0] != 0:
            raise MalformedDocument("A PNG zTXt chunk uses an unknown compression method.")
        return keyword, _inflate(rest[1:]).decode("latin-1")
    if len(rest) < 2:
        raise MalformedDocument("A PNG iTXt chunk is truncated.")
    compressed, method = rest[0], rest[1]
    _language, sep1, rest = rest[2:].partition(b"\x00")
    _translated, sep2, text = rest.partition(b"\x00")
    if not (sep1 and sep2):
        raise MalformedDocument("A PNG iTXt chunk is truncated.")
    if compressed not in (0, 1) or (compressed and method != 0):
        raise MalformedDocument("A PNG iTXt chunk uses an unknown compression method.")
    if compressed:
        text = _inflate(text)
    if len(text) > MAX_DOCUMENT_BYTES:
        raise MalformedDocument(
            f"The baked credential is larger than {MAX_DOCUMENT_BYTES} bytes; refusing it."
        )
    try:
        return keyword, text.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedDocument("The baked credential text is not valid UTF-8.") from None


def extract_png(image: bytes) -> BakedCredential | None:
    """The credential baked into ``image`` (OB 3.0 first, else an OB 2.0 assertion), or None.

    Raises :class:`MalformedDocument` when ``image`` is not a well-formed PNG.
    """
    legacy: str | None = None
    for chunk in _chunks(image):
        if chunk.kind not in (b"iTXt", b"tEXt", b"zTXt"):
            continue
        found = _text_chunk(chunk)
        if found is None:
            continue
        keyword, text = found
        if keyword == OB3_KEYWORD and chunk.kind == b"iTXt":
            return BakedCredential(3, text, "png")
        if keyword == OB2_KEYWORD and legacy is None:
            legacy = text
    return BakedCredential(2, legacy, "png") if legacy is not None else None


def unbake_png(image: bytes) -> str | None:
    """The OB 3.0 credential (JSON text or compact JWS) baked into ``image``, or None."""
    found = extract_png(image)
    return found.text if found is not None and found.version == 3 else None


def _make_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bake_png(image: bytes, payload: str, *, replace: bool = False) -> bytes:
    """``image`` with ``payload`` (credential JSON or compact JWS) baked in (OB 3.0 PNG Baking).

    Raises :class:`MalformedDocument` for a malformed PNG, an empty or oversized payload,
    or an image that already holds a credential (unless ``replace``).
    """
    if not isinstance(payload, str) or not payload.strip():
        raise MalformedDocument("The payload to bake must be the credential JSON or a JWS.")
    text = payload.encode("utf-8")
    if len(text) > MAX_DOCUMENT_BYTES:
        raise MalformedDocument(
            f"The credential is larger than {MAX_DOCUMENT_BYTES} bytes; it cannot be baked."
        )
    chunks = _chunks(image)
    kept: list[bytes] = [PNG_SIGNATURE]
    for chunk in chunks:
        is_ours = chunk.kind == b"iTXt" and chunk.data.startswith(OB3_KEYWORD.encode() + b"\x00")
        if is_ours and not replace:
            raise MalformedDocument(
                "The image already holds a baked credential; bake into the original image, "
                "or pass replace=True to overwrite it."
            )
        if is_ours:
            continue
        if chunk.kind == b"IEND":
            # keyword, NUL, compression flag 0, method 0, empty language, NUL, empty
            # translated keyword, NUL, text (OB 3.0: "Compression MUST NOT be used").
            data = OB3_KEYWORD.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text
            kept.append(_make_chunk(b"iTXt", data))
        kept.append(bytes(image[chunk.start : chunk.end]))
    return b"".join(kept)
