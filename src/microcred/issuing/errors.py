"""Errors of the issuing domain, each with a stable ``code``.

Tree (all from :mod:`microcred.errors`)::

    NotFound
     +-- AwardNotFound          no award with that id in this organisation
     +-- BatchNotFound          no bulk batch with that id in this organisation
    Conflict
     +-- AwardRevoked           the award is revoked; revocation is final
     +-- ExternalIdConflict     the external id was used for a different award
     +-- BatchNotReady          the batch is invalid or not yet validated
    InvalidInput
     +-- AwardInputInvalid      a field of an award request is invalid
    PermissionDenied
     +-- ClaimInvalid           a claim link is unknown, used or expired
"""

from __future__ import annotations

from microcred.errors import Conflict, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "AwardInputInvalid",
    "AwardNotFound",
    "AwardRevoked",
    "BatchNotFound",
    "BatchNotReady",
    "ClaimInvalid",
    "ExternalIdConflict",
]


class AwardNotFound(NotFound):
    code = "award_not_found"


class BatchNotFound(NotFound):
    code = "batch_not_found"


class AwardRevoked(Conflict):
    code = "award_revoked"


class ExternalIdConflict(Conflict):
    code = "external_id_conflict"


class BatchNotReady(Conflict):
    code = "batch_not_ready"


class AwardInputInvalid(InvalidInput):
    code = "invalid_award"


class ClaimInvalid(PermissionDenied):
    code = "claim_invalid"
