"""Safe mode: find the terms and types a document's contexts do not define.

JSON-LD expansion (JSON-LD 1.1 API, section 5.1.2 "Expansion Algorithm", step 13.3) drops
every key that does not expand to an absolute IRI or a keyword, and RDF conversion drops
every ``@type`` value that is only a relative IRI. Such members are invisible to RDFC-1.0
and so are *not covered by a Data Integrity signature*, yet a person reading the JSON sees
them. Safe mode refuses them (vc-data-integrity, section 4 "Algorithms": "safe mode").

The check runs the real JSON-LD expansion (pyld's, with our offline loader) and observes
it: a subclass of pyld's processor looks at each node object with exactly the active
context expansion uses for it, so type-scoped and property-scoped contexts, ``@protected``,
``@propagate``, ``@vocab``, nested ``@context``, keyword aliases (``id``, ``type``) and
``@nest`` behave as they do when signing, and keys inside ``@json`` literal values are
never looked at (they are data, not terms).

Reported as undefined:

* a property whose key does not expand to an absolute IRI or keyword (e.g. ``foo`` with
  no ``@vocab``, or a term the context maps to ``null``);
* a ``type``/``@type`` value that does not expand to an absolute IRI;
* a property or type that only the catch-all ``@vocab`` of
  ``https://www.w3.org/ns/credentials/undefined-terms/v2`` maps, i.e. into
  ``https://www.w3.org/ns/credentials/undefined-term#``. That context (VC 2.0 section
  5.2) exists to keep such terms in the signed data *explicitly marked as undefined*; they
  are signed, but no context gives them a meaning, so microcred still names them.

Each is described with a path of JSON keys (array items as ``[i]``): ``credentialSubject.foo``
for a property and ``credentialSubject.type: Bar`` for a type value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pyld import jsonld  # type: ignore[import-untyped,unused-ignore]

from microcred.credentials.errors import MalformedDocument, UndefinedTermError
from microcred.credentials.jsonld.loader import DEFAULT_LOADER, DocumentLoader
from microcred.credentials.jsonld.rdf import (
    JsonLdError,
    pyld_document_loader,
    raise_for_jsonld_error,
)

__all__ = ["UNDEFINED_TERM_VOCAB", "ensure_fully_defined", "undefined_terms"]

#: The ``@vocab`` of ``https://www.w3.org/ns/credentials/undefined-terms/v2``.
UNDEFINED_TERM_VOCAB: Final = "https://www.w3.org/ns/credentials/undefined-term#"


def _defined(iri: Any) -> bool:
    if not isinstance(iri, str):
        return False
    if iri.startswith("@"):
        return bool(jsonld._is_keyword(iri))
    return ":" in iri and not iri.startswith(UNDEFINED_TERM_VOCAB)


class _Frame:
    __slots__ = ("index", "is_list", "label")

    def __init__(self, label: str | None, *, is_list: bool) -> None:
        self.label = label
        self.is_list = is_list
        self.index = -1


class _TermAuditor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's expansion, recording undefined keys and types with their JSON paths."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, None] = {}
        self._frames: list[_Frame] = []
        self._objects: list[tuple[Mapping[str, Any], int]] = []

    def _path(self) -> str:
        path = ""
        for frame in self._frames:
            if frame.label is None:
                continue
            if frame.label.startswith("["):
                path += frame.label
            else:
                path += ("." if path else "") + frame.label
        return path

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        parent = self._frames[-1] if self._frames else None
        label: str | None
        if parent is not None and parent.is_list:
            parent.index += 1
            label = f"[{parent.index}]"
        elif isinstance(active_property, str) and not active_property.startswith("@"):
            label = active_property
            if parent is not None and parent.label == label and self._objects:
                current = self._objects[-1][0]
                if active_property not in current:
                    label = None  # @list / @set / index-map value of the same property
        else:
            label = None
        self._frames.append(_Frame(label, is_list=isinstance(element, list)))
        try:
            return super()._expand(active_ctx, active_property, element, options, *args, **kwargs)
        finally:
            self._frames.pop()

    def _expand_object(
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        # A call made directly by the enclosing _expand_object (no _expand in between)
        # expands an @nest value: show its key in the path.
        is_nest = bool(self._objects) and self._objects[-1][1] == len(self._frames)
        if is_nest:
            nest_label: str | None = None
            for key, value in self._objects[-1][0].items():
                if value is element or (
                    isinstance(value, list) and any(item is element for item in value)
                ):
                    nest_label = key
                    break
            self._frames.append(_Frame(nest_label, is_list=False))
        self._objects.append((element, len(self._frames)))
        try:
            self._audit(active_ctx, element, options, kwargs.get("type_scoped_ctx"))
            return super()._expand_object(
                active_ctx,
                active_property,
                expanded_active_property,
                element,
                expanded_parent,
                options,
                *args,
                **kwargs,
            )
        finally:
            self._objects.pop()
            if is_nest:
                self._frames.pop()

    def _audit(
        self, active_ctx: Any, element: Mapping[str, Any], options: Any, type_ctx: Any
    ) -> None:
        path = self._path()
        prefix = f"{path}." if path else ""
        for key, value in element.items():
            if key == "@context":
                continue
            expanded = self._expand_iri(active_ctx, key, vocab=True)
            if not _defined(expanded):
                self.found[prefix + key] = None
                continue
            if expanded != "@type":
                continue
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, str):
                    continue
                iri = self._expand_iri(
                    type_ctx or active_ctx, item, vocab=True, base=options.get("base")
                )
                if not _defined(iri):
                    self.found[f"{prefix}{key}: {item}"] = None


def undefined_terms(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None
) -> list[str]:
    """Every property and type in ``document`` that its contexts do not define.

    Returns descriptions such as ``credentialSubject.achievement.foo`` (a property) and
    ``credentialSubject.type: Bar`` (a type value), in document order, without repeats.
    Raises :class:`UnknownContextError` for an unknown context and
    :class:`CanonicalizationError` for invalid JSON-LD.
    """
    if not isinstance(document, Mapping):
        raise MalformedDocument(
            f"A credential must be a JSON object, not {type(document).__name__}."
        )
    auditor = _TermAuditor()
    options = {
        "documentLoader": pyld_document_loader(loader or DEFAULT_LOADER),
        "base": None,  # no base: a relative type stays relative, as in to_rdf
    }
    try:
        auditor.expand(_plain(document), options)
    except JsonLdError as error:
        raise_for_jsonld_error(error)
    except RecursionError:
        raise MalformedDocument(
            "The document is nested too deeply to process; flatten it."
        ) from None
    return list(auditor.found)


def ensure_fully_defined(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None
) -> None:
    """Safe mode: raise :class:`UndefinedTermError` naming every undefined term or type."""
    found = undefined_terms(document, loader=loader)
    if found:
        raise UndefinedTermError(found)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
