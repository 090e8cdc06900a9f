"""JSON-LD expansion over cached contexts (JSON-LD 1.1 API, 5.1 "Expansion Algorithms").

:class:`Expander` follows 5.1.2 "Expansion Algorithm", 5.3.2 "Value Expansion" and the
language, index, id and type map steps (5.1.2 steps 13.7-13.8) step by step, producing
the same expanded document as the general engine (pyld), but reading every term
definition from :mod:`.contexts` instead of processing contexts again.

It does not try to report JSON-LD errors: every condition the algorithm calls an error,
and every feature outside its scope (``@included``, property-valued index maps, framing
keywords), raises :class:`~.contexts.Unsupported`, and the caller runs the general
engine, which reports the error precisely.

With ``audit=True`` it also applies microcred's safe-mode rule (see :mod:`..terms`) to
every node object it expands, exactly where the general safe-mode check looks, and raises
:class:`HasUndefinedTerms` at the first undefined property or type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped,unused-ignore]

from microcred.credentials.jsonld.fast.contexts import (
    DROP,
    KEYWORD,
    MAX_DEPTH,
    PROPERTY,
    ActiveContext,
    Unsupported,
)
from microcred.credentials.jsonld.terms import UNDEFINED_TERM_VOCAB

__all__ = ["Expander", "HasUndefinedTerms"]

_is_absolute_iri: Callable[[Any], Any] = jsonld._is_absolute_iri  # a re.Match, None or False
_is_keyword: Callable[[Any], bool] = jsonld._is_keyword

#: Keywords 5.1.2 step 13.4 handles (plus @list, @set, @nest, @graph handled as keys).
_NOT_ARRAY = frozenset({"@index", "@id", "@type", "@value", "@language"})
_FALLTHROUGH_KEYWORDS = frozenset({"@list", "@set", "@graph", "@nest"})


class HasUndefinedTerms(Unsupported):
    """Safe mode found an undefined property or type (the general check names them)."""


def _defined(iri: Any) -> bool:
    """microcred safe mode: does this expanded key or type have a definition?"""
    if not isinstance(iri, str):
        return False
    if iri.startswith("@"):
        return bool(_is_keyword(iri))
    return ":" in iri and not iri.startswith(UNDEFINED_TERM_VOCAB)


def _arrayify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _add(subject: dict[str, Any], key: str, value: Any, *, as_array: bool) -> None:
    """``JsonLdProcessor.add_value`` with duplicates allowed (as expansion uses it)."""
    if isinstance(value, list):
        if not value and as_array and key not in subject:
            subject[key] = []
        for item in value:
            _add(subject, key, item, as_array=as_array)
    elif key in subject:
        current = subject[key]
        if not isinstance(current, list):
            subject[key] = current = [current]
        current.append(value)
    else:
        subject[key] = [value] if as_array else value


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float)  # bool is an int


class Expander:
    """One expansion (5.1.2) of one document; ``audit`` adds the safe-mode check."""

    __slots__ = ("audit", "depth")

    def __init__(self, *, audit: bool = False) -> None:
        self.audit = audit
        #: node objects and arrays being expanded (see ``MAX_DEPTH``)
        self.depth = 0

    def _enter(self) -> None:
        """One level deeper; beyond ``MAX_DEPTH`` the general engine takes the document."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")

    def document(self, context: ActiveContext, document: Any) -> list[Any]:
        """5.1.2 from the top, then the final steps of the ``expand()`` API (9.1 step 8)."""
        expanded = self.expand(context, None, document, False, False, None)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return _arrayify(expanded)

    # 5.1.2 Expansion Algorithm ---------------------------------------------------------
    def expand(
        self,
        context: ActiveContext,
        active_property: str | None,
        element: Any,
        inside_list: bool,
        inside_index: bool,
        type_scoped: ActiveContext | None,
    ) -> Any:
        if element is None:
            return None
        if isinstance(element, list):  # step 5
            self._enter()
            info = context.term(active_property)
            inside_list = inside_list or "@list" in info.container
            result: list[Any] = []
            for item in element:
                expanded = self.expand(
                    context, active_property, item, inside_list, inside_index, type_scoped
                )
                if inside_list and isinstance(expanded, list):
                    expanded = {"@list": expanded}
                if expanded is None:
                    continue
                if isinstance(expanded, list):
                    result.extend(expanded)
                else:
                    result.append(expanded)
            self.depth -= 1
            return result
        if not isinstance(element, dict):  # step 4: scalars
            if not _is_scalar(element):
                raise Unsupported(f"not a JSON value: {type(element).__name__}")
            if not inside_list and (
                active_property is None or context.vocab(active_property) == "@graph"
            ):
                return None
            return self.value(context, active_property, element)

        expanded_property = context.vocab(active_property)
        property_scoped = context.term(active_property).scoped  # step 3
        # Steps 7: revert a type-scoped (non-propagated) context for node objects.
        if type_scoped is None and context.has_previous:
            type_scoped = context
        must_revert = not inside_index
        if (
            must_revert
            and type_scoped is not None
            and len(element) <= 2
            and "@context" not in element
        ):
            for key in sorted(element):
                expanded_key = type_scoped.vocab(key)
                if expanded_key == "@value":
                    must_revert = False
                    context = type_scoped
                    break
                if expanded_key == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert:
            context = context.previous()
        if property_scoped is not None:  # step 8
            context = context.process(property_scoped, override_protected=True)
        context, type_key, type_scoped = self.prepare(context, element)  # steps 9-11
        result_map: dict[str, Any] = {}
        self.object(
            context,
            active_property,
            expanded_property,
            element,
            result_map,
            inside_list,
            type_key,
            type_scoped,
            context,
        )
        if "@value" in result_map and "@type" in result_map:
            for key, value in element.items():
                if isinstance(value, list) and context.vocab(key) == "@type":
                    raise Unsupported("invalid typed value")
        return self.finish(result_map, active_property, expanded_property, inside_list)

    def prepare(
        self, context: ActiveContext, element: dict[str, Any]
    ) -> tuple[ActiveContext, str | None, ActiveContext]:
        """5.1.2 steps 9-11: embedded ``@context``, then type-scoped contexts in order."""
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Unsupported("keyword redefinition")
            context = context.process(local)
        type_scoped = context
        type_key: str | None = None
        for key in sorted(element):
            if context.term(key).expanded != "@type":
                continue
            type_key = type_key or key
            types = sorted(t for t in _arrayify(element[key]) if isinstance(t, str))
            for type_ in types:
                scoped = type_scoped.term(type_).scoped
                if scoped is not None and scoped is not False:
                    context = context.process(scoped, propagate=False)
        return context, type_key, type_scoped

    def finish(
        self,
        result: dict[str, Any],
        active_property: str | None,
        expanded_property: Any,
        inside_list: bool,
    ) -> Any:
        """5.1.2 steps 15-20: check and simplify the expanded object."""
        count = len(result)
        output: Any = result
        if "@value" in result:
            if "@type" in result and ("@language" in result or "@direction" in result):
                raise Unsupported("invalid value object")
            extra = (
                count
                - 1
                - sum(1 for key in ("@type", "@index", "@language", "@direction") if key in result)
            )
            if extra:
                raise Unsupported("invalid value object")
            types = result.get("@type")
            if "@type" in result:
                if isinstance(types, list):
                    raise Unsupported("invalid typed value")
                if types is None:
                    del result["@type"]
            value = result["@value"]
            if types == "@json":
                pass
            elif value is None:
                output = None
            elif "@language" in result and not isinstance(value, str):
                raise Unsupported("invalid language-tagged value")
            elif types is not None and not (
                isinstance(types, str) and _is_absolute_iri(types) and not types.startswith("_:")
            ):
                raise Unsupported("invalid typed value")
        elif "@type" in result:
            if result["@type"] is None:
                raise Unsupported("invalid type value")
            if not isinstance(result["@type"], list):
                result["@type"] = [result["@type"]]
        elif "@set" in result or "@list" in result:
            if count > 1 and not (count == 2 and "@index" in result):
                raise Unsupported("invalid set or list object")
            if "@set" in result:
                output = result["@set"]
                count = len(output)
        elif count == 1 and "@language" in result:
            output = None
        if (
            isinstance(output, dict)
            and not inside_list
            and (active_property is None or expanded_property == "@graph")
            and (
                count == 0
                or "@value" in output
                or "@list" in output
                or (count == 1 and "@id" in output)
            )
        ):
            output = None
        return output

    def object(
        self,
        context: ActiveContext,
        active_property: str | None,
        expanded_active_property: Any,
        element: dict[str, Any],
        result: dict[str, Any],
        inside_list: bool,
        type_key: str | None,
        type_scoped: ActiveContext,
        audit_types: ActiveContext,
    ) -> None:
        """5.1.2 steps 12-14: expand each entry of ``element`` into ``result``.

        ``audit_types`` is the context the safe-mode check expands type values with: the
        general check uses the node's active context, or for an ``@nest`` value the
        context from before its type-scoped contexts.
        """
        self._enter()
        if self.audit:
            self.check_terms(context, element, audit_types)
        nests: list[tuple[str, ActiveContext]] = []
        unexpanded_value: Any = None
        is_json = False
        if type_key is not None and type_key in element:
            first = element[type_key]
            if first and isinstance(first, list):
                first = first[0]
            is_json = context.vocab(first) == "@json"
        expanded_value: Any
        for key in sorted(element):
            if key == "@context":
                continue
            value = element[key]
            info = context.term(key)
            expanded_property = info.expanded
            kind = info.kind
            if (
                kind == PROPERTY
                and info.scoped is None
                and not info.reverse
                and not info.container
                and info.type != "@json"
                and type(value) in (str, dict)
            ):
                # The common case: a plain term with a string or a node object.
                if type(value) is str:
                    expanded_value = self.value(context, key, value)
                else:
                    expanded_value = self.expand(context, key, value, False, False, None)
                if expanded_value is None:
                    continue
                if type(expanded_value) is list:
                    result.setdefault(expanded_property, []).extend(expanded_value)
                else:
                    result.setdefault(expanded_property, []).append(expanded_value)
                continue
            if kind == DROP:
                continue  # step 13.3: dropped
            if kind == KEYWORD:
                if expanded_active_property == "@reverse":
                    raise Unsupported("invalid reverse property map")
                if expanded_property in result and expanded_property not in (
                    "@included",
                    "@type",
                ):
                    raise Unsupported("colliding keywords")
                if expanded_property == "@id":
                    if not isinstance(value, str):
                        raise Unsupported("invalid @id value")
                    expanded_id = context.id_iri(value)
                    if not isinstance(expanded_id, str):
                        raise Unsupported("@id expands to null")
                    result["@id"] = expanded_id
                    continue
                if expanded_property == "@type":
                    if value is None:
                        _add(result, "@type", None, as_array=False)
                        continue
                    values = _arrayify(value)
                    if not all(isinstance(item, str) for item in values):
                        raise Unsupported("invalid type value")
                    _add(
                        result,
                        "@type",
                        [type_scoped.type_iri(item) for item in values],
                        as_array=False,
                    )
                    continue
                if expanded_property == "@value":
                    unexpanded_value = value
                    if not is_json and isinstance(value, list | dict):
                        raise Unsupported("invalid value object value")
                    result["@value"] = value
                    continue
                if expanded_property == "@language":
                    if value is None:
                        continue
                    if not isinstance(value, str):
                        raise Unsupported("invalid language-tagged string")
                    result["@language"] = value.lower()
                    continue
                if expanded_property == "@direction":
                    if value not in ("ltr", "rtl"):
                        raise Unsupported("invalid base direction")
                    result["@direction"] = value
                    continue
                if expanded_property == "@index":
                    if not isinstance(value, str):
                        raise Unsupported("invalid @index value")
                    result["@index"] = value
                    continue
                if expanded_property == "@reverse":
                    self.reverse_keyword(context, value, result, inside_list)
                    continue
                if expanded_property not in _FALLTHROUGH_KEYWORDS:
                    raise Unsupported(f"keyword {expanded_property} in a node object")
                if expanded_property == "@graph" and not isinstance(value, dict | list):
                    raise Unsupported("invalid @graph value")
            # step 13.6: the term's scoped context
            term_context = context.term_context(key, info)
            if expanded_property == "@nest":
                nests.append((key, term_context))
                continue
            container = info.container
            if "@language" in container and isinstance(value, dict):
                expanded_value = self.language_map(term_context, value, info.direction)
            elif "@index" in container and isinstance(value, dict):
                index_key = term_context.term(key).index
                if index_key is not None and index_key != "@index":
                    raise Unsupported("property-valued index map")
                expanded_value = self.index_map(
                    term_context, key, value, "@index", "@graph" in container
                )
            elif "@id" in container and isinstance(value, dict):
                expanded_value = self.index_map(
                    term_context, key, value, "@id", "@graph" in container
                )
            elif "@type" in container and isinstance(value, dict):
                expanded_value = self.index_map(
                    term_context.previous(), key, value, "@type", as_graph=False
                )
            elif expanded_property in ("@list", "@set"):
                is_list = expanded_property == "@list"
                next_property = active_property
                if is_list and expanded_active_property == "@graph":
                    next_property = None
                expanded_value = self.expand(
                    term_context, next_property, value, is_list, False, None
                )
            elif info.type == "@json":
                expanded_value = {"@type": "@json", "@value": value}
            else:
                expanded_value = self.expand(term_context, key, value, False, False, None)
            if expanded_value is None:
                continue
            if (
                expanded_property != "@list"
                and not (isinstance(expanded_value, dict) and "@list" in expanded_value)
                and "@list" in container
            ):
                expanded_value = {"@list": _arrayify(expanded_value)}
            if "@graph" in container and "@id" not in container and "@index" not in container:
                expanded_value = [{"@graph": [item]} for item in _arrayify(expanded_value)]
            mapping = term_context.mappings.get(key)
            if mapping and mapping.get("reverse"):
                reverse_map = result.setdefault("@reverse", {})
                for item in _arrayify(expanded_value):
                    if not isinstance(item, dict) or "@value" in item or "@list" in item:
                        raise Unsupported("invalid reverse property value")
                    _add(reverse_map, expanded_property, item, as_array=True)
                continue
            _add(
                result,
                expanded_property,
                expanded_value,
                as_array=expanded_property not in _NOT_ARRAY,
            )
        if (
            "@value" in result
            and result.get("@type") != "@json"
            and isinstance(unexpanded_value, dict | list)
        ):
            raise Unsupported("invalid value object value")
        for key, term_context in nests:  # step 14
            for nested in _arrayify(element[key]):
                if not isinstance(nested, dict):
                    raise Unsupported("invalid @nest value")
                nested_context, nested_type_key, nested_scoped = self.prepare(term_context, nested)
                if any(nested_context.vocab(k) == "@value" for k in nested):
                    raise Unsupported("invalid @nest value")
                self.object(
                    nested_context,
                    active_property,
                    expanded_active_property,
                    nested,
                    result,
                    inside_list,
                    nested_type_key,
                    nested_scoped,
                    nested_scoped,
                )
        self.depth -= 1

    def reverse_keyword(
        self, context: ActiveContext, value: Any, result: dict[str, Any], inside_list: bool
    ) -> None:
        """5.1.2 step 13.4.13: an ``@reverse`` map."""
        if not isinstance(value, dict):
            raise Unsupported("invalid @reverse value")
        expanded = self.expand(context, "@reverse", value, inside_list, False, None)
        if not isinstance(expanded, dict):
            raise Unsupported("unexpected @reverse expansion")
        if "@reverse" in expanded:
            for prop, items in expanded["@reverse"].items():
                _add(result, prop, items, as_array=True)
        reverse_map = result.get("@reverse")
        for prop, items in expanded.items():
            if prop == "@reverse":
                continue
            if reverse_map is None:
                reverse_map = result["@reverse"] = {}
            _add(reverse_map, prop, [], as_array=True)
            for item in items:
                if not isinstance(item, dict) or "@value" in item or "@list" in item:
                    raise Unsupported("invalid reverse property value")
                _add(reverse_map, prop, item, as_array=True)

    def language_map(
        self, context: ActiveContext, language_map: dict[str, Any], direction: Any
    ) -> list[Any]:
        """5.1.2 step 13.7: a language map."""
        result: list[Any] = []
        for key in sorted(language_map):
            expanded_key = context.vocab(key)
            for item in _arrayify(language_map[key]):
                if item is None:
                    continue
                if not isinstance(item, str):
                    raise Unsupported("invalid language map value")
                value: dict[str, Any] = {"@value": item}
                if expanded_key != "@none":
                    value["@language"] = key.lower()
                if direction:
                    value["@direction"] = direction
                result.append(value)
        return result

    def index_map(
        self,
        context: ActiveContext,
        active_property: str,
        value: dict[str, Any],
        index_key: str,
        as_graph: bool,
    ) -> list[Any]:
        """5.1.2 step 13.8: an index, id or type map (not property-valued indexes)."""
        result: list[Any] = []
        is_type = index_key == "@type"
        for key in sorted(value):
            if is_type:
                scoped = context.term(key).scoped
                if scoped is not None:
                    context = context.process(scoped, propagate=False)
            items = self.expand(context, active_property, _arrayify(value[key]), False, True, None)
            expanded_key = context.vocab(key)
            label: Any = key
            if index_key == "@id":
                label = context.id_iri(key)
            elif is_type:
                label = expanded_key
            for raw_item in items:
                item = raw_item
                if as_graph and not _is_graph(item):
                    item = {"@graph": [item]}
                if not isinstance(item, dict):
                    raise Unsupported("unexpected index map item")
                if is_type:
                    if "@value" in item:
                        raise Unsupported("value object in a type map")
                    if expanded_key == "@none":
                        pass
                    elif item.get("@type"):
                        item["@type"] = [label, *item["@type"]]
                    else:
                        item["@type"] = [label]
                elif "@value" in item and index_key != "@index":
                    raise Unsupported("invalid value object")
                elif expanded_key != "@none" and index_key not in item:
                    item[index_key] = label
                result.append(item)
        return result

    # 5.3.2 Value Expansion ------------------------------------------------------------
    def value(self, context: ActiveContext, active_property: str | None, value: Any) -> Any:
        info = context.term(active_property)
        expanded_property = info.expanded
        if expanded_property == "@id":
            return context.id_iri(value)
        if expanded_property == "@type":
            return context.type_iri(value)
        type_ = info.type
        if (type_ == "@id" or expanded_property == "@graph") and isinstance(value, str):
            return {"@id": context.id_iri(value)}
        if type_ == "@vocab" and isinstance(value, str):
            return {"@id": context.type_iri(value)}
        if _is_keyword(expanded_property):
            return value
        result: dict[str, Any] = {}
        if type_ is not None and type_ not in ("@id", "@vocab", "@none"):
            result["@type"] = type_
        elif isinstance(value, str):
            if info.language is not None:
                result["@language"] = info.language
            if info.direction is not None:
                result["@direction"] = info.direction
        result["@value"] = value
        return result

    # safe mode ----------------------------------------------------------------------
    def check_terms(
        self, context: ActiveContext, element: dict[str, Any], type_scoped: ActiveContext
    ) -> None:
        """microcred safe mode (:mod:`..terms`): every key and type must be defined."""
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = context.vocab(key)
            if not _defined(expanded):
                raise HasUndefinedTerms(key)
            if expanded != "@type":
                continue
            for item in _arrayify(value):
                if isinstance(item, str) and not _defined(type_scoped.type_iri(item)):
                    raise HasUndefinedTerms(item)


def _is_graph(value: Any) -> bool:
    """pyld's ``_is_graph``: an object with ``@graph`` and only ``@id``/``@index``."""
    return (
        isinstance(value, dict)
        and "@graph" in value
        and all(key in ("@graph", "@id", "@index") for key in value)
    )
