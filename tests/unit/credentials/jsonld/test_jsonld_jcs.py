"""RFC 8785 JSON Canonicalization Scheme."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.credentials.errors import CanonicalizationError
from microcred.credentials.jsonld import jcs
from microcred.credentials.jsonld.jcs import serialize_number
from microcred.errors import InvalidInput

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical serialization.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_rfc8785_appendix_b_numbers(bits: str, expected: str) -> None:
    value = struct.unpack(">d", bytes.fromhex(bits))[0]
    assert serialize_number(value) == expected
    assert jcs(value) == expected.encode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (123.0, "123"),
        (10**15, "1000000000000000"),
        (2**53, "9007199254740992"),
        (10**21, "1e+21"),
        (-1, "-1"),
        (1.5e300, "1.5e+300"),
        (2**53 + 1, "9007199254740992"),  # rounded to the nearest double, as JSON.parse does
        (56798917442036179, "56798917442036180"),
        (10**300, "1e+300"),
    ],
)
def test_edge_numbers(value: float, expected: str) -> None:
    assert jcs(value) == expected.encode()


def test_rfc8785_section_3_2_example() -> None:
    value = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert jcs(value) == expected.encode("utf-8")


def test_rfc8785_section_3_2_3_sorting_by_utf16_code_units() -> None:
    value = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",'
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",'
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    keys = list(json.loads(jcs(value)))
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, -math.inf, 10**400, {1: "x"}, {"a": {1, 2}}, b"x", object(), "\ud800"],
)
def test_non_json_is_refused(value: Any) -> None:
    with pytest.raises(CanonicalizationError) as caught:
        jcs(value)
    assert isinstance(caught.value, InvalidInput)


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=5),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


def _normalize(value: Any) -> Any:
    """Compare numbers as doubles (-0 == 0 in JSON, ints as floats)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)  # JSON numbers are doubles
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return {k: _normalize(v) for k, v in value.items()}


@given(_json)
def test_output_parses_back_to_the_same_value_and_is_idempotent(value: Any) -> None:
    canonical = jcs(value)
    parsed = json.loads(canonical.decode("utf-8"))
    assert _normalize(parsed) == _normalize(value)
    assert jcs(parsed) == canonical
    assert jcs(json.loads(json.dumps(value, sort_keys=False, indent=2))) == canonical


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip_exactly(value: float) -> None:
    assert float(serialize_number(value)) == value
