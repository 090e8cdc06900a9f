"""RDF Dataset Canonicalization, RDFC-1.0 (W3C Recommendation, 21 May 2024).

A direct implementation of the Recommendation's algorithms; section numbers in the
docstrings refer to it:

* 4.2/4.3  canonicalization state and the Issue Identifier algorithm (:class:`_Issuer`);
* 4.4      the Canonicalization algorithm (:func:`canonicalize_dataset`);
* 4.6      Hash First Degree Quads;
* 4.7      Hash Related Blank Node;
* 4.8      Hash N-Degree Quads, with a limit on work (section 4.8 note / "Dataset Poisoning",
           section 7): the number of Hash N-Degree Quads calls is bounded, so a poison
           graph fails fast with :class:`CanonicalizationError` instead of running for hours;
* 4.9      serialization as canonical N-Quads (sorted lines, duplicates removed).

Internally a quad is a tuple of four already-serialized canonical N-Quads terms
``(subject, predicate, object, graph)`` (graph ``""`` for the default graph); blank nodes
are the terms starting with ``_:``. Quads are indexed by blank node once (4.4.3 step 2),
so every per-node step touches only that node's quads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import permutations
from typing import Final

from microcred.credentials.errors import CanonicalizationError
from microcred.credentials.jsonld.nquads import Quad, parse_nquads, serialize_term

__all__ = [
    "DEFAULT_MAX_WORK",
    "CanonicalizationResult",
    "canonicalize_dataset",
    "canonicalize_nquads",
]

#: Default bound on the number of Hash N-Degree Quads calls (4.8) per canonicalization.
#: Real credentials need none or a handful; the W3C suite's hardest accepted test needs a
#: few hundred; the 10-node clique poison graph (test074) would need millions.
DEFAULT_MAX_WORK: Final = 4000

_HASHES: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}

_InternalQuad = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class CanonicalizationResult:
    """The canonical N-Quads text and the issued identifiers map (input label -> c14nN)."""

    nquads: str
    issued: dict[str, str]


def _hash_function(name: str) -> Callable[[bytes], hashlib._Hash]:
    key = name.lower().replace("-", "").replace("_", "")
    try:
        return _HASHES[key]
    except KeyError:
        raise CanonicalizationError(
            f"Unsupported RDFC-1.0 hash algorithm {name!r}; use 'sha256' (default) or 'sha384'."
        ) from None


class _Issuer:
    """An identifier issuer: prefix, counter and ordered issued map (4.3)."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        """4.5 Issue Identifier algorithm: return the issued id, issuing one if needed."""
        issued = self.issued.get(existing)
        if issued is None:
            issued = f"{self.prefix}{self.counter}"
            self.issued[existing] = issued
            self.counter += 1
        return issued

    def copy(self) -> _Issuer:
        clone = _Issuer(self.prefix)
        clone.counter = self.counter
        clone.issued = dict(self.issued)
        return clone


class _State:
    """Canonicalization state (4.2) plus the work counter."""

    def __init__(self, hash_function: Callable[[bytes], hashlib._Hash], max_work: int) -> None:
        self.blank_node_to_quads: dict[str, list[_InternalQuad]] = {}
        self.canonical_issuer = _Issuer("c14n")
        self.hash = hash_function
        self.first_degree_cache: dict[str, str] = {}
        self.max_work = max_work
        self.work = 0

    def digest(self, text: str) -> str:
        return self.hash(text.encode("utf-8")).hexdigest()

    # 4.6 Hash First Degree Quads ------------------------------------------------------
    def hash_first_degree(self, reference: str) -> str:
        """4.6.3: hash the node's quads with itself as ``_:a`` and other blank nodes ``_:z``."""
        cached = self.first_degree_cache.get(reference)
        if cached is not None:
            return cached
        lines: list[str] = []
        for quad in self.blank_node_to_quads[reference]:
            parts = [
                ("_:a" if term == reference else "_:z") if term[:2] == "_:" else term
                for term in quad
            ]
            if parts[3]:
                lines.append(f"{parts[0]} {parts[1]} {parts[2]} {parts[3]} .\n")
            else:
                lines.append(f"{parts[0]} {parts[1]} {parts[2]} .\n")
        lines.sort()
        result = self.digest("".join(lines))
        self.first_degree_cache[reference] = result
        return result

    # 4.7 Hash Related Blank Node ------------------------------------------------------
    def hash_related(
        self, related: str, quad: _InternalQuad, issuer: _Issuer, position: str
    ) -> str:
        """4.7.3: hash of position, predicate (unless graph) and the related node's id."""
        identifier = self.canonical_issuer.issued.get(related)
        if identifier is None:
            identifier = issuer.issued.get(related)
        identifier = self.hash_first_degree(related) if identifier is None else f"_:{identifier}"
        if position == "g":
            return self.digest(f"g{identifier}")
        return self.digest(f"{position}{quad[1]}{identifier}")

    # 4.8 Hash N-Degree Quads ----------------------------------------------------------
    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """4.8.3: hash a blank node by exploring its related blank nodes, deterministically."""
        self.work += 1
        if self.work > self.max_work:
            raise CanonicalizationError(
                "RDFC-1.0 canonicalization needs more than "
                f"{self.max_work} Hash N-Degree Quads steps: the dataset's blank nodes are "
                "too interconnected (a possible poison graph, RDFC-1.0 section 7). Refusing "
                "it; reduce the number of interlinked blank nodes (give nodes an id)."
            )
        # Steps 1-3: group related blank nodes by their related hash.
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.blank_node_to_quads[identifier]:
            for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if term[:2] == "_:" and term != identifier:
                    related_hash = self.hash_related(term, quad, issuer, position)
                    nodes = related_by_hash.setdefault(related_hash, [])
                    nodes.append(term)
        # Steps 4-5.
        data_to_hash: list[str] = []
        for related_hash in sorted(related_by_hash):
            data_to_hash.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in permutations(related_by_hash[related_hash]):
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    canonical = self.canonical_issuer.issued.get(related)
                    if canonical is not None:
                        path += f"_:{canonical}"
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += f"_:{issuer_copy.issue(related)}"
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += f"_:{issuer_copy.issue(related)}<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data_to_hash.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self.digest("".join(data_to_hash)), issuer


def _internal(quad: Quad) -> _InternalQuad:
    return (
        serialize_term(quad.subject),
        serialize_term(quad.predicate),
        serialize_term(quad.object),
        "" if quad.graph is None else serialize_term(quad.graph),
    )


def canonicalize_dataset(
    quads: Iterable[Quad],
    *,
    hash_algorithm: str = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
) -> CanonicalizationResult:
    """4.4.3 Canonicalization algorithm: canonical N-Quads and the issued identifiers map.

    ``hash_algorithm`` is ``"sha256"`` (RDFC-1.0's default) or ``"sha384"``. ``max_work``
    bounds the number of Hash N-Degree Quads calls; beyond it the dataset is refused with
    :class:`CanonicalizationError`.
    """
    state = _State(_hash_function(hash_algorithm), max_work)
    # The input is a dataset: a set of quads (duplicates removed, order kept).
    dataset = list(dict.fromkeys(_internal(quad) for quad in quads))

    # Step 2: blank node to quads map.
    index = state.blank_node_to_quads
    for quad in dataset:
        for position in (0, 2, 3, 1):
            term = quad[position]
            if term[:2] == "_:":
                entries = index.setdefault(term, [])
                if not entries or entries[-1] is not quad:
                    entries.append(quad)

    # Step 3: hash to blank nodes map from first-degree hashes.
    hash_to_nodes: dict[str, list[str]] = {}
    for node in index:
        hash_to_nodes.setdefault(state.hash_first_degree(node), []).append(node)

    # Step 4: issue canonical ids to nodes with a unique first-degree hash, in hash order.
    for node_hash in sorted(hash_to_nodes):
        nodes = hash_to_nodes[node_hash]
        if len(nodes) == 1:
            state.canonical_issuer.issue(nodes[0])
            del hash_to_nodes[node_hash]

    # Step 5: the rest, through Hash N-Degree Quads, in hash order.
    for node_hash in sorted(hash_to_nodes):
        paths: list[tuple[str, _Issuer]] = []
        for node in hash_to_nodes[node_hash]:
            if node in state.canonical_issuer.issued:
                continue
            temporary = _Issuer("b")
            temporary.issue(node)
            paths.append(state.hash_n_degree(node, temporary))
        paths.sort(key=lambda item: item[0])
        for _, issuer in paths:
            for existing in issuer.issued:
                state.canonical_issuer.issue(existing)

    # Step 6 and 4.9: relabel, serialize, sort, remove duplicates.
    issued = state.canonical_issuer.issued
    lines: set[str] = set()
    for quad in dataset:
        parts = [f"_:{issued[term]}" if term[:2] == "_:" else term for term in quad]
        if parts[3]:
            lines.add(f"{parts[0]} {parts[1]} {parts[2]} {parts[3]} .\n")
        else:
            lines.add(f"{parts[0]} {parts[1]} {parts[2]} .\n")
    return CanonicalizationResult(
        nquads="".join(sorted(lines)),
        issued={node[2:]: label for node, label in issued.items()},
    )


def canonicalize_nquads(
    nquads: str, *, hash_algorithm: str = "sha256", max_work: int = DEFAULT_MAX_WORK
) -> str:
    """Parse N-Quads text and return its RDFC-1.0 canonical N-Quads."""
    return canonicalize_dataset(
        parse_nquads(nquads), hash_algorithm=hash_algorithm, max_work=max_work
    ).nquads
