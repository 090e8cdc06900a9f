"""Processed JSON-LD contexts, cached per loader (JSON-LD 1.1 API, 4.1 Context Processing).

The fast engine never re-processes a context it has seen. Context processing itself (4.1.2
"Context Processing Algorithm" and 4.2.2 "Create Term Definition": ``@protected``,
``@vocab``, ``@base``, ``@import``, ``@propagate``, type coercion, containers, scoped
contexts, keyword aliases) is done once by pyld, the general engine, so the fast engine's
term definitions are exactly the general engine's. What is cached:

* the result of processing a local context against an active context (4.1.2), keyed by
  the active context and the local context's value and flags;
* per term, the values expansion needs (4.2.2's term definition, read as 5.1.2 needs it);
* IRI expansions (5.2 "IRI Expansion") of terms, type values and node ids.

An :class:`ActiveContext` is immutable once made; its memo tables only grow (bounded) and
are filled with ``dict`` assignments, so concurrent readers never see a partial value.
Context processing runs under one lock, since pyld's own caches are not thread-safe.

The cache for a loader lives as long as the loader (a weak reference), so two loaders that
map a URL differently never share a processed context.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable
from typing import Any, Final

from pyld import jsonld  # type: ignore[import-untyped,unused-ignore]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped,unused-ignore]

from microcred.credentials.errors import UnknownContextError
from microcred.credentials.jsonld.loader import DocumentLoader
from microcred.credentials.jsonld.rdf import _WELL_FORMED_IRI, pyld_document_loader
from microcred.credentials.jsonld.terms import UNDEFINED_TERM_VOCAB

__all__ = ["ActiveContext", "TermInfo", "Unsupported", "root_context"]

#: Beyond this many entries a memo table is emptied (ids of documents are all different).
MEMO_LIMIT: Final = 4096
#: Deeper nesting (node objects and arrays, counted by :mod:`.walk` and :mod:`.expand`) is
#: left to the general engine. The pure-Python modules would hit Python's recursion limit
#: at about this depth anyway; the mypyc-compiled ones do not check recursion at all and
#: would otherwise recurse on the C stack without bound.
MAX_DEPTH: Final = 500

_PROCESSOR = jsonld.JsonLdProcessor()
_LOCK = threading.RLock()
_JsonLdError: type[Exception] = jsonld.JsonLdError
_is_keyword: Callable[[Any], bool] = jsonld._is_keyword
_is_absolute_iri: Callable[[Any], Any] = jsonld._is_absolute_iri  # a re.Match, None or False
DROP: Final = 0
KEYWORD: Final = 1
PROPERTY: Final = 2
_get_context_value: Callable[[Any, Any, Any], Any] = jsonld.JsonLdProcessor.get_context_value


def _defined(iri: Any) -> bool:
    """microcred safe mode (:mod:`..terms`): does this expanded key or type have a definition?"""
    if not isinstance(iri, str):
        return False
    if iri.startswith("@"):
        return bool(_is_keyword(iri))
    return ":" in iri and not iri.startswith(UNDEFINED_TERM_VOCAB)


class Unsupported(Exception):
    """Internal signal: the fast engine does not handle this input; use the general one.

    Raised for every input the fast engine does not cover or that is not valid JSON-LD
    (the general engine then reports the precise error).
    """


class TermInfo:
    """What expansion (JSON-LD 1.1 API 5.1.2) reads from one term's definition."""

    __slots__ = (
        "container",
        "defined",
        "direction",
        "expanded",
        "index",
        "kind",
        "language",
        "plain",
        "predicate",
        "reverse",
        "scoped",
        "term_context",
        "type",
    )

    def __init__(self, context: ActiveContext, key: str | None) -> None:
        raw = context.raw
        self.expanded: Any = context.vocab(key)
        #: 5.1.2 step 13.3: DROP (not an absolute IRI nor a keyword), KEYWORD or PROPERTY
        self.kind = (
            KEYWORD
            if _is_keyword(self.expanded)
            else PROPERTY
            if self.expanded is not None and _is_absolute_iri(self.expanded)
            else DROP
        )
        value = _get_context_value(raw, key, "@container")
        self.container: tuple[Any, ...] = (
            () if value is None else tuple(value) if isinstance(value, list) else (value,)
        )
        self.type: Any = _get_context_value(raw, key, "@type")
        self.language: Any = _get_context_value(raw, key, "@language")
        self.direction: Any = _get_context_value(raw, key, "@direction")
        self.index: Any = _get_context_value(raw, key, "@index")
        self.scoped: Any = _get_context_value(raw, key, "@context")
        mapping = raw["mappings"].get(key) if key is not None else None
        self.reverse = bool(mapping and mapping.get("reverse"))
        # 5.1.2 step 13.6: the term's scoped context, propagated, overriding protection.
        self.term_context: ActiveContext | None = None
        #: microcred safe mode (:mod:`..terms`): the key expands to a defined IRI or keyword
        self.defined = _defined(self.expanded)
        #: the predicate as an N-Quads term (6.1: blank node predicates and IRIs that are
        #: not well-formed produce no triple, ``None``)
        self.predicate: str | None = None
        if (
            self.kind == PROPERTY
            and not self.expanded.startswith("_:")
            and _WELL_FORMED_IRI.fullmatch(self.expanded)
        ):
            self.predicate = f"<{self.expanded}>"
        #: the single-walk path (:mod:`.walk`) handles this term's values: no container
        #: but ``@set`` or ``@list``, no reverse, no ``@json``, no language or direction, and a type
        #: coercion that is ``@id``, ``@vocab``, ``@none`` or an absolute datatype IRI.
        self.plain = (
            self.kind == PROPERTY
            and not self.reverse
            and self.container in ((), ("@set",), ("@list",))
            and self.language is None
            and self.direction is None
            and (
                self.type in (None, "@id", "@vocab", "@none")
                or (
                    isinstance(self.type, str)
                    and bool(_is_absolute_iri(self.type))
                    and not self.type.startswith("_:")
                )
            )
        )


class ActiveContext:
    """A processed active context (pyld's representation) plus memo tables."""

    __slots__ = (
        "__weakref__",
        "_by_identity",
        "_by_value",
        "_ids",
        "_previous",
        "_terms",
        "_types",
        "_vocab",
        "base",
        "mappings",
        "owner",
        "raw",
    )

    def __init__(self, raw: Any, owner: _LoaderCache) -> None:
        self.raw = raw
        self.owner = owner
        self.base = owner.base
        self.mappings: dict[str, Any] = raw["mappings"]
        self._vocab: dict[str, Any] = {}
        self._types: dict[str, Any] = {}
        self._ids: dict[str, Any] = {}
        self._terms: dict[str | None, TermInfo] = {}
        self._by_identity: dict[tuple[int, bool, bool], tuple[Any, ActiveContext]] = {}
        self._by_value: dict[tuple[Any, bool, bool], ActiveContext] = {}
        self._previous: ActiveContext | None = None

    # -- 5.2 IRI Expansion ------------------------------------------------------------
    def vocab(self, value: Any) -> Any:
        """Expand a key or term with ``vocab: true`` and no document base."""
        if not isinstance(value, str):
            return value
        found = self._vocab.get(value, self)
        if found is self:
            found = self._expand(value, vocab=True, base=None, memo=self._vocab)
        return found

    def type_iri(self, value: Any) -> Any:
        """Expand a type value: ``vocab: true`` and the document base (5.1.2 step 13.4.4)."""
        if not isinstance(value, str):
            return value
        found = self._types.get(value, self)
        if found is self:
            found = self._expand(value, vocab=True, base=self.base, memo=self._types)
        return found

    def id_iri(self, value: Any) -> Any:
        """Expand a node id: document-relative, no vocabulary (5.1.2 step 13.4.3)."""
        if not isinstance(value, str):
            return value
        found = self._ids.get(value, self)
        if found is self:
            found = self._expand(value, vocab=False, base=self.base, memo=self._ids)
        return found

    def _expand(self, value: str, *, vocab: bool, base: Any, memo: dict[str, Any]) -> Any:
        try:
            result = _PROCESSOR._expand_iri(self.raw, value, base=base, vocab=vocab)
        except (_JsonLdError, TypeError, ValueError, AttributeError) as error:
            raise Unsupported(f"IRI expansion of {value!r}") from error
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        memo[value] = result
        return result

    # -- term definitions -------------------------------------------------------------
    def term(self, key: str | None) -> TermInfo:
        """The (memoized) term definition values for ``key``."""
        info = self._terms.get(key)
        if info is None:
            info = TermInfo(self, key)
            if len(self._terms) >= MEMO_LIMIT:
                self._terms.clear()
            self._terms[key] = info
        return info

    def term_context(self, key: str, info: TermInfo) -> ActiveContext:
        """5.1.2 step 13.6: this context with ``key``'s scoped context applied."""
        if info.scoped is None:
            return self
        found = info.term_context
        if found is None:
            found = info.term_context = self.process(info.scoped, override_protected=True)
        return found

    # -- 4.1.2 Context Processing -----------------------------------------------------
    def previous(self) -> ActiveContext:
        """The context before a non-propagated (type-scoped) context was applied."""
        if self._previous is None:
            raw = self.raw.get("previousContext")
            self._previous = self if raw is None else ActiveContext(raw, self.owner)
        return self._previous

    @property
    def has_previous(self) -> bool:
        """Whether this context was made by a non-propagated (type-scoped) context."""
        return bool(self.raw.get("previousContext"))

    def process(
        self, local: Any, *, propagate: bool = True, override_protected: bool = False
    ) -> ActiveContext:
        """Process ``local`` against this context (memoized)."""
        by_identity = self._by_identity.get((id(local), propagate, override_protected))
        if by_identity is not None and by_identity[0] is local:
            return by_identity[1]
        value_key = (_context_key(local), propagate, override_protected)
        found = self._by_value.get(value_key)
        if found is None:
            found = self.owner.process(self, local, propagate, override_protected)
            if len(self._by_value) >= MEMO_LIMIT:
                self._by_value.clear()
            self._by_value[value_key] = found
        if len(self._by_identity) >= MEMO_LIMIT:
            self._by_identity.clear()
        self._by_identity[(id(local), propagate, override_protected)] = (local, found)
        return found


def _context_key(local: Any) -> Any:
    """A hashable key for a local context value (strings and lists of strings are cheap)."""
    if isinstance(local, str):
        return local
    if isinstance(local, list) and all(isinstance(item, str) for item in local):
        return tuple(local)
    try:
        return json.dumps(local, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise Unsupported("context is not JSON") from error


class _LoaderCache:
    """The processed contexts for one loader and one document base."""

    def __init__(self, loader: DocumentLoader, base: str | None) -> None:
        self.base = base
        pyld_loader = pyld_document_loader(loader)
        self.options: dict[str, Any] = {
            "base": base,
            "documentLoader": pyld_loader,
            "contextResolver": ContextResolver({}, pyld_loader),
            "processingMode": "json-ld-1.1",
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "extractAllScripts": False,
        }
        with _LOCK:
            initial = _PROCESSOR._get_initial_context(self.options)
        self.initial = ActiveContext(initial, self)
        self.roots: dict[Any, ActiveContext] = {}

    def process(
        self, active: ActiveContext, local: Any, propagate: bool, override_protected: bool
    ) -> ActiveContext:
        with _LOCK:
            try:
                raw = _PROCESSOR._process_context(
                    active.raw,
                    local,
                    self.options,
                    override_protected=override_protected,
                    propagate=propagate,
                )
            except UnknownContextError as error:
                raise Unsupported("unknown context") from error
            except (
                _JsonLdError,
                TypeError,
                ValueError,
                KeyError,
                AttributeError,
                IndexError,
                RecursionError,
            ) as error:
                raise Unsupported(f"context processing failed: {error}") from error
        return ActiveContext(raw, self)


_CACHES: weakref.WeakKeyDictionary[Any, dict[Any, _LoaderCache]] = weakref.WeakKeyDictionary()


def root_context(
    loader: DocumentLoader, base: str | None = None, expand_context: Any = None
) -> ActiveContext:
    """The initial active context for ``loader`` and ``base`` (plus ``expand_context``).

    Cached per loader object for as long as it lives; loaders that cannot be weakly
    referenced get a fresh (uncached) context each time.
    """
    key = (base, None if expand_context is None else _context_key(expand_context))
    try:
        per_loader = _CACHES.get(loader)
    except TypeError:
        per_loader = None
        cacheable = False
    else:
        cacheable = True
    cache = per_loader.get(key) if per_loader is not None else None
    if cache is None:
        cache = _LoaderCache(loader, base)
        if expand_context is not None:
            local = expand_context
            if isinstance(local, dict) and "@context" in local:
                local = local["@context"]
            cache.initial = cache.initial.process(local)
        if cacheable:
            with _LOCK:
                _CACHES.setdefault(loader, {})[key] = cache
    return cache.initial
