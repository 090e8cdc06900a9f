"""Expanded JSON-LD to RDF quads (JSON-LD 1.1 API, 6.1 "Deserialize JSON-LD to RDF").

Instead of building the node map (7.2 "Node Map Generation") and walking it, the expanded
document is walked once and each triple is written as soon as its three terms are known:
a dataset is a set, so the order and repetition of triples do not matter, and blank node
identifiers only need to be consistent (RDFC-1.0 relabels them). The result is the same
dataset as 7.2 + 6.1 give, with the same conversions (6.2 "Object to RDF" with the general
engine's canonical forms for booleans, integers and doubles, and JCS for ``@json``,
6.3 "List Conversion") and the same filtering of terms that are not well-formed as
:mod:`microcred.credentials.jsonld.rdf` applies.

Quads come out as tuples of canonical N-Quads terms ``(subject, predicate, object,
graph)`` (graph ``""`` for the default graph), ready for :mod:`.canon`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from pyld import jsonld  # type: ignore[import-untyped,unused-ignore]

from microcred.credentials.jsonld.fast.contexts import MEMO_LIMIT, Unsupported
from microcred.credentials.jsonld.nquads import escape_literal
from microcred.credentials.jsonld.rdf import (
    _WELL_FORMED_IRI,
    _WELL_FORMED_LANGUAGE,
)

__all__ = ["Emitter", "TermQuad"]

TermQuad = tuple[str, str, str, str]

_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE: Final = f"<{_RDF}type>"
_RDF_FIRST: Final = f"<{_RDF}first>"
_RDF_REST: Final = f"<{_RDF}rest>"
_RDF_NIL: Final = f"<{_RDF}nil>"
_RDF_JSON: Final = f"{_RDF}JSON"
_RDF_LANGSTRING: Final = f"{_RDF}langString"
_XSD_STRING: Final = f"{_XSD}string"
_XSD_BOOLEAN: Final = f"{_XSD}boolean"
_XSD_INTEGER: Final = f"{_XSD}integer"
_XSD_DOUBLE: Final = f"{_XSD}double"

_is_absolute_iri: Callable[[Any], Any] = jsonld._is_absolute_iri  # a re.Match, None or False
_is_keyword: Callable[[Any], bool] = jsonld._is_keyword
_is_double: Callable[[Any], bool] = jsonld._is_double
_is_integer: Callable[[Any], bool] = jsonld._is_integer
_canonicalize_double: Callable[[Any], str] = jsonld._canonicalize_double
_json_canonical: Callable[[Any], bytes] = jsonld.canonicalize

_IRI_OK: dict[str, bool] = {}
#: Characters canonical N-Quads escapes in a literal (see :func:`..nquads.escape_literal`).
_NEEDS_ESCAPE: Final = re.compile(r'[\x00-\x1f\x7f"\\]')


def _iri(value: str) -> str | None:
    """``<value>`` when it is an absolute, well-formed IRI; else ``None`` (dropped)."""
    ok = _IRI_OK.get(value)
    if ok is None:
        ok = bool(_is_absolute_iri(value) and _WELL_FORMED_IRI.fullmatch(value))
        if len(_IRI_OK) >= MEMO_LIMIT:
            _IRI_OK.clear()
        _IRI_OK[value] = ok
    return f"<{value}>" if ok else None


class Emitter:
    """Writes the quads of one expanded document."""

    __slots__ = ("_counter", "_indexed", "_labels", "_merged", "quads")

    def __init__(self) -> None:
        self.quads: list[TermQuad] = []
        self._counter = 0
        self._labels: dict[str, str] = {}
        self._indexed: dict[str, Any] = {}
        self._merged: dict[tuple[Any, ...], list[tuple[Any, Any, str | None]]] = {}

    def _blank(self) -> str:
        label = f"_:b{self._counter}"
        self._counter += 1
        return label

    def _relabel(self, label: str) -> str:
        found = self._labels.get(label)
        if found is None:
            found = self._labels[label] = self._blank()
        return found

    def document(self, expanded: list[Any]) -> list[TermQuad]:
        """All quads of an expanded document (7.2 with the default graph, then 6.1)."""
        for node in expanded:
            if not isinstance(node, dict) or "@value" in node or "@list" in node:
                raise Unsupported("top-level item is not a node object")
            self.node(node, "")
        return self.quads

    def _subject(self, node: dict[str, Any]) -> str | None:
        identifier = node.get("@id")
        if identifier is None:
            return self._blank()
        if not isinstance(identifier, str):
            raise Unsupported("@id is not a string")
        if identifier.startswith("_:"):
            return self._relabel(identifier)
        return _iri(identifier)

    def node(self, node: dict[str, Any], graph: str | None) -> str | None:
        """Emit a node object's triples into ``graph`` (``None``: a dropped graph)."""
        subject = self._subject(node)
        if "@index" in node and "@id" in node:
            # 7.2 step 6.8: one node may carry only one @index
            previous = self._indexed.setdefault(node["@id"], node["@index"])
            if previous != node["@index"]:
                raise Unsupported("conflicting indexes")
        quads = self.quads
        for prop, values in node.items():
            if prop[:1] != "@":  # a property IRI
                predicate = self._predicate(prop)
                for value in values:
                    obj = self.object(value, graph)
                    if "@value" in value and type(value["@value"]) is not str:
                        self._check_merge(subject, predicate, graph, value, obj)
                    if (
                        subject is not None
                        and predicate is not None
                        and obj is not None
                        and graph is not None
                    ):
                        quads.append((subject, predicate, obj, graph))
                continue
            if prop == "@id":
                continue
            if prop == "@type":
                for type_ in values:
                    if not isinstance(type_, str):
                        raise Unsupported("@type value is not a string")
                    obj = self._relabel(type_) if type_.startswith("_:") else _iri(type_)
                    if subject is not None and obj is not None and graph is not None:
                        quads.append((subject, _RDF_TYPE, obj, graph))
                continue
            if prop == "@reverse":
                for reverse_property, items in values.items():
                    predicate = self._predicate(reverse_property)
                    for item in items:
                        other = self.node(item, graph)
                        if (
                            subject is not None
                            and other is not None
                            and predicate is not None
                            and graph is not None
                        ):
                            quads.append((other, predicate, subject, graph))
                continue
            if prop == "@graph":
                for item in values:  # 7.2 step 6.10: the node names a graph
                    if not isinstance(item, dict) or "@value" in item or "@list" in item:
                        raise Unsupported("@graph item is not a node object")
                    self.node(item, subject)
                continue
            if prop == "@included":
                raise Unsupported("@included")
            if _is_keyword(prop):
                continue  # @index and others produce no triples
            predicate = self._predicate(prop)
            for value in values:
                obj = self.object(value, graph)
                if "@value" in value and not isinstance(value["@value"], str):
                    self._check_merge(subject, predicate, graph, value, obj)
                if (
                    subject is not None
                    and predicate is not None
                    and obj is not None
                    and graph is not None
                ):
                    quads.append((subject, predicate, obj, graph))
        return subject

    def _check_merge(
        self,
        subject: str | None,
        predicate: str | None,
        graph: str | None,
        value: dict[str, Any],
        obj: str | None,
    ) -> None:
        """Detect values the general engine merges although their literals differ.

        Node Map Generation (7.2) adds a value to a node's property only if no equal
        value is there; the general engine compares ``@value`` with Python ``==``
        (bools strictly), so ``0`` and ``-0.0`` (as ``xsd:double``), or ``@json``
        objects such as ``{"a": 1}`` and ``{"a": 1.0}``, count as one value and only
        the first is written. Rather than imitate that, fall back when it happens.
        """
        key = (subject, predicate, graph)
        kind = (value.get("@type"), value.get("@language"), value.get("@index"))
        seen = self._merged.setdefault(key, [])
        for other_kind, other_value, other_obj in seen:
            if other_kind == kind and _same_value(other_value, value["@value"]):
                if other_obj != obj:
                    raise Unsupported("equal values with different literals")
                return
        seen.append((kind, value["@value"], obj))

    @staticmethod
    def _predicate(prop: str) -> str | None:
        if prop.startswith("_:"):
            return None  # blank node predicates: only in generalized RDF
        return _iri(prop)

    def object(self, item: Any, graph: str | None) -> str | None:
        """6.2 Object to RDF (and 6.3 List Conversion); ``None`` when dropped."""
        if not isinstance(item, dict):
            raise Unsupported("expanded value is not an object")
        if "@value" in item:
            return _literal(item)
        if "@list" in item:
            return self.list(item["@list"], graph)
        return self.node(item, graph)

    def list(self, items: list[Any], graph: str | None) -> str:
        """6.3 List Conversion: ``rdf:first``/``rdf:rest`` through fresh blank nodes."""
        if not items:
            return _RDF_NIL
        head = subject = self._blank()
        last = len(items) - 1
        for position, item in enumerate(items):
            obj = self.object(item, graph)
            if obj is None and "@value" not in item:
                # A relative IRI in a list: the general engine fails on it (6.3 has no
                # "skip" for a null item); an ill-formed one is dropped like any other.
                identifier = item.get("@id")
                if not (isinstance(identifier, str) and _is_absolute_iri(identifier)):
                    raise Unsupported("list item that is a relative IRI")
            rest = _RDF_NIL if position == last else self._blank()
            if graph is not None:
                if obj is not None:
                    self.quads.append((subject, _RDF_FIRST, obj, graph))
                self.quads.append((subject, _RDF_REST, rest, graph))
            subject = rest
        return head


def _same_value(first: Any, second: Any) -> bool:
    """The general engine's value equality: ``==``, but a bool only equals a bool."""
    if isinstance(first, bool) or isinstance(second, bool):
        return type(first) is type(second) and first == second
    return bool(first == second)


def _literal(item: dict[str, Any]) -> str | None:
    """6.2 Object to RDF for a value object, as the general engine converts it."""
    value = item["@value"]
    datatype = item.get("@type")
    language: str | None = None
    if type(value) is str and datatype not in (_XSD_DOUBLE, "@json"):
        # the common case, same result as the chain below for a string
        quoted = f'"{escape_literal(value)}"' if _NEEDS_ESCAPE.search(value) else f'"{value}"'
        language = item.get("@language")
        if language is not None:
            if not _WELL_FORMED_LANGUAGE.fullmatch(language):
                return None
            return f"{quoted}@{language}"
        if datatype is None or datatype == _XSD_STRING:
            return quoted
        if not _WELL_FORMED_IRI.fullmatch(datatype):
            return None
        return f"{quoted}^^<{datatype}>"
    kind = type(value)
    if datatype == "@json":
        text = _json_canonical(value).decode("utf-8")
        datatype = _RDF_JSON
    elif kind is int and datatype != _XSD_DOUBLE and abs(value) < 1e21:
        # the chain below gives the same for a plain int, without the numbers ABCs
        text = str(value)
        datatype = datatype or _XSD_INTEGER
    elif kind is float and not value.is_integer():
        text = _canonicalize_double(value)  # _is_double(value), as below
        datatype = datatype or _XSD_DOUBLE
    elif isinstance(value, bool):
        text = "true" if value else "false"
        datatype = datatype or _XSD_BOOLEAN
    elif _is_double(value):
        text = _canonicalize_double(value)
        datatype = datatype or _XSD_DOUBLE
    elif datatype == _XSD_DOUBLE:
        try:
            number = float(value)
        except (ValueError, TypeError):
            text = value
        else:
            text = _canonicalize_double(number)
    elif _is_integer(value) and abs(value) >= 1e21:
        text = _canonicalize_double(value)
        datatype = datatype or _XSD_DOUBLE
    elif _is_integer(value):
        text = str(int(value))
        datatype = datatype or _XSD_INTEGER
    elif "@language" in item:
        text = value
        language = item["@language"]
        datatype = _RDF_LANGSTRING
    else:
        text = value
        datatype = datatype or _XSD_STRING
    if not isinstance(text, str):
        raise Unsupported("literal value is not a string")
    quoted = f'"{escape_literal(text)}"'
    if language is not None:
        if not isinstance(language, str) or not _WELL_FORMED_LANGUAGE.fullmatch(language):
            return None
        return f"{quoted}@{language}"
    if not isinstance(datatype, str) or not _WELL_FORMED_IRI.fullmatch(datatype):
        return None
    if datatype == _XSD_STRING:
        return quoted
    return f"{quoted}^^<{datatype}>"
