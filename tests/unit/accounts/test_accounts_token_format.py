from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred.accounts.errors import NotAuthenticated
from microcred.accounts.tokens import format_token, parse_scopes, parse_token
from microcred.errors import InvalidInput

HEX = "0123456789abcdef"
URLSAFE = string.ascii_letters + string.digits + "-_"
prefixes = st.text(HEX, min_size=12, max_size=12)
TOKEN_SHAPE = re.compile(r"mc_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")
secrets_ = st.text(URLSAFE, min_size=43, max_size=43)


@given(prefixes, secrets_)
def test_round_trip(prefix: str, secret: str) -> None:
    parsed = parse_token(format_token(prefix, secret))
    assert (parsed.prefix, parsed.secret) == (prefix, secret)


@given(st.text(max_size=120))
def test_garbage_is_refused_as_invalid_token(text: str) -> None:
    if TOKEN_SHAPE.fullmatch(text.strip()):  # only well-formed tokens parse
        parsed = parse_token(text)
        assert format_token(parsed.prefix, parsed.secret) == text.strip()
        return
    with pytest.raises(NotAuthenticated) as info:
        parse_token(text)
    assert info.value.code == "invalid_token"


@given(prefixes, secrets_, st.sampled_from(["prefix", "secret", "marker"]))
def test_damaged_tokens_are_refused(prefix: str, secret: str, part: str) -> None:
    if part == "prefix":
        token = format_token(prefix[:-1] + "G", secret)
    elif part == "secret":
        token = format_token(prefix, secret + "x")
    else:
        token = "mx_" + format_token(prefix, secret)[3:]
    with pytest.raises(NotAuthenticated):
        parse_token(token)


def test_real_tokens_parse() -> None:
    import secrets as rnd

    token = format_token(rnd.token_hex(6), rnd.token_urlsafe(32))
    assert parse_token(token).secret == token.split("_", 2)[2]


def test_scopes() -> None:
    assert parse_scopes("issue, revoke,verify") == {"issue", "revoke", "verify"}
    assert parse_scopes(["read"]) == {"read"}
    with pytest.raises(InvalidInput, match="admin"):
        parse_scopes("issue,admin")
    with pytest.raises(InvalidInput):
        parse_scopes(" , ")
