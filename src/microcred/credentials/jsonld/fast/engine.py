"""The fast engine: cached contexts, one walk (or expansion then quads), RDFC-1.0.

A plain document (see :mod:`.walk`) is expanded and turned into quads in one walk; any
other goes through :mod:`.expand` and then :mod:`.quads`.

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
from microcred.credentials.jsonld.fast.walk import NotPlain, Walker
from microcred.credentials.jsonld.loader import DocumentLoader
from microcred.credentials.jsonld.nquads import Quad, parse_nquads

__all__ = [
    "HasUndefinedTerms",
    "Unsupported",
    "all_terms_defined",
    "canonicalize",
    "canonicalize_checked",
    "checked_term_quads",
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
    if type(document) is dict:
        try:
            return Walker().walk(root_context(loader, base, expand_context), document)
        except NotPlain:
            pass  # the two-step path below
        except RecursionError:
            raise Unsupported("nested too deeply") from None
    return _two_step_quads(document, loader, base=base, expand_context=expand_context)


def _two_step_quads(
    document: Any, loader: DocumentLoader, *, base: str | None = None, expand_context: Any = None
) -> list[TermQuad]:
    """Expansion (:mod:`.expand`), then quads from the expanded form (:mod:`.quads`)."""
    expanded = expand(document, loader, base=base, expand_context=expand_context)
    try:
        return Emitter().document(expanded)
    except RecursionError:
        raise Unsupported("nested too deeply") from None


def canonicalize(document: Any, loader: DocumentLoader, *, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of ``document``."""
    return canonical_nquads(term_quads(document, loader), hash_algorithm=hash_algorithm)


def canonicalize_checked(
    document: Any, loader: DocumentLoader, *, hash_algorithm: str = "sha256"
) -> tuple[str, bool]:
    """RDFC-1.0 canonical N-Quads of ``document`` and the safe-mode verdict, in one walk.

    The second value is :func:`all_terms_defined`'s answer; a plain document is walked
    once for both, any other is expanded twice (audit, then quads).
    """
    quads, defined = checked_term_quads(document, loader)
    return canonical_nquads(quads, hash_algorithm=hash_algorithm), defined


def checked_term_quads(document: Any, loader: DocumentLoader) -> tuple[list[TermQuad], bool]:
    """:func:`term_quads` of ``document`` and :func:`all_terms_defined`'s verdict, in one
    walk for a plain document (any other is expanded twice: audit, then quads)."""
    if type(document) is not dict:
        raise Unsupported("not a JSON object")
    walker = Walker(audit=True)
    try:
        quads = walker.walk(root_context(loader), document)
        defined = walker.defined
    except NotPlain:
        defined = all_terms_defined(document, loader)
        quads = _two_step_quads(document, loader)
    except RecursionError:
        raise Unsupported("nested too deeply") from None
    return quads, defined


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
    if type(document) is dict:
        walker = Walker(audit=True)
        try:
            walker.walk(root_context(loader), document)
        except NotPlain:
            pass  # the expansion below
        except RecursionError:
            raise Unsupported("nested too deeply") from None
        else:
            return walker.defined
    try:
        expand(document, loader, audit=True)
    except HasUndefinedTerms:
        return False
    return True
