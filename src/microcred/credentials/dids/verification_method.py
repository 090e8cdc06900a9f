"""Verification methods: a public key with its id, controller and type.

Parses the entries of a DID document / controller document ``verificationMethod``
(Controlled Identifiers 1.0, section 2.2): ``Multikey`` (``publicKeyMultibase``,
section 2.2.2) and ``JsonWebKey`` (``publicKeyJwk``, section 2.2.3), plus the legacy types
``Ed25519VerificationKey2020`` (``publicKeyMultibase``), ``Ed25519VerificationKey2018``
(``publicKeyBase58``), ``JsonWebKey2020`` and ``EcdsaSecp256r1VerificationKey2019``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from microcred.credentials.errors import DidResolutionError, KeyFormatError
from microcred.credentials.keys import PublicKey, base58btc_decode

__all__ = [
    "JWK_TYPES",
    "MULTIBASE_TYPES",
    "VerificationMethod",
    "absolute_id",
    "find_verification_method",
    "iter_verification_methods",
    "parse_verification_method",
]

MULTIBASE_TYPES = frozenset(
    {"Multikey", "Ed25519VerificationKey2020", "EcdsaSecp256r1VerificationKey2019"}
)
JWK_TYPES = frozenset({"JsonWebKey", "JsonWebKey2020"})
_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved public key.

    ``derived_from_fragment`` is true only when the key was taken from the
    ``#z6Mk...`` fragment of an https key URL without the key document confirming it
    (``trust_fragment_key=True``); such a key proves nothing about who controls it.
    """

    id: str
    controller: str
    public_key: PublicKey
    type: str = "Multikey"
    derived_from_fragment: bool = False

    def to_json(self) -> dict[str, Any]:
        """The verification method as a Multikey (or JsonWebKey for RSA) JSON object."""
        if self.public_key.algorithm == "RSA":
            return {
                "id": self.id,
                "type": "JsonWebKey",
                "controller": self.controller,
                "publicKeyJwk": self.public_key.to_jwk(),
            }
        return {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.multibase,
        }


def absolute_id(value: str, base: str | None) -> str:
    """Resolve a relative DID URL (``#key-1``) against the document id ``base``."""
    if value.startswith("#") and base:
        return base.split("#", 1)[0] + value
    return value


def parse_verification_method(
    entry: Mapping[str, Any], *, base: str | None = None
) -> VerificationMethod:
    """Parse one verification method object; ``base`` resolves relative ids / controller.

    Raises :class:`DidResolutionError` (code ``invalid_verification_method``).
    """
    if not isinstance(entry, Mapping):
        raise _invalid("A verification method must be a JSON object.")
    raw_id = entry.get("id")
    if not isinstance(raw_id, str) or not raw_id:
        raise _invalid("A verification method has no 'id'.")
    vm_id = absolute_id(raw_id, base)
    kind = entry.get("type")
    if not isinstance(kind, str):
        raise _invalid(f"Verification method {vm_id} has no 'type'.")
    controller = entry.get("controller", base.split("#", 1)[0] if base else None)
    if not isinstance(controller, str) or not controller:
        raise _invalid(f"Verification method {vm_id} has no 'controller'.")
    key = _key_of(entry, kind, vm_id)
    _check_expected_algorithm(kind, key, vm_id)
    return VerificationMethod(id=vm_id, controller=controller, public_key=key, type=kind)


def iter_verification_methods(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every embedded verification method object in a DID / controller document."""
    for name in ("verificationMethod", *_RELATIONSHIPS):
        value = document.get(name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Mapping):
                yield item


def find_verification_method(document: Mapping[str, Any], url: str) -> VerificationMethod | None:
    """The verification method with id ``url`` in ``document``, or ``None``."""
    base = document.get("id")
    base_id = base if isinstance(base, str) else None
    for item in iter_verification_methods(document):
        raw_id = item.get("id")
        if isinstance(raw_id, str) and absolute_id(raw_id, base_id) == url:
            return parse_verification_method(item, base=base_id)
    return None


def _key_of(entry: Mapping[str, Any], kind: str, vm_id: str) -> PublicKey:
    try:
        if kind in MULTIBASE_TYPES and "publicKeyMultibase" in entry:
            return PublicKey.from_multibase(entry["publicKeyMultibase"])
        if kind in JWK_TYPES and "publicKeyJwk" in entry:
            return PublicKey.from_jwk(entry["publicKeyJwk"])
        if kind == "Ed25519VerificationKey2018" and "publicKeyBase58" in entry:
            return PublicKey.from_raw("Ed25519", base58btc_decode(entry["publicKeyBase58"]))
    except KeyFormatError as exc:
        raise _invalid(f"Verification method {vm_id} holds a malformed key: {exc}") from None
    raise _invalid(
        f"Verification method {vm_id} has type {kind!r} without a supported key member; "
        "expected Multikey with publicKeyMultibase or JsonWebKey with publicKeyJwk."
    )


def _check_expected_algorithm(kind: str, key: PublicKey, vm_id: str) -> None:
    expected = {
        "Ed25519VerificationKey2020": "Ed25519",
        "Ed25519VerificationKey2018": "Ed25519",
        "EcdsaSecp256r1VerificationKey2019": "P-256",
    }.get(kind)
    if expected is not None and key.algorithm != expected:
        raise _invalid(f"Verification method {vm_id} is a {kind} but holds a {key.algorithm} key.")


def _invalid(message: str) -> DidResolutionError:
    return DidResolutionError(message, code="invalid_verification_method")
