"""RDF terms, quads, and the N-Quads syntax in its canonical form.

Parsing follows RDF 1.1/1.2 N-Quads (W3C), including ``UCHAR`` escapes in IRIs and
``ECHAR``/``UCHAR`` escapes in literals. Serialization follows the canonical form that
RDFC-1.0 section 4.9 ("Serialization") requires, from RDF 1.2 N-Triples section
"Canonical N-Triples":

* IRIs are written as is, without any escaping;
* in literals, ``\\b \\t \\n \\f \\r \\" \\\\`` use their ``ECHAR`` form, every other
  character in U+0000-U+001F and U+007F is written as ``\\uXXXX`` (upper-case hex), and
  everything else is written as is (no ``\\u`` for non-ASCII);
* ``xsd:string`` literals carry no datatype; language-tagged literals carry only ``@tag``;
* one space between terms, `` .`` and a line feed at the end.

The W3C rdf-canon test ``test060`` checks this byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from microcred.credentials.errors import CanonicalizationError

__all__ = [
    "RDF_LANGSTRING",
    "XSD_STRING",
    "BlankNode",
    "GraphName",
    "Iri",
    "Literal",
    "Object",
    "Quad",
    "Subject",
    "escape_literal",
    "parse_nquads",
    "serialize_nquads",
    "serialize_quad",
    "serialize_term",
]

XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Iri:
    """An absolute IRI (``value`` without angle brackets)."""

    value: str

    def __str__(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True, slots=True)
class BlankNode:
    """A blank node; ``label`` is the identifier without ``_:``."""

    label: str

    def __str__(self) -> str:
        return f"_:{self.label}"


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: lexical form, datatype IRI and (for ``rdf:langString``) language tag."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None

    def __post_init__(self) -> None:
        if self.language is not None and self.datatype != RDF_LANGSTRING:
            object.__setattr__(self, "datatype", RDF_LANGSTRING)

    def __str__(self) -> str:
        return serialize_term(self)


Subject = Iri | BlankNode
Object = Iri | BlankNode | Literal
GraphName = Iri | BlankNode | None


@dataclass(frozen=True, slots=True)
class Quad:
    """An RDF quad; ``graph`` is ``None`` for the default graph."""

    subject: Subject
    predicate: Iri | BlankNode
    object: Object
    graph: GraphName = None

    def __str__(self) -> str:
        return serialize_quad(self)


# --- serialization ------------------------------------------------------------------

_ESCAPES: dict[int, str] = {code: f"\\u{code:04X}" for code in range(0x20)}
_ESCAPES.update(
    {
        0x08: "\\b",
        0x09: "\\t",
        0x0A: "\\n",
        0x0C: "\\f",
        0x0D: "\\r",
        0x22: '\\"',
        0x5C: "\\\\",
        0x7F: "\\u007F",
    }
)


def escape_literal(text: str) -> str:
    """Escape a literal's lexical form as canonical N-Quads requires (see module doc)."""
    return text.translate(_ESCAPES)


def serialize_term(term: Iri | BlankNode | Literal) -> str:
    """One term in canonical N-Quads syntax."""
    if isinstance(term, Literal):
        quoted = f'"{term.value.translate(_ESCAPES)}"'
        if term.language is not None:
            return f"{quoted}@{term.language}"
        if term.datatype == XSD_STRING:
            return quoted
        return f"{quoted}^^<{term.datatype}>"
    if isinstance(term, Iri):
        return f"<{term.value}>"
    return f"_:{term.label}"


def serialize_quad(quad: Quad) -> str:
    """One quad as a canonical N-Quads line, ending with a line feed."""
    graph = "" if quad.graph is None else " " + serialize_term(quad.graph)
    return (
        f"{serialize_term(quad.subject)} {serialize_term(quad.predicate)} "
        f"{serialize_term(quad.object)}{graph} .\n"
    )


def serialize_nquads(quads: list[Quad]) -> str:
    """Quads as N-Quads text, in the given order, one line each."""
    return "".join(serialize_quad(quad) for quad in quads)


# --- parsing --------------------------------------------------------------------------

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI = rf"<((?:[^\x00-\x20<>\"{{}}|^`\\]|{_UCHAR})*)>"
_PN = r"A-Za-z0-9_\u00B7-\U000EFFFF"  # PN_CHARS, loosely: ASCII word chars and non-ASCII
_BNODE = rf"_:([{_PN}](?:[{_PN}.\-]*[{_PN}\-])?)"
_STRING = rf'"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*)"'
_LANG = r"@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
_WS = r"[ \t]*"
_LINE = re.compile(
    rf"{_WS}(?:{_IRI}|{_BNODE}){_WS}"  # subject: 1 iri, 2 bnode
    rf"(?:{_IRI}|{_BNODE}){_WS}"  # predicate: 3 iri, 4 bnode (generalized RDF)
    rf"(?:{_IRI}|{_BNODE}|{_STRING}(?:{_LANG}|\^\^{_IRI})?){_WS}"  # 5 iri 6 bnode 7 lit 8 lang 9 dt
    rf"(?:(?:{_IRI}|{_BNODE}){_WS})?"  # graph: 10 iri, 11 bnode
    rf"\.{_WS}(?:#[^\n\r]*)?"
)
_BLANK_OR_COMMENT = re.compile(rf"{_WS}(?:#[^\n\r]*)?")
_EOL = re.compile(r"\r\n|\n|\r")
_ESCAPE = re.compile(rf"\\[tbnrf\"'\\]|{_UCHAR}")
_ECHARS = {
    "\\t": "\t",
    "\\b": "\b",
    "\\n": "\n",
    "\\r": "\r",
    "\\f": "\f",
    '\\"': '"',
    "\\'": "'",
    "\\\\": "\\",
}


def _unescape_match(match: re.Match[str]) -> str:
    text = match.group(0)
    simple = _ECHARS.get(text)
    if simple is not None:
        return simple
    code = int(text[2:], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise CanonicalizationError(
            f"N-Quads escape {text} is not a Unicode scalar value; fix the input."
        )
    return chr(code)


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_unescape_match, text)


def _iri(raw: str, line_number: int) -> Iri:
    value = _unescape(raw)
    if ":" not in value:
        raise CanonicalizationError(
            f"N-Quads line {line_number}: <{raw}> is not an absolute IRI; use an absolute IRI."
        )
    return Iri(value)


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads text into quads (in document order, duplicates kept).

    Raises :class:`CanonicalizationError` naming the first line that is not valid N-Quads.
    """
    quads: list[Quad] = []
    # Only CR and LF end a line (N-Quads EOL); str.splitlines would also split on U+000C,
    # U+001C, U+2028 and others, which may occur unescaped inside a literal.
    for number, line in enumerate(_EOL.split(text), start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            if _BLANK_OR_COMMENT.fullmatch(line):
                continue
            raise CanonicalizationError(
                f"N-Quads line {number} is not a valid quad: {line[:200]!r}; fix the input."
            )
        groups = match.groups()
        subject: Subject = (
            _iri(groups[0], number) if groups[0] is not None else BlankNode(groups[1])
        )
        predicate: Iri | BlankNode = (
            _iri(groups[2], number) if groups[2] is not None else BlankNode(groups[3])
        )
        obj: Object
        if groups[4] is not None:
            obj = _iri(groups[4], number)
        elif groups[5] is not None:
            obj = BlankNode(groups[5])
        else:
            lexical = _unescape(groups[6])
            if groups[7] is not None:
                obj = Literal(lexical, RDF_LANGSTRING, groups[7])
            elif groups[8] is not None:
                obj = Literal(lexical, _iri(groups[8], number).value)
            else:
                obj = Literal(lexical)
        graph: GraphName = None
        if groups[9] is not None:
            graph = _iri(groups[9], number)
        elif groups[10] is not None:
            graph = BlankNode(groups[10])
        quads.append(Quad(subject, predicate, obj, graph))
    return quads
