from __future__ import annotations

import json

import pytest

from microcred.accounts.errors import KeyDecryptionFailed, NotAuthenticated
from microcred.credentials.errors import MalformedDocument
from microcred.errors import (
    Conflict,
    InvalidInput,
    MicrocredError,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from microcred.web.problems import RateLimited, RequestTooLarge, problem_response, status_for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("x"), 400),
        (MalformedDocument("x"), 400),
        (NotAuthenticated("x"), 401),
        (PermissionDenied("x"), 403),
        (NotFound("x"), 404),
        (Conflict("x"), 409),
        (RequestTooLarge("x"), 413),
        (RateLimited("x", retry_after=3), 429),
        (Unavailable("x"), 503),
        (KeyDecryptionFailed("x"), 503),
        (MicrocredError("x"), 400),
    ],
)
def test_status_mapping(error: MicrocredError, status: int) -> None:
    assert status_for(error) == status


def test_problem_body() -> None:
    response = problem_response(
        404, "organisation_not_found", "No organisation 'x'.", instance="/a"
    )
    assert response.media_type == "application/problem+json"
    assert json.loads(response.body) == {
        "type": "https://w3id.org/microcred/problems/organisation_not_found",
        "title": "Not Found",
        "status": 404,
        "detail": "No organisation 'x'.",
        "code": "organisation_not_found",
        "instance": "/a",
    }
