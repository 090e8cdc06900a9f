"""Reading untrusted credential input: bytes -> a JSON object or a compact JWT.

Everything a user hands us (a file, an upload, a request body) passes through here before
any other processing, so the limits live here: size, nesting depth, JSON shape. Baked
images are recognised by their magic bytes and unbaked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from microcred.credentials.errors import MalformedDocument

__all__ = [
    "MAX_DEPTH",
    "MAX_INPUT_BYTES",
    "ParsedInput",
    "check_depth",
    "parse_input",
    "parse_json_object",
]

#: Largest credential, presentation or image accepted (a real badge is a few KB).
MAX_INPUT_BYTES = 2 * 1024 * 1024
#: Deepest JSON nesting accepted; OB 3.0 documents nest fewer than 15 levels.
MAX_DEPTH = 64

_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ParsedInput:
    """What an input turned out to be."""

    kind: Literal["json", "jwt"]
    document: dict[str, Any] | None
    jwt: str | None
    container: Literal["plain", "png", "svg"] = "plain"


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise :class:`MalformedDocument` if ``value`` nests deeper than ``limit``."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise MalformedDocument(
                f"The document nests deeper than {limit} levels; no credential does. "
                "Check that this is the right file."
            )
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def parse_json_object(data: bytes | str, *, what: str = "document") -> dict[str, Any]:
    """Parse ``data`` as one JSON object within the size and depth limits."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_INPUT_BYTES:
        raise MalformedDocument(
            f"The {what} is {len(raw):,} bytes; the limit is {MAX_INPUT_BYTES:,}. "
            "A credential is a few kilobytes: check that this is the right file."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MalformedDocument(f"The {what} is not UTF-8 text.") from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise MalformedDocument(
            f"The {what} nests too deeply to be a credential (limit {MAX_DEPTH} levels)."
        ) from None
    except ValueError as exc:
        raise MalformedDocument(f"The {what} is not valid JSON: {exc}.") from None
    if not isinstance(value, dict):
        raise MalformedDocument(
            f"The {what} is JSON but not an object ({type(value).__name__}); a credential is "
            "a JSON object with @context, type, issuer and credentialSubject."
        )
    check_depth(value)
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_input(data: bytes) -> ParsedInput:
    """Classify and parse raw input: JSON object, compact JWT, or a baked PNG/SVG."""
    # Imported here so the lightweight parser does not pull image code into every import.
    from microcred.credentials import baking  # noqa: PLC0415

    if len(data) > MAX_INPUT_BYTES:
        raise MalformedDocument(
            f"The input is {len(data):,} bytes; the limit is {MAX_INPUT_BYTES:,}."
        )
    if data.startswith(_PNG_MAGIC):
        payload = baking.unbake_png(data)
        if payload is None:
            raise MalformedDocument(
                "This PNG image carries no Open Badges credential (no "
                "'openbadgecredential' iTXt chunk)."
            )
        return _classify(payload, container="png")
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536].lower():
        payload = baking.unbake_svg(data)
        if payload is None:
            raise MalformedDocument(
                "This SVG image carries no Open Badges credential (no openbadges:credential "
                "element)."
            )
        return _classify(payload, container="svg")
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise MalformedDocument(
            "The input is neither a JSON credential, a JWT, nor a baked PNG/SVG badge."
        ) from None
    return _classify(text, container="plain")


def _classify(text: str, *, container: Literal["plain", "png", "svg"]) -> ParsedInput:
    stripped = text.strip()
    if _JWT.match(stripped):
        return ParsedInput(kind="jwt", document=None, jwt=stripped, container=container)
    if not stripped.startswith(("{", "[")):
        raise MalformedDocument(
            "The input is neither a JSON object nor a compact JWT; a credential is a JSON "
            "object (or a JWT of one)."
        )
    return ParsedInput(
        kind="json", document=parse_json_object(stripped), jwt=None, container=container
    )
