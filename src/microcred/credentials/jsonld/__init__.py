"""JSON-LD for the credential core: bundled contexts, RDF, RDFC-1.0, JCS, safe mode.

* :class:`StaticLoader` / :data:`DEFAULT_LOADER`: the offline context loader
  (:mod:`.loader`); :data:`KNOWN_CONTEXTS` lists the bundled URLs.
* :func:`to_rdf` / :func:`canonicalize`: JSON-LD to RDF and RDFC-1.0 canonical N-Quads
  (:mod:`.rdf`, :mod:`.rdfc`, :mod:`.nquads`).
* :func:`jcs`: RFC 8785 JSON Canonicalization Scheme (:mod:`.jcs`).
* :func:`undefined_terms` / :func:`ensure_fully_defined`: safe mode (:mod:`.safe_mode`
  over :mod:`.terms`); :func:`undefined_terms_checked` also keeps the walked dataset
  (:class:`CheckedDataset`) for the proof check of the same document.
* The fast engine (:mod:`.fast`) is used by default, with the general engine (pyld) as
  fallback; ``engine="general"`` forces the general one.
"""

from __future__ import annotations

from microcred.credentials.jsonld.jcs import jcs
from microcred.credentials.jsonld.loader import (
    DEFAULT_LOADER,
    KNOWN_CONTEXTS,
    DocumentLoader,
    StaticLoader,
)
from microcred.credentials.jsonld.nquads import (
    BlankNode,
    Iri,
    Literal,
    Quad,
    parse_nquads,
    serialize_nquads,
)
from microcred.credentials.jsonld.rdf import canonicalize, to_rdf
from microcred.credentials.jsonld.rdfc import (
    CanonicalizationResult,
    canonicalize_dataset,
    canonicalize_nquads,
)
from microcred.credentials.jsonld.safe_mode import (
    CheckedDataset,
    ensure_fully_defined,
    undefined_terms,
    undefined_terms_checked,
)

__all__ = [
    "DEFAULT_LOADER",
    "KNOWN_CONTEXTS",
    "BlankNode",
    "CanonicalizationResult",
    "CheckedDataset",
    "DocumentLoader",
    "Iri",
    "Literal",
    "Quad",
    "StaticLoader",
    "canonicalize",
    "canonicalize_dataset",
    "canonicalize_nquads",
    "ensure_fully_defined",
    "jcs",
    "parse_nquads",
    "serialize_nquads",
    "to_rdf",
    "undefined_terms",
    "undefined_terms_checked",
]
