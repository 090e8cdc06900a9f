"""Which request paths get the larger bulk-upload body limit."""

from __future__ import annotations

import pytest

from microcred.web.app import UPLOAD_PATHS


@pytest.mark.parametrize(
    "path",
    ["/api/orgs/acme/bulk", "/orgs/acme/bulk/", "/dashboard/acme/bulk", "/dashboard/acme/bulk/"],
)
def test_bulk_upload_paths_get_the_upload_limit(path: str) -> None:
    assert UPLOAD_PATHS.fullmatch(path)


@pytest.mark.parametrize(
    "path",
    ["/credentials/verify", "/api/orgs/acme/awards", "/dashboard/acme/bulk/7/confirm", "/verify"],
)
def test_other_paths_keep_the_request_limit(path: str) -> None:
    assert not UPLOAD_PATHS.fullmatch(path)
