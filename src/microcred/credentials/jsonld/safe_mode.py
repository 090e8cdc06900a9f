"""Safe mode through the fast engine, with the general check as fallback.

:func:`undefined_terms` and :func:`ensure_fully_defined` have the meaning and results of
:mod:`.terms` (vc-data-integrity, section 4 "safe mode"). For a document the fast engine
handles and in which every property and type is defined, the answer (``[]``) comes from
the fast engine; in every other case, and to name the undefined terms with their paths,
the general check in :mod:`.terms` runs.

:func:`canonicalize_safe` is what signing needs: the safe-mode check and the RDFC-1.0
canonical form, from one walk of the document when the fast engine handles it.
:func:`undefined_terms_checked` is what verification needs: the safe-mode answer and the
document's RDF dataset (:class:`CheckedDataset`) from one walk, so that verifying the
proof over the same unsecured document does not walk it again.
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
    checked_term_quads,
)
from microcred.credentials.jsonld.fast.canon import canonical_nquads
from microcred.credentials.jsonld.fast.quads import TermQuad
from microcred.credentials.jsonld.loader import DEFAULT_LOADER, DocumentLoader
from microcred.credentials.jsonld.rdf import canonicalize

__all__ = [
    "CheckedDataset",
    "canonicalize_safe",
    "ensure_fully_defined",
    "undefined_terms",
    "undefined_terms_checked",
]


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


class CheckedDataset:
    """The RDF dataset of one document, kept from the walk that checked its terms.

    :meth:`canonical_nquads` is what :func:`.rdf.canonicalize` returns for that document
    (RDFC-1.0 with SHA-256, same loader), computed at most once. It belongs to one
    verification of one document (never reuse it for another): a Data Integrity proof
    over the same unsecured document then needs no second walk; :meth:`describes` says
    whether a document is that one.
    """

    __slots__ = ("_document", "_loader", "_nquads", "_quads")

    def __init__(
        self, document: Mapping[str, Any], quads: list[TermQuad], loader: DocumentLoader
    ) -> None:
        self._document = document
        self._quads = quads
        self._loader = loader
        self._nquads: str | None = None

    def describes(self, document: Mapping[str, Any], loader: DocumentLoader | None) -> bool:
        """Whether ``document`` read with ``loader`` is the walked one: the same loader, and
        the same object or a mapping with the same member names holding the very same
        value objects (as two copies of a credential without its ``proof`` do). Equal but
        distinct values do not count (``1`` and ``1.0`` are equal in Python, not in RDF)."""
        if (loader or DEFAULT_LOADER) is not self._loader:
            return False
        walked = self._document
        if document is walked:
            return True
        if len(document) != len(walked):
            return False
        missing = object()
        return all(walked.get(key, missing) is value for key, value in document.items())

    def canonical_nquads(self) -> str:
        """RDFC-1.0 canonical N-Quads (SHA-256) of the document."""
        found = self._nquads
        if found is None:
            found = self._nquads = canonical_nquads(self._quads)
        return found


def undefined_terms_checked(
    document: Mapping[str, Any], *, loader: DocumentLoader | None = None
) -> tuple[list[str], CheckedDataset | None]:
    """:func:`undefined_terms` (same answer, same errors) and, when the fast engine walked
    the document for that answer, its RDF dataset from the same walk (else ``None``)."""
    if isinstance(document, dict):
        used = loader or DEFAULT_LOADER
        try:
            quads, defined = checked_term_quads(document, used)
        except Unsupported:
            pass  # undefined_terms below gives the answer (or the precise error)
        else:
            found = [] if defined else terms.undefined_terms(document, loader=loader)
            return found, CheckedDataset(document, quads, used)
    return undefined_terms(document, loader=loader), None


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
