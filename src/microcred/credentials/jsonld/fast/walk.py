"""Expansion and quad emission in one walk, for plain documents (the common credential).

:class:`Walker` takes the steps of 5.1.2 "Expansion Algorithm" that a plain node object
needs (type- and property-scoped contexts, steps 7-11; keys, ``@id`` and ``@type``, step
13.4; 5.3.2 Value Expansion) and, instead of building the expanded document, writes each
triple as soon as its terms are known, as :class:`~.quads.Emitter` would have written it
from the expanded form (6.1, 6.2 "Object to RDF", with the same well-formedness filters
and the same detection of values the general engine merges). Term definitions are read
from the per-context :class:`~.contexts.TermInfo` memo, which also holds each term's
predicate as an N-Quads term, so a plain field costs a dictionary lookup and an append.

"Plain" means: the document is one JSON object; no node object has keywords other than
``@id`` and ``@type`` (or their aliases) or an embedded ``@context`` that redefines a
keyword; every term used has no container except ``@set`` or ``@list``, is not reverse,
has no ``@json`` type, default language or direction (see ``TermInfo.plain``); list
items are not lists and name well-formed nodes. Anything else raises :class:`NotPlain`
and :mod:`.engine` runs the two-step path (:mod:`.expand` then :mod:`.quads`), which
handles the rest of JSON-LD (or falls back further to the general engine).

With ``audit=True`` the walk also applies microcred's safe-mode rule (:mod:`..terms`) to
every node object, with the context the two-step path's audit uses, and records in
:attr:`Walker.defined` whether every property and type is defined, so signing needs one
walk for the check and the canonical form.
"""

from __future__ import annotations

from typing import Any

from microcred.credentials.jsonld.fast.contexts import (
    DROP,
    MAX_DEPTH,
    PROPERTY,
    ActiveContext,
    TermInfo,
    Unsupported,
    _defined,
)
from microcred.credentials.jsonld.fast.quads import (
    _NEEDS_ESCAPE,
    _RDF_FIRST,
    _RDF_NIL,
    _RDF_REST,
    _RDF_TYPE,
    _XSD_DOUBLE,
    Emitter,
    TermQuad,
    _iri,
    _literal,
)
from microcred.credentials.jsonld.nquads import escape_literal
from microcred.credentials.jsonld.rdf import _WELL_FORMED_IRI

__all__ = ["NotPlain", "Walker"]


class NotPlain(Unsupported):
    """Internal signal: the document needs the two-step path (:mod:`.expand`, :mod:`.quads`)."""


class Walker(Emitter):
    """One walk of one plain document: quads out, safe-mode verdict in :attr:`defined`."""

    __slots__ = ("audit", "defined", "depth")

    def __init__(self, *, audit: bool = False) -> None:
        super().__init__()
        self.audit = audit
        #: with ``audit``: ``False`` once an undefined property or type was seen
        self.defined = True
        #: node objects and arrays being walked (see ``MAX_DEPTH``)
        self.depth = 0

    def walk(self, context: ActiveContext, document: Any) -> list[TermQuad]:
        """All quads of ``document`` (9.1 ``expand()`` then 6.1, for a plain document)."""
        if type(document) is not dict:
            raise NotPlain("not a single JSON object")
        self.walk_node(context, None, document)
        return self.quads

    # 5.1.2 for a node object, emitting its triples ------------------------------------
    def walk_node(
        self, context: ActiveContext, active_property: str | None, element: dict[str, Any]
    ) -> str | None:
        """Expand and emit one node object; its subject term (``None``: not well-formed)."""
        self._enter()
        property_scoped = context.term(active_property).scoped  # step 3
        # Step 7: revert a type-scoped (non-propagated) context, except for a node
        # reference that is only an @id.
        must_revert = True
        if context.has_previous and len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                expanded_key = context.vocab(key)
                if expanded_key == "@value":
                    raise NotPlain("value object")
                if expanded_key == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            context = context.previous()
        if property_scoped is not None:  # step 8
            context = context.process(property_scoped, override_protected=True)
        if "@context" in element:  # step 9: an embedded context
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise NotPlain("keyword redefinition")
            context = context.process(local)
        # Steps 11: type-scoped contexts, in the order of the sorted keys and types.
        type_scoped = context
        for key in sorted(element):
            if context.term(key).expanded != "@type":
                continue
            value = element[key]
            types = sorted(
                t for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)
            )
            for type_ in types:
                scoped = type_scoped.term(type_).scoped
                if scoped is not None and scoped is not False:
                    context = context.process(scoped, propagate=False)
        if self.audit and self.defined:
            self.check_terms(context, element)
        # Steps 12-13, emitting: properties first collected, since @id may come later.
        identifier: str | None = None
        has_id = False
        types_out: list[str | None] = []
        pending: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
        for key, value in element.items():
            if key == "@context":
                continue
            info = context.term(key)
            kind = info.kind
            if kind == PROPERTY:
                if not info.plain:
                    raise NotPlain(f"term {key!r}: container, coercion, language or direction")
                term_context = context
                value_info = info
                if info.scoped is not None:
                    term_context = context.term_context(key, info)
                    value_info = term_context.term(key)
                    if not value_info.plain or value_info.container != info.container:
                        raise NotPlain("term redefined by its scoped context")
                if info.container == ("@list",):
                    if value is not None:
                        head = self.list_value(term_context, value_info, key, value)
                        pending.append((info.predicate, head, None))
                else:
                    self.values(term_context, value_info, key, value, info.predicate, pending)
                continue
            if kind == DROP:
                continue  # step 13.3
            expanded = info.expanded
            if expanded == "@id":
                if has_id or type(value) is not str:
                    raise NotPlain("@id")
                found = context.id_iri(value)
                if type(found) is not str:
                    raise NotPlain("@id expands to null")
                has_id = True
                identifier = found
            elif expanded == "@type":
                for item in value if isinstance(value, list) else [value]:
                    if type(item) is not str:
                        raise NotPlain("@type value")
                    type_iri = type_scoped.type_iri(item)
                    if type(type_iri) is not str:
                        raise NotPlain("@type expands to null")
                    types_out.append(
                        self._relabel(type_iri) if type_iri.startswith("_:") else _iri(type_iri)
                    )
            else:
                raise NotPlain(f"keyword {expanded}")
        # 7.2 / 6.1: the node's subject, then its triples.
        if identifier is None:
            subject: str | None = self._blank()
        elif identifier.startswith("_:"):
            subject = self._relabel(identifier)
        else:
            subject = _iri(identifier)
        quads = self.quads
        for type_term in types_out:
            if subject is not None and type_term is not None:
                quads.append((subject, _RDF_TYPE, type_term, ""))
        for predicate, obj, merged in pending:
            if merged is not None:
                self._check_merge(subject, predicate, "", merged, obj)
            if subject is not None and predicate is not None and obj is not None:
                quads.append((subject, predicate, obj, ""))
        self.depth -= 1
        return subject

    def _enter(self) -> None:
        """One level deeper; beyond ``MAX_DEPTH`` the general engine takes the document."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")

    def values(
        self,
        context: ActiveContext,
        info: TermInfo,
        key: str,
        value: Any,
        predicate: str | None,
        out: list[tuple[str | None, str | None, dict[str, Any] | None]],
    ) -> None:
        """One property's value (5.1.2 step 5 for arrays, 5.3.2, or a nested node)."""
        kind = type(value)
        if kind is str:
            out.append((predicate, self.string(context, info, value), None))
        elif kind is dict:
            out.append((predicate, self.walk_node(context, key, value), None))
        elif kind is list:
            self._enter()
            for item in value:
                self.values(context, info, key, item, predicate, out)
            self.depth -= 1
        elif value is None:
            return
        elif kind is int or kind is float or kind is bool:
            # 5.3.2: a number or boolean is a value object, typed if the term says so.
            type_ = info.type
            literal: dict[str, Any] = {"@value": value}
            if type_ not in (None, "@id", "@vocab", "@none"):
                literal["@type"] = type_
            out.append((predicate, _literal(literal), literal))
        else:
            raise NotPlain(f"value of type {kind.__name__}")

    def list_value(self, context: ActiveContext, info: TermInfo, key: str, value: Any) -> str:
        """A ``@list`` container's value (5.1.2 steps 5 and 13.9), then 6.3 List Conversion."""
        self._enter()
        objects: list[str | None] = []
        for item in value if type(value) is list else [value]:
            kind = type(item)
            if kind is str:
                obj = self.string(context, info, item)
                if obj is None and info.type in ("@id", "@vocab"):
                    raise NotPlain("list item that is not a well-formed IRI")
            elif kind is dict:
                obj = self.walk_node(context, key, item)
                if obj is None:
                    raise NotPlain("list item that is not a well-formed IRI")
            elif kind is int or kind is float or kind is bool:
                literal: dict[str, Any] = {"@value": item}
                if info.type not in (None, "@id", "@vocab", "@none"):
                    literal["@type"] = info.type
                obj = _literal(literal)
            elif item is None:
                continue
            else:
                raise NotPlain("list of lists or of non-JSON values")
            objects.append(obj)
        self.depth -= 1
        if not objects:
            return _RDF_NIL
        quads = self.quads
        head = subject = self._blank()
        last = len(objects) - 1
        for position, obj in enumerate(objects):
            rest = _RDF_NIL if position == last else self._blank()
            if obj is not None:
                quads.append((subject, _RDF_FIRST, obj, ""))
            quads.append((subject, _RDF_REST, rest, ""))
            subject = rest
        return head

    def string(self, context: ActiveContext, info: TermInfo, value: str) -> str | None:
        """5.3.2 Value Expansion of a string, then 6.2 Object to RDF."""
        type_ = info.type
        if type_ in ("@id", "@vocab"):
            found = context.id_iri(value) if type_ == "@id" else context.type_iri(value)
            if type(found) is not str:
                raise NotPlain("node reference expands to null")
            return self._relabel(found) if found.startswith("_:") else _iri(found)
        quoted = f'"{escape_literal(value)}"' if _NEEDS_ESCAPE.search(value) else f'"{value}"'
        if type_ is None or type_ == "@none":
            return quoted
        if type_ == _XSD_DOUBLE:
            return _literal({"@type": type_, "@value": value})
        if not _WELL_FORMED_IRI.fullmatch(type_):
            return None
        if type_ == "http://www.w3.org/2001/XMLSchema#string":
            return quoted
        return f"{quoted}^^<{type_}>"

    # safe mode ----------------------------------------------------------------------
    def check_terms(self, context: ActiveContext, element: dict[str, Any]) -> None:
        """microcred safe mode (:mod:`..terms`): every key and type must be defined."""
        for key, value in element.items():
            if key == "@context":
                continue
            info = context.term(key)
            if not info.defined:
                self.defined = False
                return
            if info.expanded != "@type":
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and not _defined(context.type_iri(item)):
                    self.defined = False
                    return
