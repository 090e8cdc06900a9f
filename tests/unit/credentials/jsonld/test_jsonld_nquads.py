"""N-Quads parsing and canonical serialization (RDFC-1.0 4.9, RDF 1.2 canonical N-Triples)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.errors import CanonicalizationError
from microcred.credentials.jsonld.nquads import (
    RDF_LANGSTRING,
    BlankNode,
    Iri,
    Literal,
    Quad,
    escape_literal,
    parse_nquads,
    serialize_nquads,
    serialize_quad,
)


@pytest.mark.parametrize(
    ("char", "escaped"),
    [
        ("\b", "\\b"),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\f", "\\f"),
        ("\r", "\\r"),
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\x00", "\\u0000"),
        ("\x0b", "\\u000B"),
        ("\x1f", "\\u001F"),
        ("\x7f", "\\u007F"),
        ("'", "'"),
        ("\x80", "\x80"),
        ("é", "é"),
        ("\u2028", "\u2028"),
        ("🌃", "🌃"),
    ],
)
def test_canonical_literal_escapes(char: str, escaped: str) -> None:
    assert escape_literal(char) == escaped


def test_serialize_terms() -> None:
    s = Iri("http://example.com/s")
    quad = Quad(s, Iri("http://example.com/p"), Literal("a\nb", language="en-US"), BlankNode("g"))
    assert (
        serialize_quad(quad)
        == '<http://example.com/s> <http://example.com/p> "a\\nb"@en-US _:g .\n'
    )
    assert quad.object.datatype == RDF_LANGSTRING  # type: ignore[union-attr]
    typed = Quad(
        BlankNode("b0"), Iri("http://p"), Literal("1", "http://www.w3.org/2001/XMLSchema#integer")
    )
    assert (
        serialize_quad(typed)
        == '_:b0 <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    plain = Quad(BlankNode("b0"), Iri("http://p"), Literal("x"))
    assert serialize_quad(plain) == '_:b0 <http://p> "x" .\n'


def test_parse_unescapes_iris_and_literals() -> None:
    text = (
        '<urn:ex:\\u0065x> <urn:p> "\\u0022\\U0001F303\\t\\\'" <urn:g> . # comment\n'
        "\n   # only a comment\r\n"
        '_:a <urn:p> "x"^^<urn:dt> .\r'
        '_:a.b <urn:p> "y"@en-gb .\n'
    )
    quads = parse_nquads(text)
    assert quads == [
        Quad(Iri("urn:ex:ex"), Iri("urn:p"), Literal("\"🌃\t'"), Iri("urn:g")),
        Quad(BlankNode("a"), Iri("urn:p"), Literal("x", "urn:dt")),
        Quad(BlankNode("a.b"), Iri("urn:p"), Literal("y", language="en-gb")),
    ]


def test_raw_form_feed_inside_a_literal_is_not_a_line_break() -> None:
    quads = parse_nquads('<urn:s> <urn:p> "a\x0cb\x1cc\u2028d" .\n')
    assert quads[0].object == Literal("a\x0cb\x1cc\u2028d")


@pytest.mark.parametrize(
    "line",
    [
        "<urn:s> <urn:p> <urn:o>",  # no dot
        "<urn:s> <urn:p> .",
        '"lit" <urn:p> <urn:o> .',
        "<urn:s> <urn:p> <urn:o> <urn:g> <urn:x> .",
        "<urn s> <urn:p> <urn:o> .",
        '<urn:s> <urn:p> "unterminated .',
        '<urn:s> <urn:p> "bad \\q escape" .',
        "<relative> <urn:p> <urn:o> .",
        '<urn:s> <urn:p> "\\uD800" .',
    ],
)
def test_invalid_lines_are_refused(line: str) -> None:
    with pytest.raises(CanonicalizationError):
        parse_nquads(line + "\n")


def test_duplicates_kept_in_order() -> None:
    line = "<urn:s> <urn:p> <urn:o> .\n"
    assert len(parse_nquads(line * 3)) == 3


_iris = st.text(
    alphabet=st.characters(blacklist_characters='<>"{}|^`\\ ', blacklist_categories=("Cs", "Cc")),
    max_size=20,
).map(lambda tail: Iri("urn:x:" + tail))
_bnodes = st.from_regex(r"[A-Za-z0-9_]{1,10}", fullmatch=True).map(BlankNode)
_literals = st.builds(
    Literal,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    st.one_of(st.just("http://www.w3.org/2001/XMLSchema#string"), _iris.map(lambda i: i.value)),
) | st.builds(
    lambda value, lang: Literal(value, language=lang),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    st.from_regex(r"[a-z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True),
)
_quads = st.builds(
    Quad,
    _iris | _bnodes,
    _iris,
    _iris | _bnodes | _literals,
    st.none() | _iris | _bnodes,
)


@given(st.lists(_quads, max_size=8))
def test_serialize_then_parse_round_trips(quads: list[Quad]) -> None:
    text = serialize_nquads(quads)
    assert parse_nquads(text) == quads
    # Canonical output: one line per quad, no raw control characters but in literals' escapes.
    assert text.count("\n") == len(quads)
    assert "\r" not in text
    assert serialize_nquads(parse_nquads(text)) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_any_unicode_literal_round_trips(value: str) -> None:
    quad = Quad(Iri("urn:s"), Iri("urn:p"), Literal(value))
    line = serialize_quad(quad)
    assert all(ord(c) >= 0x20 and c != "\x7f" for c in line[:-1])
    assert parse_nquads(line) == [quad]
