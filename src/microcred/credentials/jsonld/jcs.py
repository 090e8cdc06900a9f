"""JSON Canonicalization Scheme, RFC 8785.

* 3.2.1 whitespace: none;
* 3.2.2.1/2 literals and strings: ``true``/``false``/``null``; strings escaped as ECMAScript
  ``JSON.stringify`` does (``\\b \\t \\n \\f \\r \\" \\\\``, other controls as ``\\u00xx``
  lower-case hex, everything else as is);
* 3.2.2.3 numbers: IEEE 754 doubles serialized by ECMAScript's Number::toString
  (ECMA-262 section 6.1.6.1.20); Python's ``repr`` gives the same shortest round-trip
  digits, which are then laid out per the ECMAScript rules;
* 3.2.3 object members sorted by their names as arrays of UTF-16 code units;
* 3.2.4 output encoded as UTF-8.

Integers are read as the nearest double, as ECMAScript does. NaN, Infinity, integers beyond
the double range, lone surrogates and non-JSON values are refused with
:class:`CanonicalizationError`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from microcred.credentials.errors import CanonicalizationError

__all__ = ["jcs", "jcs_text", "serialize_number"]

_STRING_ESCAPES: dict[int, str] = {code: f"\\u{code:04x}" for code in range(0x20)}
_STRING_ESCAPES.update(
    {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
)


def serialize_number(value: float) -> str:
    """ECMAScript Number::toString(10) of a finite double (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(value):
        raise CanonicalizationError(
            f"JSON has no {value!r}; RFC 8785 refuses NaN and Infinity. Use a finite number."
        )
    if value == 0:
        return "0"  # also -0
    if value < 0:
        return "-" + serialize_number(-value)
    # Shortest round-trip decimal digits (ECMA-262 step 5: value = digits * 10**(n - k)).
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    scale = (int(exponent) if exponent else 0) - len(fraction)
    stripped = digits.rstrip("0")
    scale += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = k + scale
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    if k == 1:
        return f"{digits}e{sign}{abs(e)}"
    return f"{digits[0]}.{digits[1:]}e{sign}{abs(e)}"


def _number(value: int | float) -> str:
    if isinstance(value, int):
        # JSON numbers are IEEE 754 doubles (RFC 8785 3.2.2.3): an integer is rounded to
        # the nearest double, exactly as ECMAScript's JSON.parse would read it.
        try:
            as_float = float(value)
        except OverflowError:
            raise CanonicalizationError(
                f"The integer {value} is beyond the range of an IEEE 754 double, which "
                "RFC 8785 requires; send it as a string."
            ) from None
        return serialize_number(as_float)
    return serialize_number(value)


def _string(value: str) -> str:
    return f'"{value.translate(_STRING_ESCAPES)}"'


def _sort_key(name: str) -> bytes:
    # UTF-16BE bytes compare exactly like sequences of UTF-16 code units.
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str], depth: int) -> None:
    if depth > 1000:
        raise CanonicalizationError("The JSON value is nested too deeply; flatten it.")
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalizationError(
                    f"JSON object member names must be strings, not {type(key).__name__}."
                )
        out.append("{")
        for index, key in enumerate(sorted(value, key=_sort_key)):
            if index:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, depth + 1)
        out.append("]")
    else:
        raise CanonicalizationError(
            f"{type(value).__name__} is not a JSON value; RFC 8785 canonicalizes only JSON "
            "(objects, arrays, strings, numbers, true, false, null)."
        )


def jcs_text(value: Any) -> str:
    """The RFC 8785 canonical JSON text of ``value`` (a ``str``)."""
    out: list[str] = []
    _write(value, out, 0)
    return "".join(out)


def jcs(value: Any) -> bytes:
    """The RFC 8785 canonical form of ``value`` as UTF-8 bytes."""
    text = jcs_text(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError(
            "The JSON value contains a lone UTF-16 surrogate, which cannot be encoded as "
            "UTF-8 (RFC 8785 section 3.2.2.2); fix the string."
        ) from None
