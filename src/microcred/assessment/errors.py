"""Errors of the assessment domain (stable codes; messages say what to do next)."""

from __future__ import annotations

from microcred.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "ApplicationNotFound",
    "ApplicationStateError",
    "EvidenceFileRejected",
    "EvidenceInvalid",
    "EvidenceNotFound",
    "RubricInvalid",
]


class ApplicationNotFound(NotFound):
    """No such application for this viewer (another learner's or another organisation's
    application looks exactly like a missing one)."""

    code = "application_not_found"


class EvidenceNotFound(NotFound):
    code = "evidence_not_found"


class ApplicationStateError(Conflict):
    """The application is not in a status that allows this step."""

    code = "application_state"


class EvidenceInvalid(InvalidInput):
    code = "evidence_invalid"


class EvidenceFileRejected(InvalidInput):
    """An uploaded file that is too large, of a type we do not take, or whose content does
    not match its claimed type; nothing was stored."""

    code = "evidence_file_rejected"


class RubricInvalid(InvalidInput):
    code = "rubric_invalid"
