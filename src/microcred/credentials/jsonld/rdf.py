"""JSON-LD to RDF (JSON-LD 1.1 Processing Algorithms, section 6 "RDF Serialization").

Two engines implement it. The fast engine (:mod:`.fast`) processes each context once and
turns documents into quads directly; it is used by default (``engine="auto"``) and falls
back to the general engine for anything it does not handle. The general engine is
pyld's expansion and Deserialize JSON-LD to RDF (``jsonld.to_rdf``); ``engine="general"``
forces it. Both give the same dataset (tests/conformance/test_fast_engine.py). Two rules
keep pyld safe and exact here:

* pyld only ever sees our :data:`DocumentLoader` (wrapped as its ``documentLoader``), so it
  cannot fetch anything; an unknown context surfaces as :class:`UnknownContextError`.
* We take pyld's *dataset objects*, never its N-Quads text: pyld's serializer drops or
  mis-escapes control characters in literals (it does not produce the canonical N-Quads
  escapes of RDFC-1.0 section 4.9). Our :mod:`.nquads` serializer does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from typing import Literal as Literal_

from pyld import jsonld  # type: ignore[import-untyped,unused-ignore]

from microcred.credentials.errors import (
    CanonicalizationError,
    MalformedDocument,
    UnknownContextError,
)
from microcred.credentials.jsonld.loader import DEFAULT_LOADER, DocumentLoader, copy_json
from microcred.credentials.jsonld.nquads import (
    RDF_LANGSTRING,
    XSD_STRING,
    BlankNode,
    GraphName,
    Iri,
    Literal,
    Object,
    Quad,
)
from microcred.credentials.jsonld.rdfc import canonicalize_dataset

#: ``"auto"``: the fast engine, falling back to the general one; ``"fast"``; ``"general"``.
Engine = Literal_["auto", "fast", "general"]

__all__ = ["Engine", "canonicalize", "pyld_document_loader", "raise_for_jsonld_error", "to_rdf"]

JsonLdError: type[Exception] = jsonld.JsonLdError


def pyld_document_loader(loader: DocumentLoader) -> Any:
    """Adapt a :data:`DocumentLoader` to pyld's ``documentLoader(url, options)`` contract.

    The remote document carries no cache ``tag``, so pyld keeps what it resolves from it
    in a per-operation cache only, never in its process-wide cache: two loaders that map a
    URL differently never see each other's contexts.
    """

    def load(url: str, options: Any = None) -> dict[str, Any]:
        del options
        return {"contextUrl": None, "documentUrl": url, "document": loader(url)}

    return load


def raise_for_jsonld_error(error: BaseException) -> None:
    """Translate a pyld failure into a typed microcred error (always raises).

    An :class:`UnknownContextError` raised by our loader inside pyld is re-raised as is.
    Any other JSON-LD error becomes a :class:`CanonicalizationError` naming the JSON-LD
    error code (e.g. ``invalid IRI mapping``); the pyld error stays as ``__cause__``.
    """
    cause: BaseException | None = error
    code: str | None = None
    detail = str(error)
    while cause is not None:
        if isinstance(cause, UnknownContextError):
            raise UnknownContextError(cause.url) from None
        found = getattr(cause, "code", None)
        if isinstance(found, str) and code is None:
            code = found
            detail = str(getattr(cause, "message", cause))
        cause = cause.__cause__
    raise CanonicalizationError(
        f"The document is not valid JSON-LD ({code or 'unknown error'}: "
        f"{detail.splitlines()[0] if detail else ''}). Fix the document; check its "
        "@context and that every value has the shape its term requires.",
    ) from error


# JSON-LD 1.1 API 6.1/7.x: only well-formed IRIs and language tags produce triples. pyld
# does not check this, and an IRI holding ``>`` or a space would make the canonical
# N-Quads ambiguous (one text, two datasets), so the check is done here.
_IRI_CHARS = r"[^\x00-\x20<>\"{}|^`\\#]*"
_WELL_FORMED_IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:{_IRI_CHARS}(?:#{_IRI_CHARS})?")
_WELL_FORMED_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_BLANK_NODE_LABEL = re.compile(r"_:[^\x00-\x20<>\"{}|^`\\.]+(?:\.+[^\x00-\x20<>\"{}|^`\\.]+)*")


def _term(value: Mapping[str, Any]) -> Object | None:
    """A pyld RDF term as ours, or ``None`` when it is not well-formed (dropped)."""
    kind = value["type"]
    text = value["value"]
    if kind == "IRI":
        return Iri(text) if _WELL_FORMED_IRI.fullmatch(text) else None
    if kind == "blank node":
        return BlankNode(text[2:]) if _BLANK_NODE_LABEL.fullmatch(text) else None
    language = value.get("language")
    if language is not None:
        if not _WELL_FORMED_LANGUAGE.fullmatch(language):
            return None
        return Literal(text, RDF_LANGSTRING, language)
    datatype = value.get("datatype") or XSD_STRING
    if not _WELL_FORMED_IRI.fullmatch(datatype):
        return None
    return Literal(text, datatype)


def _graph(name: str) -> GraphName | Literal_[False]:
    """The graph name, ``None`` for the default graph, ``False`` if not well-formed."""
    if name == "@default":
        return None
    if name.startswith("_:"):
        return BlankNode(name[2:]) if _BLANK_NODE_LABEL.fullmatch(name) else False
    return Iri(name) if _WELL_FORMED_IRI.fullmatch(name) else False


def to_rdf(
    document: Mapping[str, Any] | Sequence[Any],
    *,
    loader: DocumentLoader | None = None,
    base: str | None = None,
    options: Mapping[str, Any] | None = None,
    engine: Engine = "auto",
) -> list[Quad]:
    """Convert a JSON-LD document to an RDF dataset (a list of quads, no duplicates).

    ``base`` is the document's base IRI. By default there is none, as for credentials:
    relative IRIs stay relative and RDF conversion drops them (JSON-LD 1.1 API 6.1;
    pyld would otherwise resolve them against its made-up ``http://example.org/base/``). ``options``
    passes further JSON-LD API options to the processor: ``processingMode``,
    ``expandContext``, ``produceGeneralizedRdf``, ``rdfDirection``. Contexts come from
    ``loader`` (default: the bundled contexts); unknown ones raise
    :class:`UnknownContextError`, invalid JSON-LD raises :class:`CanonicalizationError`.
    ``engine`` is ``"auto"`` (fast engine, general fallback), ``"fast"`` (no fallback:
    raises :class:`~.fast.Unsupported`) or ``"general"``.
    """
    if engine != "general":
        from microcred.credentials.jsonld import fast  # noqa: PLC0415 - fast imports rdf

        expand_context = _fast_options(options)
        if expand_context is False:
            if engine == "fast":
                raise fast.Unsupported(f"options {sorted(options or {})}")
        else:
            try:
                return fast.to_rdf(
                    document, loader or DEFAULT_LOADER, base=base, expand_context=expand_context
                )
            except fast.Unsupported:
                if engine == "fast":
                    raise
    if not isinstance(document, Mapping | list | tuple):
        raise MalformedDocument(
            f"A JSON-LD document must be a JSON object or array, not {type(document).__name__}."
        )
    pyld_options: dict[str, Any] = dict(options or {})
    pyld_options["documentLoader"] = pyld_document_loader(loader or DEFAULT_LOADER)
    pyld_options["base"] = base
    pyld_options.pop("format", None)
    if "expandContext" in pyld_options and isinstance(pyld_options["expandContext"], Mapping):
        pyld_options["expandContext"] = copy_json(pyld_options["expandContext"])
    try:
        dataset = jsonld.to_rdf(_plain(document), pyld_options)
    except JsonLdError as error:
        raise_for_jsonld_error(error)
        raise  # pragma: no cover - raise_for_jsonld_error always raises
    except RecursionError:
        raise MalformedDocument(
            "The document is nested too deeply to process; flatten it."
        ) from None
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
        # pyld crashes on a few unusual inputs instead of reporting a JSON-LD error.
        raise CanonicalizationError(
            f"The JSON-LD processor could not handle this document ({type(error).__name__}: "
            f"{error}). Simplify the document's @context and values."
        ) from error
    quads: dict[Quad, None] = {}
    for graph_name, triples in dataset.items():
        graph = _graph(graph_name)
        if graph is False:
            continue
        for triple in triples:
            subject = _term(triple["subject"])
            predicate = _term(triple["predicate"])
            obj = _term(triple["object"])
            if (
                subject is None
                or predicate is None
                or obj is None
                or isinstance(subject, Literal)
                or isinstance(predicate, Literal)
            ):
                continue  # not well-formed, or not RDF
            quads[Quad(subject, predicate, obj, graph)] = None
    return list(quads)


def canonicalize(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    hash_algorithm: str = "sha256",
    engine: Engine = "auto",
) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (what eddsa-rdfc-2022 hashes).

    vc-di-eddsa section 3.3.3 (rdfc-2022 "Transformation"): convert the document to an RDF
    dataset, canonicalize it with RDFC-1.0, serialize as canonical N-Quads. RDFC-1.0's
    internal hash is SHA-256; ecdsa-rdfc-2019 with P-384 keys uses ``"sha384"``
    (vc-di-ecdsa section 3.3.3), which can change the blank node labels. ``engine`` as
    for :func:`to_rdf`.
    """
    if engine != "general":
        from microcred.credentials.jsonld import fast  # noqa: PLC0415 - fast imports rdf

        try:
            return fast.canonicalize(
                document, loader or DEFAULT_LOADER, hash_algorithm=hash_algorithm
            )
        except fast.Unsupported:
            if engine == "fast":
                raise
    return canonicalize_dataset(
        to_rdf(document, loader=loader, engine="general"), hash_algorithm=hash_algorithm
    ).nquads


def _fast_options(options: Mapping[str, Any] | None) -> Any:
    """The ``expandContext`` for the fast engine, or ``False`` if it cannot take ``options``."""
    extra = dict(options or {})
    extra.pop("format", None)
    if extra.pop("processingMode", "json-ld-1.1") != "json-ld-1.1":
        return False
    expand_context = extra.pop("expandContext", None)
    if extra:
        return False
    return _plain(expand_context) if isinstance(expand_context, Mapping) else expand_context


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
