"""The cryptosuite abstraction shared by every Data Integrity suite.

A cryptosuite (VC Data Integrity 1.0, section 3 "Cryptographic Suites") is described by
four algorithms, each of which this module implements once for the two transformation
families the supported suites use:

* transformation: RDF Dataset Canonicalization (RDFC-1.0) or JSON Canonicalization
  Scheme (RFC 8785);
* proof configuration: the proof options without ``proofValue``, carrying the
  document's ``@context``, canonicalized the same way;
* hashing: ``hash(canonical proof configuration) || hash(canonical document)``;
* proof serialization / verification: a raw signature over that hash data, written as a
  base58-btc multibase string (``z...``) in ``proofValue``.

The suite modules (:mod:`.eddsa_rdfc_2022`, :mod:`.eddsa_jcs_2022`,
:mod:`.ecdsa_rdfc_2019`, :mod:`.ecdsa_jcs_2019`, :mod:`.ed25519_signature_2020`) create
the instances and cite the sections of their specifications.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from microcred.credentials import jsonld
from microcred.credentials.errors import (
    CanonicalizationError,
    MalformedDocument,
    ProofError,
    UndefinedTermError,
    UnknownContextError,
)
from microcred.credentials.jsonld import CheckedDataset, DocumentLoader
from microcred.credentials.jsonld.loader import copy_json
from microcred.credentials.jsonld.safe_mode import canonicalize_safe
from microcred.credentials.keys import KeyPair, PublicKey, base58btc_encode

from .datetimes import parse_datetime

__all__ = ["Cryptosuite", "HashData", "JcsCryptosuite", "RdfcCryptosuite"]

Transformation = Literal["RDFC-1.0", "JCS"]

#: Length in bytes of a raw signature for each key algorithm (Ed25519 per RFC 8032;
#: ECDSA as the fixed-size concatenation r || s).
SIGNATURE_LENGTHS: Mapping[str, int] = {"Ed25519": 64, "P-256": 64, "P-384": 96}


@dataclass(frozen=True)
class HashData:
    """The intermediate values of a Data Integrity hash, as the official vectors list them.

    ``canonical_proof_config`` and ``canonical_document`` are the UTF-8 bytes of the
    transformed proof configuration and document (N-Quads for RDFC, JSON for JCS).
    """

    canonical_proof_config: bytes
    canonical_document: bytes
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def combined(self) -> bytes:
        """``proofConfigHash || transformedDocumentHash``: the bytes that are signed."""
        return self.proof_config_hash + self.document_hash


@dataclass(frozen=True)
class Cryptosuite:
    """One Data Integrity cryptosuite (or legacy proof type) and its algorithms.

    ``name`` is the registry key. ``proof_type`` is the proof's ``type``; ``cryptosuite``
    the value written to ``proof.cryptosuite`` (None for legacy types that have none);
    ``accepted_names`` the ``cryptosuite`` values accepted when verifying (it includes
    pre-standard names such as ``eddsa-2022``). ``key_algorithms`` are the key types the
    suite signs with.
    """

    name: str
    proof_type: str
    cryptosuite: str | None
    accepted_names: frozenset[str]
    key_algorithms: frozenset[str]
    transformation: Transformation
    #: the JSON-LD context a document must use for this suite's terms, added on signing
    required_context: str | None = None

    # -- hashing --------------------------------------------------------------------
    def hash_algorithm(self, key_algorithm: str) -> str:
        """The hash for ``key_algorithm``: SHA-384 for P-384 keys, SHA-256 otherwise.

        vc-di-ecdsa "Hashing (ecdsa-rdfc-2019)" step 1-2; every eddsa suite uses SHA-256.
        """
        return "sha384" if key_algorithm == "P-384" else "sha256"

    def check_options(self, options: Mapping[str, Any], *, verifying: bool = False) -> None:
        """Proof Configuration step 2-3: the type/cryptosuite and ``created`` must fit.

        Raises :class:`ProofError` (PROOF_GENERATION_ERROR / PROOF_TRANSFORMATION_ERROR).
        """
        if options.get("type") != self.proof_type:
            raise ProofError(
                f"A {self.name} proof must have type {self.proof_type!r}, "
                f"not {options.get('type')!r}."
            )
        names = self.accepted_names if verifying else frozenset({self.cryptosuite})
        if self.cryptosuite is not None and options.get("cryptosuite") not in names:
            raise ProofError(
                f"A {self.name} proof must have cryptosuite {self.cryptosuite!r}, "
                f"not {options.get('cryptosuite')!r}."
            )
        if "created" in options and parse_datetime(options["created"]) is None:
            raise ProofError(
                f"proof.created {options['created']!r} is not an XML Schema dateTime; "
                "use the form 2024-01-31T12:00:00Z."
            )

    def prepare_document(self, document: dict[str, Any]) -> dict[str, Any]:
        """Make the (unsecured) document ready for this suite before signing.

        Suites whose terms live in their own context (Ed25519Signature2020) add it to
        ``@context``, as the reference implementations do; the others return it unchanged.
        """
        return document

    def transform(
        self,
        document: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
        dataset: CheckedDataset | None = None,
    ) -> bytes:
        """The Transformation algorithm: the canonical form of ``document`` as UTF-8.

        With ``safe_mode`` the document's terms are checked first
        (:func:`~microcred.credentials.jsonld.ensure_fully_defined`). ``dataset``: the
        document's RDF dataset from an earlier walk (the verifier's terms check), which
        an RDFC suite may canonicalize instead of walking the document again, when it
        :meth:`~CheckedDataset.describes` this very document.
        """
        raise NotImplementedError

    def canonical_proof_config(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
    ) -> bytes:
        """The Proof Configuration algorithm: the canonical proof options as UTF-8.

        With ``safe_mode`` the proof configuration's terms are checked first.
        """
        raise NotImplementedError

    def hash_data(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_algorithm: str,
        loader: DocumentLoader | None = None,
        verifying: bool = False,
        safe_mode: bool = False,
        dataset: CheckedDataset | None = None,
    ) -> HashData:
        """Transformation, Proof Configuration and Hashing, returning every intermediate.

        ``document`` is the unsecured document (without ``proof``, or with only the
        matching previous proofs of a chain); ``options`` the proof without ``proofValue``.
        With ``safe_mode``, the document and then the proof configuration must have every
        term defined (:class:`UndefinedTermError` otherwise), checked in the same pass as
        their canonicalization where the engine can; the errors are those of checking both
        first and then canonicalizing. ``dataset`` as for :meth:`transform` (not used with
        ``safe_mode``).
        """
        if safe_mode:
            return self._hash_data_safe(
                document, options, key_algorithm=key_algorithm, loader=loader, verifying=verifying
            )
        self.check_options(options, verifying=verifying)
        config = self.canonical_proof_config(
            document, options, key_algorithm=key_algorithm, loader=loader
        )
        canonical = self.transform(
            document, key_algorithm=key_algorithm, loader=loader, dataset=dataset
        )
        return self._hashed(config, canonical, key_algorithm)

    def _hash_data_safe(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_algorithm: str,
        loader: DocumentLoader | None,
        verifying: bool,
    ) -> HashData:
        """:meth:`hash_data` with safe mode: document first, then the proof configuration."""
        try:
            canonical = self.transform(
                document, key_algorithm=key_algorithm, loader=loader, safe_mode=True
            )
        except UndefinedTermError:
            raise
        except (CanonicalizationError, MalformedDocument, UnknownContextError):
            # Checking first would have reported the proof configuration's undefined
            # terms or invalid options before the document's canonicalization failure.
            self.canonical_proof_config(
                document, options, key_algorithm=key_algorithm, loader=loader, safe_mode=True
            )
            self.check_options(options, verifying=verifying)
            raise
        config = self.canonical_proof_config(
            document, options, key_algorithm=key_algorithm, loader=loader, safe_mode=True
        )
        self.check_options(options, verifying=verifying)
        return self._hashed(config, canonical, key_algorithm)

    def _hashed(self, config: bytes, canonical: bytes, key_algorithm: str) -> HashData:
        algorithm = self.hash_algorithm(key_algorithm)
        return HashData(
            canonical_proof_config=config,
            canonical_document=canonical,
            proof_config_hash=hashlib.new(algorithm, config).digest(),
            document_hash=hashlib.new(algorithm, canonical).digest(),
        )

    def create_proof(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        key: KeyPair,
        *,
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
    ) -> dict[str, Any]:
        """The Create Proof algorithm: returns the proof with ``proofValue`` set.

        ``proof`` is a clone of ``options`` (step 1); the hash data is signed with ``key``
        (Proof Serialization) and written as base58-btc multibase (last step).
        ``safe_mode`` as for :meth:`hash_data`.
        """
        if key.algorithm not in self.key_algorithms:
            raise ProofError(
                f"{self.name} signs with {_names(self.key_algorithms)} keys, but the key "
                f"given is {key.algorithm}; choose a matching key or another suite."
            )
        proof = self.proof_options(document, options)
        hashed = self.hash_data(
            document, proof, key_algorithm=key.algorithm, loader=loader, safe_mode=safe_mode
        )
        proof["proofValue"] = "z" + base58btc_encode(key.sign(hashed.combined))
        return proof

    def proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The proof before it is signed (Create Proof step 1, and step 2 for JCS)."""
        del document
        proof: dict[str, Any] = _copy(dict(options))
        return proof

    def verify_signature(
        self,
        document: Mapping[str, Any],
        proof: Mapping[str, Any],
        signature: bytes,
        public_key: PublicKey,
        *,
        loader: DocumentLoader | None = None,
        dataset: CheckedDataset | None = None,
    ) -> bool:
        """Verify Proof steps 4-7 and Proof Verification: ``True`` when the signature holds.

        ``document`` is the unsecured document; ``proof`` the proof including
        ``proofValue`` (removed here, step 2). Raises the canonicalization errors of
        :mod:`microcred.credentials.jsonld` and :class:`ProofError` for a malformed proof.
        ``dataset`` as for :meth:`transform`.
        """
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsecured = self.unsecured_for_verification(document, options)
        hashed = self.hash_data(
            unsecured,
            options,
            key_algorithm=public_key.algorithm,
            loader=loader,
            verifying=True,
            dataset=dataset,
        )
        return public_key.verify(signature, hashed.combined)

    def unsecured_for_verification(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The document the verifier hashes (JCS suites substitute the proof's context)."""
        del options
        return document


class RdfcCryptosuite(Cryptosuite):
    """Suites that transform with RDFC-1.0 (eddsa-rdfc-2022, ecdsa-rdfc-2019, legacy)."""

    def transform(
        self,
        document: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
        dataset: CheckedDataset | None = None,
    ) -> bytes:
        """Transformation (eddsa-rdfc-2022, section 3.2.3) step 2: RDFC-1.0 N-Quads.

        vc-di-ecdsa section 2 ("canon-and-hash"): with a P-384 key, RDFC-1.0 itself runs
        with SHA-384 as its hash algorithm (the official P-384 vectors depend on it).
        A ``dataset`` of this document (SHA-256 only, no safe mode) is canonicalized
        instead of walking the document again: the same N-Quads.
        """
        hash_algorithm = self.hash_algorithm(key_algorithm)
        if (
            dataset is not None
            and not safe_mode
            and hash_algorithm == "sha256"
            and dataset.describes(document, loader)
        ):
            return dataset.canonical_nquads().encode("utf-8")
        return _rdfc(document, hash_algorithm, loader, safe_mode=safe_mode)

    def canonical_proof_config(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
    ) -> bytes:
        """Proof Configuration (eddsa-rdfc-2022, section 3.2.5) steps 1-5.

        The proof options are cloned, given ``unsecuredDocument.@context`` and
        canonicalized with RDFC-1.0.
        """
        config = {k: v for k, v in options.items() if k != "proofValue"}
        if "@context" in document:
            config["@context"] = _copy(document["@context"])
        else:
            config.pop("@context", None)
        return _rdfc(config, self.hash_algorithm(key_algorithm), loader, safe_mode=safe_mode)


class JcsCryptosuite(Cryptosuite):
    """Suites that transform with JCS, RFC 8785 (eddsa-jcs-2022, ecdsa-jcs-2019)."""

    def transform(
        self,
        document: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
        dataset: CheckedDataset | None = None,
    ) -> bytes:
        """Transformation (eddsa-jcs-2022, section 3.3.3) step 2: the JCS serialization."""
        del key_algorithm, dataset
        if safe_mode:
            jsonld.ensure_fully_defined(document, loader=loader)
        return jsonld.jcs(dict(document))

    def proof_options(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Create Proof (eddsa-jcs-2022, section 3.3.1) steps 1-2.

        The proof is a clone of the options and, when the document has an ``@context``,
        carries a copy of it, so the proof stays verifiable inside proof sets.
        """
        proof = copy.deepcopy(dict(options))
        if "@context" in document:
            proof["@context"] = copy.deepcopy(document["@context"])
        return proof

    def canonical_proof_config(
        self,
        document: Mapping[str, Any],
        options: Mapping[str, Any],
        *,
        key_algorithm: str = "Ed25519",
        loader: DocumentLoader | None = None,
        safe_mode: bool = False,
    ) -> bytes:
        """Proof Configuration (eddsa-jcs-2022, section 3.3.5): JCS of the proof options.

        With ``safe_mode``, the options with the document's ``@context`` are checked first.
        """
        del key_algorithm
        config = {k: v for k, v in options.items() if k != "proofValue"}
        if safe_mode:
            checked = dict(config)
            if "@context" in document:
                checked["@context"] = document["@context"]
            jsonld.ensure_fully_defined(checked, loader=loader)
        return jsonld.jcs(config)

    def unsecured_for_verification(
        self, document: Mapping[str, Any], options: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """Verify Proof (eddsa-jcs-2022, section 3.3.2) step 4.

        When the proof has an ``@context``, the document's ``@context`` must start with
        the same values in the same order, and the proof's context replaces it.
        """
        if "@context" not in options:
            return document
        proof_context = _as_list(options["@context"])
        document_context = _as_list(document.get("@context"))
        if document_context[: len(proof_context)] != proof_context:
            raise ProofError(
                "The proof's @context is not a prefix of the document's @context, so the "
                "proof was not made for this document.",
                code="proof_context_mismatch",
            )
        unsecured = dict(document)
        unsecured["@context"] = copy.deepcopy(options["@context"])
        return unsecured


def _rdfc(
    document: Mapping[str, Any],
    hash_algorithm: str,
    loader: DocumentLoader | None,
    *,
    safe_mode: bool = False,
) -> bytes:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, as UTF-8 bytes.

    With ``safe_mode``, :func:`~microcred.credentials.jsonld.safe_mode.canonicalize_safe`:
    the safe-mode check and the canonical form from one walk of the document.
    """
    if safe_mode:
        nquads = canonicalize_safe(document, loader=loader, hash_algorithm=hash_algorithm)
    elif hash_algorithm == "sha256":
        nquads = jsonld.canonicalize(document, loader=loader)
    else:
        dataset = jsonld.to_rdf(document, loader=loader)
        nquads = jsonld.canonicalize_dataset(dataset, hash_algorithm=hash_algorithm).nquads
    return nquads.encode("utf-8")


def _copy(value: Any) -> Any:
    """A deep copy of a JSON value (what ``copy.deepcopy`` gives, for JSON, faster)."""
    if type(value) is dict or type(value) is list:
        return copy_json(value)
    return copy.deepcopy(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _names(values: frozenset[str]) -> str:
    return " or ".join(sorted(values))
