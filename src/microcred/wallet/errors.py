"""Errors of the wallet domain (stable codes; messages say what to do next)."""

from __future__ import annotations

from microcred.errors import Conflict, InvalidInput, NotFound

__all__ = ["ImportRejected", "ItemNotFound", "ShareGone", "ShareNotFound"]


class ItemNotFound(NotFound):
    """No such credential in this learner's wallet (another user's item looks the same)."""

    code = "wallet_item_not_found"


class ShareNotFound(NotFound):
    code = "share_not_found"


class ShareGone(Conflict):
    """A share link that expired or was revoked (HTTP 410 on its page)."""

    code = "share_gone"


class ImportRejected(InvalidInput):
    """The upload is not a credential we can keep; nothing was stored."""

    code = "import_rejected"
