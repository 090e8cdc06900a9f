"""The fast JSON-LD engine: contexts processed once, documents turned into quads directly.

* :mod:`.contexts`: processed contexts and term definitions, cached per loader;
* :mod:`.expand`: JSON-LD 1.1 expansion over the cached contexts (and safe mode);
* :mod:`.quads`: expanded JSON-LD to RDF quads (canonical N-Quads terms);
* :mod:`.canon`: RDFC-1.0 over those quads;
* :mod:`.engine`: the entry points :func:`canonicalize`, :func:`to_rdf`,
  :func:`all_terms_defined`.

Everything raises :class:`Unsupported` for input the fast engine does not cover;
:mod:`microcred.credentials.jsonld.rdf` and :mod:`microcred.credentials.jsonld.safe_mode`
then fall back to the general engine (pyld). ``engine="general"`` forces the general
engine, ``engine="fast"`` forbids the fallback (for tests and benchmarks).
"""

from __future__ import annotations

from microcred.credentials.jsonld.fast.engine import (
    HasUndefinedTerms,
    Unsupported,
    all_terms_defined,
    canonicalize,
    canonicalize_checked,
    checked_term_quads,
    expand,
    term_quads,
    to_rdf,
)
from microcred.credentials.jsonld.rdf import Engine

__all__ = [
    "Engine",
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
