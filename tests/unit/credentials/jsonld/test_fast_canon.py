"""The fast engine's RDFC-1.0 (fast/canon.py) equals the full algorithm (rdfc.py).

``canonical_nquads`` issues the canonical identifiers straight from the first-degree
hashes when they are all distinct and runs Hash N-Degree Quads otherwise. Random datasets
over a few blank nodes, IRIs, literals and graphs hit both cases (symmetric shapes give
equal first-degree hashes), and every answer must be byte-identical to
``rdfc.canonicalize_dataset``, which the W3C RDFC-1.0 suite checks.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.credentials.errors import CanonicalizationError
from microcred.credentials.jsonld.fast.canon import _hash_first_degree, canonical_nquads
from microcred.credentials.jsonld.fast.quads import TermQuad
from microcred.credentials.jsonld.nquads import parse_nquads
from microcred.credentials.jsonld.rdfc import canonicalize_dataset

blank = st.sampled_from(["_:a", "_:b", "_:c", "_:d", "_:e"])
iri = st.sampled_from(["<http://ex/s>", "<http://ex/o>", "<urn:x>"])
predicate = st.sampled_from(["<http://ex/p>", "<http://ex/q>"])
literal = st.sampled_from(['"v"', '"w"@en', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'])
quad = st.tuples(
    st.one_of(blank, iri),
    predicate,
    st.one_of(blank, iri, literal),
    st.one_of(st.just(""), st.just(""), blank, iri),
)
datasets = st.lists(quad, max_size=14)


def _text(quads: list[TermQuad]) -> str:
    return "".join(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in quads)


def _full(quads: list[TermQuad], algorithm: str = "sha256") -> str:
    return canonicalize_dataset(parse_nquads(_text(quads)), hash_algorithm=algorithm).nquads


def _has_collision(quads: list[TermQuad]) -> bool:
    index: dict[str, list[TermQuad]] = {}
    for item in dict.fromkeys(quads):
        for term in {item[0], item[2], item[3]}:
            if term.startswith("_:"):
                index.setdefault(term, []).append(item)
    hashes = [_hash_first_degree(n, q, hashlib.sha256) for n, q in index.items()]
    return len(set(hashes)) != len(hashes)


@settings(max_examples=400, deadline=None)
@given(datasets, st.sampled_from(["sha256", "sha384"]))
def test_same_as_full_algorithm(quads: list[TermQuad], algorithm: str) -> None:
    try:
        expected = _full(quads, algorithm)
    except CanonicalizationError:
        with pytest.raises(CanonicalizationError):
            canonical_nquads(quads, hash_algorithm=algorithm)
        return
    assert canonical_nquads(quads, hash_algorithm=algorithm) == expected


def test_both_paths_are_exercised() -> None:
    unique = [("_:a", "<http://ex/p>", '"1"', ""), ("_:b", "<http://ex/p>", '"2"', "")]
    symmetric = [("_:a", "<http://ex/p>", "_:b", ""), ("_:b", "<http://ex/p>", "_:a", "")]
    assert not _has_collision(unique)
    assert _has_collision(symmetric)
    for quads in (unique, symmetric):
        assert canonical_nquads(quads) == _full(quads)
    assert canonical_nquads(symmetric).count("_:c14n") == 4


@settings(max_examples=200, deadline=None)
@given(datasets)
def test_collisions_generated(quads: list[TermQuad]) -> None:
    """Datasets with colliding first-degree hashes take the Hash N-Degree Quads path."""
    if _has_collision(quads):
        assert canonical_nquads(quads) == _full(quads)


def test_ground_dataset_and_duplicates() -> None:
    quads = [("<http://ex/s>", "<http://ex/p>", '"v"', "")] * 2
    assert canonical_nquads(quads) == '<http://ex/s> <http://ex/p> "v" .\n'
