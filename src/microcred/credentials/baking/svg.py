"""Baked SVG badges (OB 3.0 §"Baked Badge", SVG "Baking" and "Extracting").

Baking binds ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on the ``<svg>``
element and adds, directly after the ``<svg>`` start tag, one ``<openbadges:credential>``
element: with a ``verify`` attribute holding the compact JWS for VC-JWT credentials, or with
the credential JSON in a CDATA section for embedded proofs. The rest of the file is kept
byte for byte. The spec allows only one such element and lets the implementer refuse or
overwrite: :func:`bake_svg` refuses unless ``replace=True``.

Extracting parses with :mod:`defusedxml` (no entity expansion, no external resources) and
reads the first ``credential`` element in the OB 3.0 namespace. OB 2.0 SVGs
(``<openbadges:assertion>`` in ``http://openbadges.org``) are recognised by
:func:`extract_svg`.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from microcred.credentials.baking.png import BakedCredential
from microcred.credentials.documents import MAX_DOCUMENT_BYTES
from microcred.credentials.errors import MalformedDocument

__all__ = [
    "MAX_SVG_BYTES",
    "OB2_NAMESPACE",
    "OB3_NAMESPACE",
    "bake_svg",
    "extract_svg",
    "unbake_svg",
]

OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: Largest SVG accepted for baking or extracting.
MAX_SVG_BYTES = 16 * 1024 * 1024

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
# The root start tag: "<svg" or "<prefix:svg", attributes with quoted values, then > or />.
_SVG_START = re.compile(r"""<(?:[A-Za-z_][\w.-]*:)?svg\b(?:[^<>"']|"[^"]*"|'[^']*')*?(/?)>""")
_SKIPPABLE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^<>\[]|\[.*?\])*>)", re.S)
_PREFIX_BINDING = re.compile(r"""\sxmlns:openbadges\s*=\s*(["'])(.*?)\1""", re.S)


def _text(svg: str | bytes) -> str:
    if isinstance(svg, bytes):
        if len(svg) > MAX_SVG_BYTES:
            raise MalformedDocument(f"The SVG is larger than {MAX_SVG_BYTES} bytes.")
        try:
            return svg.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MalformedDocument("The SVG is not UTF-8 text.") from None
    if not isinstance(svg, str):
        raise MalformedDocument("An SVG image must be given as text or bytes.")
    if len(svg) > MAX_SVG_BYTES:
        raise MalformedDocument(f"The SVG is larger than {MAX_SVG_BYTES} characters.")
    return svg


def _parse(text: str) -> Element:
    try:
        root = fromstring(text)
    except DefusedXmlException as exc:
        raise MalformedDocument(
            f"The SVG uses forbidden XML features ({type(exc).__name__}); entity "
            "declarations and external references are not accepted."
        ) from None
    except (ParseError, ValueError) as exc:
        raise MalformedDocument(f"The SVG is not well-formed XML: {exc}.") from None
    if root.tag not in (f"{{{SVG_NAMESPACE}}}svg", "svg"):
        raise MalformedDocument(f"The document's root element is {root.tag!r}, not an SVG <svg>.")
    return root


def extract_svg(svg: str | bytes) -> BakedCredential | None:
    """The credential baked into ``svg`` (OB 3.0, else an OB 2.0 assertion), or None."""
    root = _parse(_text(svg))
    legacy: str | None = None
    for element in root.iter():
        if element.tag == f"{{{OB3_NAMESPACE}}}credential":
            verify = element.get("verify")
            value = verify if verify is not None else "".join(element.itertext())
            value = value.strip()
            if len(value.encode("utf-8")) > MAX_DOCUMENT_BYTES:
                raise MalformedDocument(
                    f"The baked credential is larger than {MAX_DOCUMENT_BYTES} bytes."
                )
            if not value:
                raise MalformedDocument("The SVG's <openbadges:credential> element is empty.")
            return BakedCredential(3, value, "svg")
        if element.tag == f"{{{OB2_NAMESPACE}}}assertion" and legacy is None:
            verify = element.get("verify")
            legacy = (verify if verify is not None else "".join(element.itertext())).strip()
    return BakedCredential(2, legacy, "svg") if legacy is not None else None


def unbake_svg(svg: str | bytes) -> str | None:
    """The OB 3.0 credential (JSON text or compact JWS) baked into ``svg``, or None."""
    found = extract_svg(svg)
    return found.text if found is not None and found.version == 3 else None


def _credential_element(payload: str) -> str:
    stripped = payload.strip()
    if _COMPACT_JWS.fullmatch(stripped):
        return f'<openbadges:credential verify="{stripped}"></openbadges:credential>'
    # "]]>" cannot appear inside CDATA: split it across two sections.
    body = stripped.replace("]]>", "]]]]><![CDATA[>")
    return f"<openbadges:credential><![CDATA[{body}]]></openbadges:credential>"


def _root_start(text: str) -> re.Match[str]:
    position = 0
    while True:
        skipped = _SKIPPABLE.match(text, position)
        if skipped is None or skipped.end() == position:
            break
        position = skipped.end()
    while position < len(text) and text[position].isspace():
        position += 1
    match = _SVG_START.match(text, position)
    if match is None:
        raise MalformedDocument("Could not find the <svg> start tag to bake into.")
    return match


def bake_svg(svg: str | bytes, payload: str, *, replace: bool = False) -> str:
    """``svg`` with ``payload`` (credential JSON or compact JWS) baked in (OB 3.0 SVG Baking).

    Raises :class:`MalformedDocument` for malformed SVG, an empty or oversized payload, a
    conflicting ``openbadges`` prefix, or an SVG that already holds a credential (unless
    ``replace``).
    """
    if not isinstance(payload, str) or not payload.strip():
        raise MalformedDocument("The payload to bake must be the credential JSON or a JWS.")
    if len(payload.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise MalformedDocument(
            f"The credential is larger than {MAX_DOCUMENT_BYTES} bytes; it cannot be baked."
        )
    text = _text(svg)
    root = _parse(text)
    if any(element.tag == f"{{{OB3_NAMESPACE}}}credential" for element in root.iter()):
        if not replace:
            raise MalformedDocument(
                "The SVG already holds a baked credential; bake into the original image, "
                "or pass replace=True to overwrite it."
            )
        text = _remove_credential(text)
    start = _root_start(text)
    tag = start.group(0)
    binding = _PREFIX_BINDING.search(tag)
    if binding is not None and binding.group(2) != OB3_NAMESPACE:
        raise MalformedDocument(
            f"The SVG binds the prefix 'openbadges' to {binding.group(2)!r}; remove that "
            "binding before baking an OB 3.0 credential."
        )
    self_closing = start.group(1) == "/"
    head = tag[:-2].rstrip() if self_closing else tag[:-1]
    if binding is None:
        head += f' xmlns:openbadges="{OB3_NAMESPACE}"'
    element = _credential_element(payload)
    closing = f"</{tag[1:].split(None, 1)[0].rstrip('/>')}>" if self_closing else ""
    baked = text[: start.start()] + head + ">" + element + closing + text[start.end() :]
    if unbake_svg(baked) != payload.strip():
        raise MalformedDocument(
            "Baking into this SVG failed; the credential could not be read back."
        )
    return baked


_EXISTING = re.compile(
    r"<openbadges:credential\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*?(?:/>|>.*?</openbadges:credential\s*>)",
    re.S,
)


def _remove_credential(text: str) -> str:
    """Drop an existing ``<openbadges:credential>`` element (prefix as microcred writes it)."""
    updated, count = _EXISTING.subn("", text, count=1)
    if count != 1 or any(e.tag == f"{{{OB3_NAMESPACE}}}credential" for e in _parse(updated).iter()):
        raise MalformedDocument(
            "The SVG's existing credential element could not be replaced; bake into the "
            "original image instead."
        )
    return updated
