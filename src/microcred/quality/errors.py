"""Errors of the quality domain, each with a stable code and the next step."""

from __future__ import annotations

from microcred.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AccreditationNotFound",
    "EndorsementNotFound",
    "InvalidRegistry",
    "NotQualityBody",
    "RegistryNotFound",
    "SelfAccreditation",
    "SelfEndorsement",
]


class NotQualityBody(PermissionDenied):
    """Only organisations registered as quality bodies accredit providers."""

    code = "not_quality_body"


class SelfAccreditation(PermissionDenied):
    code = "self_accreditation"


class SelfEndorsement(Conflict):
    code = "self_endorsement"


class AccreditationNotFound(NotFound):
    code = "accreditation_not_found"


class EndorsementNotFound(NotFound):
    code = "endorsement_not_found"


class RegistryNotFound(NotFound):
    code = "registry_not_found"


class InvalidRegistry(InvalidInput):
    """A trust registry document that is not in a format we read, or does not verify."""

    code = "invalid_registry"
