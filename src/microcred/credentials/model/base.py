"""The JSON mapping shared by every model class.

Each model is a frozen dataclass. Field ``snake_name`` maps to JSON member ``snakeName``
(or to ``metadata["json"]``, e.g. ``@context``). Values are converted by annotation:
``str``, ``bool``, ``int``/``float`` (JSON numbers are kept as parsed, so ``3`` stays an
integer), ``datetime`` (XML Schema dateTime, emitted in UTC with ``Z``), ``date``, nested
models, ``tuple[...]`` for multi-valued members (a single JSON value is accepted as a
one-element array, as JSON-LD allows) and ``Any`` for members kept exactly as given
(proofs, status entries, addresses...). Members a class does not model are kept in
``extra`` and emitted again, so parsing never loses data.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, fields
from datetime import UTC, date, datetime
from typing import Any, Self, get_args, get_origin, get_type_hints

from microcred.credentials.errors import MalformedDocument

__all__ = ["JsonModel", "format_datetime", "parse_datetime"]


def format_datetime(value: datetime) -> str:
    """UTC with ``Z`` and the shortest fraction (VC 2.0 §4.6 dateTimeStamp)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise MalformedDocument(
            f"Time {value.isoformat()} has no time zone; use a timezone-aware datetime "
            "(e.g. datetime.now(UTC))."
        )
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat()
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "Z"


def parse_datetime(value: Any, where: str) -> datetime:
    """An XML Schema dateTime with a time zone (a missing zone is read as UTC)."""
    if not isinstance(value, str):
        raise MalformedDocument(f"{where} must be a dateTime string, not {type(value).__name__}.")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "Zz" else text)
    except ValueError:
        raise MalformedDocument(
            f"{where} is not a dateTime like 2024-01-31T12:00:00Z: {value!r}."
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _json_name(item: Field[Any]) -> str:
    explicit = item.metadata.get("json")
    if isinstance(explicit, str):
        return explicit
    head, *rest = item.name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


_Layout = tuple[tuple[str, str, Any, bool], ...]
_LAYOUTS: dict[type, _Layout] = {}


def _layout(cls: type) -> _Layout:
    """(attribute, JSON name, annotation, required) for each modelled field (memoised)."""
    if cls in _LAYOUTS:
        return _LAYOUTS[cls]
    hints = get_type_hints(cls)
    layout = tuple(
        (
            item.name,
            _json_name(item),
            hints[item.name],
            item.default is MISSING and item.default_factory is MISSING,
        )
        for item in fields(cls)
        if item.name != "extra"
    )
    _LAYOUTS[cls] = layout
    return layout


def _dump(value: Any) -> Any:
    if isinstance(value, JsonModel):
        return value.to_json()
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    return value


def _load(hint: Any, value: Any, where: str) -> Any:
    origin = get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        return _load(options[0], value, where)
    if hint is Any:
        return value
    if origin is tuple:
        item_hint = get_args(hint)[0]
        items = value if isinstance(value, list) else [value]
        return tuple(_load(item_hint, item, f"{where}[{i}]") for i, item in enumerate(items))
    if isinstance(hint, type) and issubclass(hint, JsonModel):
        return hint.from_json(hint.coerce(value, where), where=where)
    if hint is datetime:
        return parse_datetime(value, where)
    if hint is date:
        if not isinstance(value, str):
            raise MalformedDocument(f"{where} must be a date string like 2024-01-31.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise MalformedDocument(f"{where} is not a date like 2024-01-31: {value!r}.") from None
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise MalformedDocument(f"{where} must be a number, not {value!r}.")
        return value
    if hint in (str, bool, int) and (
        not isinstance(value, hint) or (hint is int and isinstance(value, bool))
    ):
        raise MalformedDocument(f"{where} must be a {hint.__name__}, not {value!r}.")
    return value


@dataclass(frozen=True)
class JsonModel:
    """Base of the OB 3.0 / VC 2.0 model classes: ``to_json`` and ``from_json``."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object: camelCase names, ``None`` and empty tuples omitted."""
        out: dict[str, Any] = {}
        for attribute, name, _hint, _required in _layout(type(self)):
            value = getattr(self, attribute)
            if value is None or value == ():
                continue
            out[name] = _dump(value)
        extra: Mapping[str, Any] = getattr(self, "extra", {})
        for key, value in extra.items():
            out.setdefault(key, value)
        return out

    @classmethod
    def coerce(cls, value: Any, where: str) -> Mapping[str, Any]:
        """Turn a JSON value into the object to parse (subclasses accept IRIs etc.)."""
        if not isinstance(value, Mapping):
            raise MalformedDocument(f"{where} must be a JSON object, not {type(value).__name__}.")
        return value

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, where: str = "$") -> Self:
        """Parse a JSON object; members the class does not model go to ``extra``."""
        data = cls.coerce(data, where)
        kwargs: dict[str, Any] = {}
        known: dict[str, tuple[str, Any, bool]] = {
            name: (attribute, hint, required) for attribute, name, hint, required in _layout(cls)
        }
        extra: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                extra[key] = value
                continue
            attribute, hint, _required = known[key]
            path = key if where == "$" else f"{where}.{key}"
            kwargs[attribute] = _load(hint, value, path)
        missing = [
            name
            for name, (attribute, _hint, required) in known.items()
            if required and attribute not in kwargs
        ]
        if missing:
            raise MalformedDocument(
                f"{where} ({cls.__name__}) is missing {', '.join(missing)}; add "
                f"{'it' if len(missing) == 1 else 'them'} and try again."
            )
        if "extra" in {item.name for item in fields(cls)}:
            kwargs["extra"] = extra
        return cls(**kwargs)
