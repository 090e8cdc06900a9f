"""JSON Schema validation against the bundled official schemas, fully offline.

Bundled (package data, copied from ``../shared/standards/schemas``):

* ``ob_v3p0_achievementcredential_schema.json`` — 1EdTech OB 3.0 AchievementCredential
  (draft 2019-09), used for ``AchievementCredential`` / ``OpenBadgeCredential``
  (OB 3.0 §"JSON Schema" / Appendix "Achievement Credential" schema);
* ``vc-2.0-verifiable-credential-schema.json`` and
  ``vc-2.0-verifiable-presentation-schema.json`` — the W3C VC 2.0 informative schemas
  (draft 2020-12), for other credentials and for presentations;
* ``clr_v2p0_clrcredential_schema.draft4-vc1-era.json`` — an old draft-04 CLR 2.0 schema of
  the VC 1.1 era (it requires ``issuanceDate``). It is never chosen automatically; ask for it
  with ``validate(doc, schema=CLR_DRAFT4_VC11)``. CLR 2.0 credentials (VC 2.0) are checked
  against the VC 2.0 schema instead.

``$ref`` resolution uses a :class:`referencing.Registry` holding only the bundled schemas
and the JSON Schema meta-schemas; its ``retrieve`` hook is referencing's default, which
refuses every other URI, so no schema is ever fetched from the network.

The official OB 3.0 schema requires ``proof`` to be an array, while every 1EdTech sample
(and JSON-LD, where one value equals a one-element set) also uses a single proof object.
By default a single ``proof`` object is validated as a one-element array; pass
``strict=True`` to validate the JSON exactly as it is.

Formats ``date-time`` and ``date`` are checked
with the standard library (RFC 3339), the same on every machine.

Speed: the OB 3.0 schema is also compiled once per process with ``fastjsonschema`` (to
Python code, about 30x faster than ``jsonschema`` on a typical credential). That compiled
validator only decides pass/fail: a document it accepts has no issues; when it refuses one
(or cannot judge it), ``jsonschema`` runs as before and produces the detailed issues. Every
keyword the OB 3.0 schema uses (draft 2019-09: ``type``, ``enum``, ``properties``,
``required``, ``additionalProperties``, ``items`` arrays with ``additionalItems``,
``minItems``, ``contains``, ``pattern``, ``format``, ``oneOf``, ``allOf``, ``$ref`` without
siblings) means the same in draft-07, which is what fastjsonschema compiles; the tests
check that both give the same verdict on every vector and on generated documents. The
VC 2.0 schemas (draft 2020-12, ``prefixItems``) always use ``jsonschema``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft4Validator, Draft201909Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.protocols import Validator
from referencing import Registry, Resource

from microcred.credentials.errors import SchemaError

__all__ = [
    "CLR_DRAFT4_VC11",
    "OB3_ACHIEVEMENT_CREDENTIAL",
    "SCHEMA_FILES",
    "VC2_CREDENTIAL",
    "VC2_PRESENTATION",
    "VC11_CONTEXT",
    "SchemaIssue",
    "ensure_valid",
    "is_vc11_shaped",
    "load_schema",
    "schema_for",
    "validate",
]

OB3_ACHIEVEMENT_CREDENTIAL = "ob3-achievement-credential"
VC2_CREDENTIAL = "vc2-credential"
VC2_PRESENTATION = "vc2-presentation"
CLR_DRAFT4_VC11 = "clr2-draft4-vc11"

#: Schema name -> bundled file name.
SCHEMA_FILES: Mapping[str, str] = {
    OB3_ACHIEVEMENT_CREDENTIAL: "ob_v3p0_achievementcredential_schema.json",
    VC2_CREDENTIAL: "vc-2.0-verifiable-credential-schema.json",
    VC2_PRESENTATION: "vc-2.0-verifiable-presentation-schema.json",
    CLR_DRAFT4_VC11: "clr_v2p0_clrcredential_schema.draft4-vc1-era.json",
}

VC11_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_OB3_TYPES = frozenset({"AchievementCredential", "OpenBadgeCredential"})
_MAX_MESSAGE = 300

_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: where (``path``, e.g. ``credentialSubject.achievement``; ``$``
    for the root) and what (``message``), and the name of the schema that was applied."""

    path: str
    message: str
    schema: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """The bundled schema ``name`` (one of :data:`SCHEMA_FILES`)."""
    try:
        file_name = SCHEMA_FILES[name]
    except KeyError:
        raise SchemaError(
            f"Unknown schema {name!r}; use one of {', '.join(sorted(SCHEMA_FILES))}."
        ) from None
    text = resources.files(__package__).joinpath(file_name).read_text(encoding="utf-8")
    value = json.loads(text)
    if not isinstance(value, dict):  # pragma: no cover - bundled data
        raise SchemaError(f"Bundled schema {file_name} is not a JSON object.")
    return value


@cache
def _registry() -> Registry[Any]:
    # Registry's default retrieve hook raises NoSuchResource: nothing is ever fetched.
    registry: Registry[Any] = Registry()
    for name in SCHEMA_FILES:
        schema = load_schema(name)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    return registry.crawl()


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    hour, minute, second = int(value[11:13]), int(value[14:16]), int(value[17:19])
    return hour < 24 and minute < 60 and second < 61


def _check_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_check_date_time)
    checker.checks("date")(_check_date)
    return checker


@cache
def _validator(name: str) -> Validator:
    schema = load_schema(name)
    dialect = str(schema.get("$schema", ""))
    cls: type[Validator]
    if "draft-04" in dialect:
        cls = Draft4Validator
    elif "2019-09" in dialect:
        cls = Draft201909Validator
    else:
        cls = Draft202012Validator
    return cls(schema, registry=_registry(), format_checker=_format_checker())


#: Schemas validated by the compiled fast path (see the module docstring).
_FAST_SCHEMAS = frozenset({OB3_ACHIEVEMENT_CREDENTIAL})

_FastValidator = Callable[[Any], Any]


@cache
def _fast_validator(name: str) -> _FastValidator | None:
    """The schema ``name`` compiled by fastjsonschema, or None when it has no fast path."""
    if name not in _FAST_SCHEMAS:
        return None
    schema = dict(load_schema(name))
    # Same keyword meanings for this schema (see the module docstring); fastjsonschema
    # compiles draft-07 and refuses 2019-09 as a dialect name.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    compiled: _FastValidator = fastjsonschema.compile(
        schema,
        formats={"date-time": _check_date_time, "date": _check_date},
        use_default=False,
    )
    return compiled


def _fast_valid(name: str, documents: Sequence[Mapping[str, Any]]) -> bool:
    """True when the compiled validator accepts every document; False when it refuses one
    or has no fast path (the caller then runs ``jsonschema`` for the issues)."""
    check = _fast_validator(name)
    if check is None:
        return False
    try:
        for document in documents:
            check(document)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def _types(document: Mapping[str, Any]) -> set[str]:
    value = document.get("type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {item for item in value if isinstance(item, str)}
    return set()


def schema_for(document: Mapping[str, Any]) -> str:
    """The name of the schema :func:`validate` applies to ``document``.

    Presentations get the VC 2.0 presentation schema; AchievementCredential /
    OpenBadgeCredential the OB 3.0 schema; anything else the VC 2.0 credential schema.
    """
    types = _types(document)
    if "VerifiablePresentation" in types:
        return VC2_PRESENTATION
    if types & _OB3_TYPES:
        return OB3_ACHIEVEMENT_CREDENTIAL
    return VC2_CREDENTIAL


def is_vc11_shaped(document: Mapping[str, Any]) -> bool:
    """Whether ``document`` is a VC 1.1-shaped credential or presentation.

    True when its first ``@context`` is the VC 1.1 context, or when it carries
    ``issuanceDate`` / ``expirationDate`` without ``validFrom``. OB 3.0 verifiers accept such
    badges (OB 3.0 certification, displayer test 3) although the current OB 3.0 schema
    requires the VC 2.0 shape, so the caller decides how to treat their schema issues.
    """
    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first == VC11_CONTEXT:
        return True
    return "validFrom" not in document and (
        "issuanceDate" in document or "expirationDate" in document
    )


def _path(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "$"


def _shorten(error: ValidationError) -> str:
    """The error message, with a long rendering of the offending value cut down."""
    message = error.message
    shown = repr(error.instance)
    if len(shown) > 60 and shown in message:
        instance: object = error.instance
        kind = (
            "an object"
            if isinstance(instance, dict)
            else "an array"
            if isinstance(instance, list)
            else "a string"
            if isinstance(instance, str)
            else "the value"
        )
        message = message.replace(shown, f"{kind} ({shown[:40]}...)", 1)
    return message


def _message(error: ValidationError) -> str:
    message = _shorten(error)
    if error.context:
        message = "matches none of the allowed forms"
        deeper = best_match(error.context)
        if deeper is not None:
            message += f"; closest: {_path(deeper)}: {_shorten(deeper)}"
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return message


def validate(
    document: Mapping[str, Any], *, schema: str | None = None, strict: bool = False
) -> list[SchemaIssue]:
    """Validate ``document`` against its schema (see :func:`schema_for`), or ``schema``.

    Returns the issues sorted by path (empty when valid). Never touches the network. Unless
    ``strict``, a single ``proof`` object is checked as a one-element array (see above).
    """
    name = schema if schema is not None else schema_for(document)
    load_schema(name)  # raises SchemaError naming the known schemas
    validator = _validator(name)
    if not strict and isinstance(document.get("proof"), Mapping):
        document = {**document, "proof": [document["proof"]]}
    statuses = document.get("credentialStatus")
    if not strict and name == OB3_ACHIEVEMENT_CREDENTIAL and isinstance(statuses, list):
        variants = [{**document, "credentialStatus": entry} for entry in statuses]
        if variants and _fast_valid(name, variants):
            return []
        return _validate_status_list(document, statuses, validator, name)
    if _fast_valid(name, [document]):
        return []
    issues = {
        SchemaIssue(_path(error), _message(error), name)
        for error in validator.iter_errors(document)
    }
    return sorted(issues, key=lambda issue: (issue.path, issue.message))


def _validate_status_list(
    document: Mapping[str, Any], statuses: list[Any], validator: Validator, name: str
) -> list[SchemaIssue]:
    """VC 2.0 section 4.10 allows several ``credentialStatus`` entries (a revocation and a
    suspension list, say), but the OB 3.0 schema describes a single object. Each entry is
    checked as that object; issues name the entry (``credentialStatus[1].type``)."""
    issues: set[SchemaIssue] = set()
    if not statuses:
        rest = {k: v for k, v in document.items() if k != "credentialStatus"}
        issues.update(SchemaIssue(_path(e), _message(e), name) for e in validator.iter_errors(rest))
        issues.add(SchemaIssue("credentialStatus", "must not be an empty array", name))
    for index, entry in enumerate(statuses):
        variant = {**document, "credentialStatus": entry}
        for error in validator.iter_errors(variant):
            path = _path(error)
            if path == "credentialStatus" or path.startswith(
                ("credentialStatus.", "credentialStatus[")
            ):
                path = f"credentialStatus[{index}]" + path[len("credentialStatus") :]
            elif index > 0:
                continue  # reported once, with the first entry
            issues.add(SchemaIssue(path, _message(error), name))
    return sorted(issues, key=lambda issue: (issue.path, issue.message))


def ensure_valid(
    document: Mapping[str, Any], *, schema: str | None = None, strict: bool = False
) -> None:
    """Raise :class:`SchemaError` listing the issues when ``document`` is not valid."""
    issues = validate(document, schema=schema, strict=strict)
    if issues:
        listed = "; ".join(str(issue) for issue in issues[:10])
        more = f" (and {len(issues) - 10} more)" if len(issues) > 10 else ""
        raise SchemaError(
            f"The document does not match the {issues[0].schema} schema: {listed}{more}. "
            "Fix these members and try again."
        )
