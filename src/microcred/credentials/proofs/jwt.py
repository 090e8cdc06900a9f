"""VC-JWT: the JSON Web Token proof format of Open Badges 3.0.

Open Badges 3.0, section 8.2 "JSON Web Token Proof Format" (``integrity.md``):

* the JOSE header has ``alg`` (RS256 at least; microcred also signs EdDSA for Ed25519 and
  ES256 for P-256 keys), ``kid`` (a URL that dereferences to the public key) **or**
  ``jwk`` (the public key, never with the private ``d``), and ``typ`` = ``"JWT"`` if
  present; no other header member is allowed (8.2.1 "JOSE Header");
* the payload is the credential itself plus the registered claims ``iss`` (issuer.id),
  ``sub`` (credentialSubject.id), ``nbf`` (validFrom), ``jti`` (id), ``exp`` (validUntil)
  and optionally ``iat`` (8.2.2 "JWT Payload");
* the compact serialization is signed as in RFC 7515 section 5.1 (8.2.3 "Create the
  Proof") and verified as in RFC 7515 section 5.2 with the checks of 8.2.4 "Verify a
  Credential".

Older VC 1.1 JWTs carry the credential in a ``vc`` claim instead (VC Data Model 1.1,
section 6.3.1 "JSON Web Token"); :func:`verify_jwt` accepts them.

:func:`decode_jwt` parses strictly (base64url without padding or stray bits, JSON objects
without duplicate members, a size cap) and raises only :class:`MalformedDocument`;
:func:`verify_jwt` never raises for a bad token and returns a :class:`JwtCheck`.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from microcred.credentials.datamodel import issuer_id
from microcred.credentials.dids import VerificationMethod
from microcred.credentials.documents import MAX_DOCUMENT_BYTES
from microcred.credentials.errors import (
    DidResolutionError,
    FetchError,
    KeyFormatError,
    MalformedDocument,
    ProofError,
)
from microcred.credentials.keys import KeyPair, PublicKey

from .datetimes import parse_datetime

__all__ = [
    "ALGORITHMS",
    "ALLOWED_HEADER_MEMBERS",
    "MAX_JWT_LENGTH",
    "JwtCheck",
    "JwtParts",
    "decode_jwt",
    "issue_jwt",
    "verify_jwt",
]

#: JWS ``alg`` value -> the key algorithm it needs (RFC 7518 section 3.1, RFC 8037).
ALGORITHMS: Mapping[str, str] = {"EdDSA": "Ed25519", "RS256": "RSA", "ES256": "P-256"}
_ALG_FOR_KEY = {key: alg for alg, key in ALGORITHMS.items()}

#: The only JOSE header members OB 3.0 section 8.2.1 allows.
ALLOWED_HEADER_MEMBERS = frozenset({"alg", "kid", "jwk", "typ"})

#: Longest token accepted (characters); a credential is far smaller.
MAX_JWT_LENGTH = MAX_DOCUMENT_BYTES

#: The registered claims OB 3.0 adds to the credential (8.2.2).
_REGISTERED_CLAIMS = ("iss", "sub", "nbf", "jti", "exp", "iat")

_B64URL = re.compile(r"[A-Za-z0-9_-]*")

JwtResolver = Callable[[str], VerificationMethod]


@dataclass(frozen=True)
class JwtParts:
    """A decoded (not yet verified) compact JWS: header, payload, signature."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes
    signing_input: bytes


@dataclass(frozen=True)
class JwtCheck:
    """The outcome of :func:`verify_jwt`.

    ``code`` is ``"verified"`` on success, otherwise one of ``malformed_jwt``,
    ``forbidden_header_member``, ``invalid_typ``, ``alg_none``, ``unsupported_alg``,
    ``private_key_in_header``, ``invalid_jwk``, ``no_key``, ``verification_method_unresolved``,
    ``jwk_kid_mismatch``, ``alg_key_mismatch``, ``invalid_signature``, ``no_credential``,
    ``claim_mismatch``, ``jwt_not_yet_valid`` or ``jwt_expired``. ``credential`` is the
    credential the token carries (also when a later check fails, for reporting), and
    ``public_key`` the key the signature was checked with; ``key_source`` says whether it
    came from ``kid`` (with ``method`` the resolved verification method) or from an
    embedded ``jwk``, which proves nothing about who issued it.
    """

    verified: bool
    code: str
    message: str
    credential: dict[str, Any] | None = None
    header: dict[str, Any] | None = None
    public_key: PublicKey | None = None
    key_source: str | None = None
    method: VerificationMethod | None = None


class _Failed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- encoding ---------------------------------------------------------------------------


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    """Strict base64url (RFC 7515 section 2): no padding, no other characters, no slack."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise MalformedDocument(f"The JWT {what} is not base64url without padding.")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedDocument(f"The JWT {what} is not valid base64url.") from None
    if _b64encode(data) != text:
        raise MalformedDocument(f"The JWT {what} is not canonical base64url (stray bits).")
    return data


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise MalformedDocument(f"The JWT repeats the member {key!r}.")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise MalformedDocument(f"The JWT contains {name}, which is not JSON.")


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant
        )
    except UnicodeDecodeError:
        raise MalformedDocument(f"The JWT {what} is not UTF-8.") from None
    except RecursionError:
        raise MalformedDocument(f"The JWT {what} is nested too deeply.") from None
    except ValueError as exc:  # json.JSONDecodeError
        raise MalformedDocument(f"The JWT {what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise MalformedDocument(f"The JWT {what} must be a JSON object.")
    return value


def decode_jwt(token: str) -> JwtParts:
    """Split and decode a compact JWS (RFC 7515 section 7.1) without verifying it.

    Raises :class:`MalformedDocument` for anything that is not three strict base64url
    parts with a JSON-object header and payload, or that exceeds :data:`MAX_JWT_LENGTH`.
    """
    if not isinstance(token, str):
        raise MalformedDocument("A JWT must be text.")
    token = token.strip()
    if len(token) > MAX_JWT_LENGTH:
        raise MalformedDocument(
            f"The JWT is {len(token)} characters long; the limit is {MAX_JWT_LENGTH}."
        )
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedDocument(
            "A JWT has three base64url parts separated by dots (header.payload.signature)."
        )
    header = _json_object(_b64decode(parts[0], "header"), "header")
    payload = _json_object(_b64decode(parts[1], "payload"), "payload")
    signature = _b64decode(parts[2], "signature")
    return JwtParts(
        header=header,
        payload=payload,
        signature=signature,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
    )


# -- issuing ----------------------------------------------------------------------------


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and subject:
        subject = subject[0]
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        return str(subject["id"])
    return None


def _numeric_date(value: Any) -> int | None:
    moment = parse_datetime(value)
    return None if moment is None else math.floor(moment.timestamp())


def issue_jwt(
    credential: Mapping[str, Any],
    key: KeyPair,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
    issued_at: datetime | None = None,
) -> str:
    """Sign ``credential`` as a VC-JWT (OB 3.0 section 8.2.3); return the compact JWS.

    The header is ``{"alg", "kid" | "jwk", "typ": "JWT"}``: give ``kid`` (a URL that
    resolves to the key) or ``embed_jwk=True``. ``alg`` follows the key: EdDSA (Ed25519),
    RS256 (RSA), ES256 (P-256). The payload is the credential plus ``iss``, ``sub``,
    ``nbf``, ``jti`` and ``exp`` taken from it, and ``iat`` when ``issued_at`` is given.
    Raises :class:`ProofError` for an unsuitable key or a credential without issuer id.
    """
    if not isinstance(credential, Mapping):
        raise MalformedDocument("Only a JSON object can be issued as a VC-JWT.")
    alg = _ALG_FOR_KEY.get(key.algorithm)
    if alg is None:
        raise ProofError(
            f"VC-JWT signing supports Ed25519 (EdDSA), RSA (RS256) and P-256 (ES256) keys, "
            f"not {key.algorithm}."
        )
    if (kid is None) == (not embed_jwk):
        raise ProofError(
            "Give exactly one of kid= (the key's URL) or embed_jwk=True for the JWT header."
        )
    issuer = issuer_id(credential)
    if issuer is None:
        raise ProofError("The credential needs an issuer id to become the JWT's iss claim.")

    header: dict[str, Any] = {"alg": alg}
    if kid is not None:
        header["kid"] = kid
    else:
        header["jwk"] = key.public.to_jwk()
    header["typ"] = "JWT"

    payload: dict[str, Any] = copy.deepcopy(dict(credential))
    payload["iss"] = issuer
    claims = {
        "sub": _subject_id(credential),
        "nbf": _numeric_date(credential.get("validFrom")),
        "jti": credential.get("id") if isinstance(credential.get("id"), str) else None,
        "exp": _numeric_date(credential.get("validUntil")),
        "iat": None if issued_at is None else math.floor(issued_at.timestamp()),
    }
    payload.update({name: value for name, value in claims.items() if value is not None})
    try:
        encoded = [
            _b64encode(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
            for part in (header, payload)
        ]
    except (TypeError, ValueError) as exc:
        raise MalformedDocument(f"The credential is not JSON-serializable: {exc}") from None
    signing_input = f"{encoded[0]}.{encoded[1]}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{_b64encode(signature)}"


# -- verifying --------------------------------------------------------------------------


def verify_jwt(
    token: str,
    resolve: JwtResolver,
    *,
    now: datetime | None = None,
    clock_skew: timedelta = timedelta(minutes=5),
) -> JwtCheck:
    """Verify a VC-JWT (OB 3.0 section 8.2.4, RFC 7515 section 5.2); never raises for it.

    ``resolve`` turns ``kid`` into a verification method (its FetchError /
    DidResolutionError / KeyFormatError become a failed check). The header is checked
    (allowed members, ``typ``, no ``alg: none``, ``alg`` matching the key, no private
    ``jwk``), then the signature, then that ``iss``/``sub``/``nbf``/``jti``/``exp`` agree
    with the credential, then ``nbf``/``exp`` against ``now``.
    """
    moment = datetime.now(UTC) if now is None else now.astimezone(UTC)
    state: dict[str, Any] = {}
    try:
        return _verify(token, resolve, moment, clock_skew, state)
    except _Failed as failure:
        return JwtCheck(
            verified=False,
            code=failure.code,
            message=failure.message,
            credential=state.get("credential"),
            header=state.get("header"),
            public_key=state.get("public_key"),
            key_source=state.get("key_source"),
            method=state.get("method"),
        )


def _verify(
    token: str,
    resolve: JwtResolver,
    now: datetime,
    clock_skew: timedelta,
    state: dict[str, Any],
) -> JwtCheck:
    try:
        parts = decode_jwt(token)
    except MalformedDocument as exc:
        raise _Failed("malformed_jwt", exc.message) from None
    header, payload = parts.header, parts.payload
    state["header"] = header
    state["credential"] = credential = _credential(payload)

    extra = sorted(set(header) - ALLOWED_HEADER_MEMBERS)
    if extra:
        raise _Failed(
            "forbidden_header_member",
            f"The JWT header has {', '.join(extra)}; OB 3.0 allows only alg, kid, jwk, typ.",
        )
    if "typ" in header and (not isinstance(header["typ"], str) or header["typ"] != "JWT"):
        raise _Failed("invalid_typ", f"The JWT typ is {header['typ']!r}; it must be 'JWT'.")
    alg = header.get("alg")
    if isinstance(alg, str) and alg.lower() == "none":
        raise _Failed("alg_none", "Unsigned JWTs (alg 'none') are never accepted.")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise _Failed(
            "unsupported_alg",
            f"JWT alg {alg!r} is not supported; use one of {', '.join(ALGORITHMS)}.",
        )
    key = _key(header, resolve, state)
    if key.algorithm != ALGORITHMS[alg]:
        raise _Failed(
            "alg_key_mismatch",
            f"The header says {alg}, which needs a {ALGORITHMS[alg]} key, but the key is "
            f"{key.algorithm}.",
        )
    if not key.verify(parts.signature, parts.signing_input):
        raise _Failed(
            "invalid_signature",
            "The JWT signature does not match: the token was changed after signing or was "
            "signed with another key.",
        )
    if credential is None:
        raise _Failed(
            "no_credential", "The JWT payload is not a credential (no type, no vc claim)."
        )
    _check_claims(payload, credential)
    _check_times(payload, now, clock_skew)
    return JwtCheck(
        verified=True,
        code="verified",
        message="JWT signature and claims verified.",
        credential=credential,
        header=header,
        public_key=key,
        key_source=state["key_source"],
        method=state.get("method"),
    )


def _credential(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """The credential: the ``vc`` claim (VC 1.1) or the payload without JWT claims."""
    if "vc" in payload:
        value = payload["vc"]
        return copy.deepcopy(value) if isinstance(value, dict) else None
    if "type" not in payload and "@context" not in payload:
        return None
    return {k: copy.deepcopy(v) for k, v in payload.items() if k not in _REGISTERED_CLAIMS}


def _key(header: Mapping[str, Any], resolve: JwtResolver, state: dict[str, Any]) -> PublicKey:
    embedded: PublicKey | None = None
    if "jwk" in header:
        jwk = header["jwk"]
        if not isinstance(jwk, dict):
            raise _Failed("invalid_jwk", "The JWT header's jwk must be a JSON object.")
        if "d" in jwk:
            raise _Failed(
                "private_key_in_header",
                "The JWT header's jwk contains a private key ('d'); such a token is refused "
                "and the key must be considered compromised.",
            )
        try:
            embedded = PublicKey.from_jwk(jwk)
        except KeyFormatError as exc:
            raise _Failed(
                "invalid_jwk", f"The JWT header's jwk is not a key: {exc.message}"
            ) from None
    kid = header.get("kid")
    if kid is not None:
        if not isinstance(kid, str) or not kid:
            raise _Failed("malformed_jwt", "The JWT header's kid must be a non-empty string.")
        try:
            method = resolve(kid)
        except (FetchError, DidResolutionError, KeyFormatError) as exc:
            raise _Failed(
                "verification_method_unresolved",
                f"The JWT key {kid} could not be resolved: {exc.message}",
            ) from None
        if embedded is not None and embedded != method.public_key:
            raise _Failed("jwk_kid_mismatch", "The JWT header's jwk is not the key its kid names.")
        state.update(public_key=method.public_key, key_source="kid", method=method)
        return method.public_key
    if embedded is None:
        raise _Failed(
            "no_key",
            "The JWT header names no key (neither kid nor jwk), so its signature cannot be "
            "checked.",
        )
    state.update(public_key=embedded, key_source="jwk")
    return embedded


def _check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> None:
    """OB 3.0 8.2.4 step 5: the JWT claims must agree with the credential they wrap."""
    if not isinstance(payload.get("iss"), str):
        raise _Failed("claim_mismatch", "The JWT has no iss claim naming the issuer.")
    # VC 1.1 credentials (in a ``vc`` claim) use issuanceDate / expirationDate.
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    pairs: list[tuple[str, Any, Any]] = [
        ("iss", payload.get("iss"), issuer_id(credential)),
        ("sub", payload.get("sub"), _subject_id(credential)),
        ("jti", payload.get("jti"), credential.get("id")),
        ("nbf", payload.get("nbf"), None if start is None else _numeric_date(start)),
        ("exp", payload.get("exp"), None if end is None else _numeric_date(end)),
    ]
    for name, claim, field in pairs:
        if claim is None or field is None:
            continue
        if name in ("nbf", "exp"):
            if not _is_number(claim) or math.floor(claim) != field:
                raise _Failed(
                    "claim_mismatch",
                    f"The JWT {name} claim {claim!r} does not match the credential's date.",
                )
        elif claim != field:
            raise _Failed(
                "claim_mismatch",
                f"The JWT {name} claim {claim!r} does not match the credential ({field!r}).",
            )
    for name in ("nbf", "exp", "iat"):
        if name in payload and not _is_number(payload[name]):
            raise _Failed("claim_mismatch", f"The JWT {name} claim must be a NumericDate.")


def _check_times(payload: Mapping[str, Any], now: datetime, clock_skew: timedelta) -> None:
    stamp = now.timestamp()
    skew = clock_skew.total_seconds()
    nbf, exp = _number(payload.get("nbf")), _number(payload.get("exp"))
    if nbf is not None and nbf > stamp + skew:
        raise _Failed("jwt_not_yet_valid", f"The JWT is not valid before {_when(nbf)}.")
    if exp is not None and exp <= stamp - skew:
        raise _Failed("jwt_expired", f"The JWT expired at {_when(exp)}.")


def _number(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _when(value: float) -> str:
    try:
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return str(value)
