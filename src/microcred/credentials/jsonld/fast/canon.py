"""RDFC-1.0 over already-serialized quads (W3C RDFC-1.0, section 4.4 and 4.9).

The same algorithm as :func:`microcred.credentials.jsonld.rdfc.canonicalize_dataset`
(its :class:`~microcred.credentials.jsonld.rdfc._State` does Hash First Degree Quads,
Hash Related Blank Node and Hash N-Degree Quads), entered with quads whose terms are
already canonical N-Quads strings, so no :class:`~..nquads.Quad` objects are built and
serialized again.
"""

from __future__ import annotations

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
    """4.4.3 Canonicalization algorithm, returning the canonical N-Quads (4.9)."""
    state = _State(_hash_function(hash_algorithm), max_work)
    dataset = list(dict.fromkeys(quads))  # a dataset is a set
    # Step 2: blank node to quads map.
    index = state.blank_node_to_quads
    for quad in dataset:
        for position in (0, 2, 3, 1):
            term = quad[position]
            if term[:2] == "_:":
                entries = index.setdefault(term, [])
                if not entries or entries[-1] is not quad:
                    entries.append(quad)
    # Step 3: first-degree hashes.
    hash_to_nodes: dict[str, list[str]] = {}
    for node in index:
        hash_to_nodes.setdefault(state.hash_first_degree(node), []).append(node)
    # Step 4: unique hashes get canonical identifiers, in hash order.
    issuer = state.canonical_issuer
    for node_hash in sorted(hash_to_nodes):
        nodes = hash_to_nodes[node_hash]
        if len(nodes) == 1:
            issuer.issue(nodes[0])
            del hash_to_nodes[node_hash]
    # Step 5: the others through Hash N-Degree Quads, in hash order.
    for node_hash in sorted(hash_to_nodes):
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
    # Step 6 and 4.9: relabel, serialize, sort, remove duplicates.
    issued = {node: f"_:{label}" for node, label in issuer.issued.items()}
    lines: set[str] = set()
    for subject, predicate, obj, graph in dataset:
        if subject[:2] == "_:":
            subject = issued[subject]
        if obj[:2] == "_:":
            obj = issued[obj]
        if graph:
            if graph[:2] == "_:":
                graph = issued[graph]
            lines.add(f"{subject} {predicate} {obj} {graph} .\n")
        else:
            lines.add(f"{subject} {predicate} {obj} .\n")
    return "".join(sorted(lines))
