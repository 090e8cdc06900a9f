"""Baked PNG and SVG badges (OB 3.0 §"Baked Badge")."""

from __future__ import annotations

import contextlib
import json
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.baking import (
    OB3_NAMESPACE,
    bake_png,
    bake_svg,
    extract_png,
    extract_svg,
    unbake_png,
    unbake_svg,
)
from microcred.credentials.errors import MalformedDocument

CREDENTIAL = json.dumps(
    {"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Zoë ]]> test", "id": "urn:x"}
)
JWS = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(*extra_chunks: bytes, width: int = 2, height: int = 2) -> bytes:
    """A minimal valid RGB PNG written by hand (signature, IHDR, IDAT, IEND)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + b"".join(extra_chunks)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def _chunk_types(png: bytes) -> list[bytes]:
    out, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        out.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return out


# -- PNG ------------------------------------------------------------------------------------


def test_png_bake_and_unbake_json_and_jws() -> None:
    image = make_png()
    baked = bake_png(image, CREDENTIAL)
    assert unbake_png(baked) == CREDENTIAL
    assert _chunk_types(baked) == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    assert baked.startswith(image[: len(image) - 12])
    itxt = baked[baked.index(b"iTXt") + 4 :]
    assert itxt.startswith(b"openbadgecredential\x00\x00\x00\x00\x00")
    assert unbake_png(bake_png(image, JWS)) == JWS
    assert unbake_png(image) is None


def test_png_refuses_second_credential_unless_replace() -> None:
    baked = bake_png(make_png(), CREDENTIAL)
    with pytest.raises(MalformedDocument, match="already holds"):
        bake_png(baked, JWS)
    replaced = bake_png(baked, JWS, replace=True)
    assert unbake_png(replaced) == JWS
    assert _chunk_types(replaced).count(b"iTXt") == 1


def test_png_reads_compressed_itxt_and_ob2() -> None:
    text = CREDENTIAL.encode()
    compressed = _chunk(b"iTXt", b"openbadgecredential\x00\x01\x00en\x00\x00" + zlib.compress(text))
    assert unbake_png(make_png(compressed)) == CREDENTIAL
    ob2 = make_png(_chunk(b"tEXt", b"openbadges\x00https://example.org/assertion/1"))
    assert unbake_png(ob2) is None
    found = extract_png(ob2)
    assert found is not None
    assert (found.version, found.text, found.container) == (
        2,
        "https://example.org/assertion/1",
        "png",
    )


def test_png_ignores_other_text_chunks() -> None:
    other = _chunk(b"tEXt", b"Comment\x00hello")
    assert unbake_png(make_png(other)) is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda png: png[1:], "signature"),
        (lambda png: png[:-4], "runs past the end|truncated"),
        (lambda png: png[:-12], "truncated"),
        (lambda png: png[:20] + bytes([png[20] ^ 1]) + png[21:], "bad CRC"),
    ],
)
def test_png_malformed(mutate: object, message: str) -> None:
    bad = mutate(make_png())  # type: ignore[operator]
    with pytest.raises(MalformedDocument, match=message):
        unbake_png(bad)


def test_png_compression_bomb_is_capped() -> None:
    bomb = _chunk(
        b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b" " * 2_000_000)
    )
    with pytest.raises(MalformedDocument, match="larger than"):
        unbake_png(make_png(bomb))


def test_png_bad_utf8_and_bad_payload() -> None:
    bad = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00\xff\xfe")
    with pytest.raises(MalformedDocument, match="UTF-8"):
        unbake_png(make_png(bad))
    with pytest.raises(MalformedDocument, match="payload"):
        bake_png(make_png(), "  ")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_png_unbake_arbitrary_bytes(data: bytes) -> None:
    for candidate in (data, b"\x89PNG\r\n\x1a\n" + data):
        with contextlib.suppress(MalformedDocument):
            assert unbake_png(candidate) is None or isinstance(unbake_png(candidate), str)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(lambda s: s.strip()))
def test_png_round_trip_any_text(payload: str) -> None:
    assert unbake_png(bake_png(make_png(), payload)) == payload


# -- SVG ------------------------------------------------------------------------------------

SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- badge -->\n"
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" data-x="a>b">'
    '<circle cx="5" cy="5" r="4"/></svg>\n'
)


def test_svg_bake_json_in_cdata() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    assert unbake_svg(baked) == CREDENTIAL
    assert f'xmlns:openbadges="{OB3_NAMESPACE}"' in baked
    assert 'data-x="a>b" xmlns:openbadges=' in baked
    assert "><openbadges:credential><![CDATA[" in baked
    assert baked.endswith('<circle cx="5" cy="5" r="4"/></svg>\n')
    assert baked.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- badge -->\n<svg ')


def test_svg_bake_jws_in_verify_attribute() -> None:
    baked = bake_svg(SVG.encode(), JWS)
    assert f'<openbadges:credential verify="{JWS}"></openbadges:credential>' in baked
    assert unbake_svg(baked) == JWS


def test_svg_self_closing_root_and_existing_binding() -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_NAMESPACE}"/>'
    baked = bake_svg(svg, JWS)
    assert baked.count("xmlns:openbadges") == 1
    assert baked.endswith("</openbadges:credential></svg>")
    assert unbake_svg(baked) == JWS


def test_svg_refuses_second_credential_unless_replace() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    with pytest.raises(MalformedDocument, match="already holds"):
        bake_svg(baked, JWS)
    replaced = bake_svg(baked, JWS, replace=True)
    assert unbake_svg(replaced) == JWS
    assert replaced.count("openbadges:credential") == 2  # one start and one end tag


def test_svg_conflicting_prefix() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>'
    with pytest.raises(MalformedDocument, match="binds the prefix"):
        bake_svg(svg, JWS)


def test_svg_spec_example_and_ob2() -> None:
    example = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg"\n'
        f'  xmlns:openbadges="{OB3_NAMESPACE}"\n'
        '  viewBox="0 0 512 512">\n'
        '  <openbadges:credential>\n    <![CDATA[\n      {"id": "urn:x"}\n    ]]>\n'
        "  </openbadges:credential>\n</svg>"
    )
    assert unbake_svg(example) == '{"id": "urn:x"}'
    ob2 = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        '<openbadges:assertion verify="https://example.org/a/1"></openbadges:assertion></svg>'
    )
    assert unbake_svg(ob2) is None
    found = extract_svg(ob2)
    assert found is not None
    assert (found.version, found.text) == (2, "https://example.org/a/1")


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ("<svg", "not well-formed"),
        ("<html/>", "not an SVG"),
        (
            '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "forbidden XML features",
        ),
        (
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "forbidden XML features",
        ),
        (b"\xff\xfe<svg/>", "UTF-8"),
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="{OB3_NAMESPACE}"><o:credential/></svg>',
            "empty",
        ),
    ],
)
def test_svg_malformed(svg: str | bytes, message: str) -> None:
    with pytest.raises(MalformedDocument, match=message):
        unbake_svg(svg)


def test_svg_without_credential() -> None:
    assert unbake_svg(SVG) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_svg_unbake_arbitrary_text(text: str) -> None:
    for candidate in (text, f'<svg xmlns="http://www.w3.org/2000/svg">{text}</svg>'):
        try:
            result = unbake_svg(candidate)
        except MalformedDocument:
            continue
        assert result is None or isinstance(result, str)


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=200,
    ).filter(lambda s: s.strip())
)
def test_svg_round_trip_any_text(payload: str) -> None:
    assert unbake_svg(bake_svg(SVG, payload)) == payload.strip()
