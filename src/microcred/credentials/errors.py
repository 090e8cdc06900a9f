"""Errors raised by the credential core.

Verification never raises for a credential that merely fails a check: those failures are
entries in a :class:`~microcred.credentials.verify.VerificationReport`. These errors are
for input that cannot be processed at all, and for signing requests that must be refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from microcred.errors import InvalidInput, Unavailable

__all__ = [
    "CanonicalizationError",
    "DidResolutionError",
    "FetchError",
    "KeyFormatError",
    "MalformedDocument",
    "ProofError",
    "SchemaError",
    "StatusListError",
    "UndefinedTermError",
    "UnknownContextError",
]


class MalformedDocument(InvalidInput):
    """The document is not well-formed JSON / JSON-LD of the expected shape."""

    code = "malformed_document"


class UnknownContextError(InvalidInput):
    """A JSON-LD context URL is not in the bundled set; microcred never fetches contexts."""

    code = "unknown_context"

    def __init__(self, url: str) -> None:
        super().__init__(
            f"Unknown JSON-LD context {url!r}: microcred only uses its bundled contexts and "
            "never fetches one from the network. Use a standard context (see "
            "`microcred.credentials.jsonld.KNOWN_CONTEXTS`) or pass a loader that knows it."
        )
        self.url = url


class UndefinedTermError(InvalidInput):
    """Safe mode: the document uses terms or types that none of its contexts define."""

    code = "undefined_term"

    def __init__(self, terms: Sequence[str]) -> None:
        listed = ", ".join(repr(t) for t in terms)
        super().__init__(
            f"Refusing to sign: {listed} not defined by the document's @context, so "
            "it would not be covered by the signature. Remove it, rename it to a defined "
            "term, or add a context that defines it."
        )
        self.terms = list(terms)


class CanonicalizationError(InvalidInput):
    """The document cannot be converted to RDF or canonicalized."""

    code = "canonicalization_failed"


class KeyFormatError(InvalidInput):
    """A key, multibase string or key file is malformed."""

    code = "invalid_key"


class ProofError(InvalidInput):
    """A proof cannot be created as asked (unknown suite, key/suite mismatch...)."""

    code = "proof_error"


class SchemaError(InvalidInput):
    """A document does not validate against its JSON Schema."""

    code = "schema_invalid"


class StatusListError(InvalidInput):
    """A status list or status entry is malformed."""

    code = "invalid_status_list"


class FetchError(Unavailable):
    """A document (DID document, status list, key) could not be obtained."""

    code = "fetch_failed"


class DidResolutionError(Unavailable):
    """A DID or verification method could not be resolved to a public key."""

    code = "did_resolution_failed"
