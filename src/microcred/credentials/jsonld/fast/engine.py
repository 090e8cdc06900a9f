"""The fast engine: cached contexts, direct expansion, direct quads, RDFC-1.0.

Each function raises :class:`~.contexts.Unsupported` when the document is outside what the
fast engine handles (or is not valid JSON-LD); :mod:`microcred.credentials.jsonld.rdf`
then runs the general engine, which gives the same answer or the precise error.
"""

from __future__ import annotations

from typing import Any

from microcred.credentials.jsonld.fast.canon import canonical_nquads
from microcred.credentials.jsonld.fast.contexts import Unsupported, root_context
from microcred.credentials.jsonld.fast.expand import Expander, HasUndefinedTerms
from microcred.credentials.jsonld.fast.quads import Emitter, TermQuad
from microcred.credentials.jsonld.loader import DocumentLoader
from microcred.credentials.jsonld.nquads import Quad, parse_nquads

__all__ = [
    "HasUndefinedTerms",
    "Unsupported",
    "all_terms_defined",
    "canonicalize",
    "expand",
    "term_quads",
    "to_rdf",
]


def expand(
    document: Any,
    loader: DocumentLoader,
    *,
    base: str | None = None,
    expand_context: Any = None,
    audit: bool = False,
) -> list[Any]:
    """The expanded form of ``document`` (JSON-LD 1.1 API 9.1 ``expand()``)."""
    if not isinstance(document, dict | list):
        raise Unsupported("not a JSON object or array")
    context = root_context(loader, base, expand_context)
    try:
        return Expander(audit=audit).document(context, document)
    except RecursionError:
        raise Unsupported("nested too deeply") from None


def term_quads(
    document: Any, loader: DocumentLoader, *, base: str | None = None, expand_context: Any = None
) -> list[TermQuad]:
    """The RDF dataset of ``document`` as quads of canonical N-Quads terms."""
    expanded = expand(document, loader, base=base, expand_context=expand_context)
    try:
        return Emitter().document(expanded)
    except RecursionError:
        raise Unsupported("nested too deeply") from None


def canonicalize(document: Any, loader: DocumentLoader, *, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of ``document``."""
    return canonical_nquads(term_quads(document, loader), hash_algorithm=hash_algorithm)


def to_rdf(
    document: Any, loader: DocumentLoader, *, base: str | None = None, expand_context: Any = None
) -> list[Quad]:
    """The RDF dataset of ``document`` as :class:`Quad` objects (no duplicates)."""
    quads = dict.fromkeys(term_quads(document, loader, base=base, expand_context=expand_context))
    text = "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)
    return parse_nquads(text)


def all_terms_defined(document: Any, loader: DocumentLoader) -> bool:
    """Safe mode: ``True`` when every property and type of ``document`` is defined.

    ``False`` means at least one is not; the general check then names them all.
    """
    try:
        expand(document, loader, audit=True)
    except HasUndefinedTerms:
        return False
    return True
