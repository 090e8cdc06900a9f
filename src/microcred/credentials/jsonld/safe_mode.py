"""Safe mode through the fast engine, with the general check as fallback.

:func:`undefined_terms` and :func:`ensure_fully_defined` have the meaning and results of
:mod:`.terms` (vc-data-integrity, section 4 "safe mode"). For a document the fast engine
handles and in which every property and type is defined, the answer (``[]``) comes from
the fast engine; in every other case, and to name the undefined terms with their paths,
the general check in :mod:`.terms` runs.

:func:`canonicalize_safe` is what signing needs: the safe-mode check and the RDFC-1.0
canonical form, from one walk of the document when the fast engine handles it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from microcred.credentials.errors import UndefinedTermError
from microcred.credentials.jsonld import terms
from microcred.credentials.jsonld.fast import (
    Engine,
    Unsupported,
    all_terms_defined,
    canonicalize_checked,
)
from microcred.credentials.jsonld.loader import DEFAULT_LOADER, DocumentLoader
from microcred.credentials.jsonld.rdf import canonicalize

__all__ = ["canonicalize_safe", "ensure_fully_defined", "undefined_terms"]


def undefined_terms(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None, engine: Engine = "auto"
) -> list[str]:
    """Every property and type in ``document`` that its contexts do not define.

    See :func:`microcred.credentials.jsonld.terms.undefined_terms`; ``engine`` chooses
    the engine (``"fast"`` raises :class:`~.fast.Unsupported` instead of falling back).
    """
    if engine != "general" and isinstance(document, dict):
        try:
            if all_terms_defined(document, loader or DEFAULT_LOADER):
                return []
        except Unsupported:
            if engine == "fast":
                raise
        if engine == "fast":
            raise Unsupported("undefined terms: the general check names them")
    return terms.undefined_terms(document, loader=loader)


def ensure_fully_defined(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None, engine: Engine = "auto"
) -> None:
    """Safe mode: raise :class:`UndefinedTermError` naming every undefined term or type."""
    found = undefined_terms(document, loader=loader, engine=engine)
    if found:
        raise UndefinedTermError(found)


def canonicalize_safe(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader | None = None,
    hash_algorithm: str = "sha256",
    engine: Engine = "auto",
) -> str:
    """Safe mode, then RDFC-1.0: :func:`ensure_fully_defined` and :func:`.rdf.canonicalize`.

    The same result and errors as calling the two (first the check, raising
    :class:`UndefinedTermError` naming every undefined term, then the canonicalization),
    but the fast engine walks the document once for both.
    """
    if engine != "general" and isinstance(document, dict):
        try:
            nquads, defined = canonicalize_checked(
                document, loader or DEFAULT_LOADER, hash_algorithm=hash_algorithm
            )
        except Unsupported:
            if engine == "fast":
                raise
        else:
            if not defined:
                found = terms.undefined_terms(document, loader=loader)
                if found:
                    raise UndefinedTermError(found)
            return nquads
    ensure_fully_defined(document, loader=loader, engine=engine)
    return canonicalize(document, loader=loader, hash_algorithm=hash_algorithm, engine=engine)
