"""RDFC-1.0 over already-serialized quads (W3C RDFC-1.0, section 4.4 and 4.9).

The same algorithm as :func:`microcred.credentials.jsonld.rdfc.canonicalize_dataset`
(its :class:`~microcred.credentials.jsonld.rdfc._State` does Hash First Degree Quads,
Hash Related Blank Node and Hash N-Degree Quads), entered with quads whose terms are
already canonical N-Quads strings, so no :class:`~..nquads.Quad` objects are built and
serialized again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microcred.credentials.jsonld.fast.quads import TermQuad
from microcred.credentials.jsonld.rdfc import (
    DEFAULT_MAX_WORK,
    _hash_function,
    _Issuer,
    _State,
)

__all__ = ["canonical_nquads"]


def canonical_nquads(
    quads: list[TermQuad], *, hash_algorithm: str = "sha256", max_work: int = DEFAULT_MAX_WORK
) -> str:
    """4.4.3 Canonicalization algorithm, returning the canonical N-Quads (4.9).

    Steps 2-4 are written out here for speed. When every blank node has a distinct
    first-degree hash (the usual case for credentials), step 5 has nothing to do and the
    canonical identifiers are those step 4 issues, in the code point order of the hashes;
    otherwise the remaining nodes go through Hash N-Degree Quads (4.8) exactly as in
    :func:`microcred.credentials.jsonld.rdfc.canonicalize_dataset`.
    """
    hash_function = _hash_function(hash_algorithm)
    dataset = list(dict.fromkeys(quads))  # a dataset is a set
    # Step 2: blank node to quads map (each node's quads in dataset order, once each).
    index: dict[str, list[TermQuad]] = {}
    for quad in dataset:
        subject, predicate, obj, graph = quad
        if subject[:1] == "_":
            _append(index, subject, quad)
        if obj[:1] == "_" and obj != subject:
            _append(index, obj, quad)
        if graph[:1] == "_" and graph not in (subject, obj):
            _append(index, graph, quad)
        if predicate[:1] == "_" and predicate not in (subject, obj, graph):
            _append(index, predicate, quad)  # generalized RDF only
    if not index:
        return "".join(sorted({_line(quad) for quad in dataset}))
    # Step 3: first-degree hashes (4.6).
    first_degree = {
        node: _hash_first_degree(node, found, hash_function) for node, found in index.items()
    }
    ordered = sorted((node_hash, node) for node, node_hash in first_degree.items())
    if len(set(first_degree.values())) == len(ordered):
        # Step 4 issues every identifier, in hash order; step 5 is empty.
        issued = {node: f"_:c14n{number}" for number, (_, node) in enumerate(ordered)}
    else:
        issued = _with_n_degree(index, first_degree, hash_function, max_work)
    # Step 6 and 4.9: relabel, serialize, sort, remove duplicates.
    lines: set[str] = set()
    for subject, predicate, obj, graph in dataset:
        if subject[:1] == "_":
            subject = issued[subject]
        if obj[:1] == "_":
            obj = issued[obj]
        if predicate[:1] == "_":
            predicate = issued[predicate]
        if graph:
            if graph[:1] == "_":
                graph = issued[graph]
            lines.add(f"{subject} {predicate} {obj} {graph} .\n")
        else:
            lines.add(f"{subject} {predicate} {obj} .\n")
    return "".join(sorted(lines))


def _append(index: dict[str, list[TermQuad]], node: str, quad: TermQuad) -> None:
    found = index.get(node)
    if found is None:
        index[node] = [quad]
    else:
        found.append(quad)


def _line(quad: TermQuad) -> str:
    subject, predicate, obj, graph = quad
    return (
        f"{subject} {predicate} {obj} {graph} .\n" if graph else f"{subject} {predicate} {obj} .\n"
    )


def _hash_first_degree(
    reference: str, quads: list[TermQuad], hash_function: Callable[[bytes], Any]
) -> str:
    """4.6.3 Hash First Degree Quads: the node as ``_:a``, other blank nodes as ``_:z``."""
    lines: list[str] = []
    for subject, predicate, obj, graph in quads:
        if subject[:1] == "_":
            subject = "_:a" if subject == reference else "_:z"
        if obj[:1] == "_":
            obj = "_:a" if obj == reference else "_:z"
        if predicate[:1] == "_":
            predicate = "_:a" if predicate == reference else "_:z"
        if graph:
            if graph[:1] == "_":
                graph = "_:a" if graph == reference else "_:z"
            lines.append(f"{subject} {predicate} {obj} {graph} .\n")
        else:
            lines.append(f"{subject} {predicate} {obj} .\n")
    lines.sort()
    digest: str = hash_function("".join(lines).encode("utf-8")).hexdigest()
    return digest


def _with_n_degree(
    index: dict[str, list[TermQuad]],
    first_degree: dict[str, str],
    hash_function: Callable[[bytes], Any],
    max_work: int,
) -> dict[str, str]:
    """Steps 4-5 when first-degree hashes collide: :mod:`..rdfc`'s Hash N-Degree Quads."""
    state = _State(hash_function, max_work)
    state.blank_node_to_quads = index
    state.first_degree_cache = dict(first_degree)
    hash_to_nodes: dict[str, list[str]] = {}
    for node, node_hash in first_degree.items():
        hash_to_nodes.setdefault(node_hash, []).append(node)
    issuer = state.canonical_issuer
    for node_hash in sorted(hash_to_nodes):  # step 4
        nodes = hash_to_nodes[node_hash]
        if len(nodes) == 1:
            issuer.issue(nodes[0])
            del hash_to_nodes[node_hash]
    for node_hash in sorted(hash_to_nodes):  # step 5
        paths: list[tuple[str, _Issuer]] = []
        for node in hash_to_nodes[node_hash]:
            if node in issuer.issued:
                continue
            temporary = _Issuer("b")
            temporary.issue(node)
            paths.append(state.hash_n_degree(node, temporary))
        paths.sort(key=lambda item: item[0])
        for _, found in paths:
            for existing in found.issued:
                issuer.issue(existing)
    return {node: f"_:{label}" for node, label in issuer.issued.items()}
