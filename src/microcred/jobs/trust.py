"""The scheduled refresh of consumed trust registries (``refresh_registries``).

The job worker runs it every hour (procrastinate's periodic task on PostgreSQL; the
in-process runner's idle loop on SQLite); each run reads again only the registries last
read more than ``MICROCRED_TRUST_REFRESH_HOURS`` ago, so running it more often costs one
query. A registry that cannot be read keeps no entries and records why (fail closed, as
:func:`microcred.quality.registry.refresh_registry` does).
"""

from __future__ import annotations

import logging

from microcred.issuing.tasks import TaskContext
from microcred.quality import registry
from microcred.storage import transaction
from microcred.verification.fetching import HttpsFetcher

__all__ = ["refresh_registries"]

logger = logging.getLogger("microcred.jobs")


def refresh_registries(context: TaskContext) -> int:
    """Read again the registries that are due; how many were read."""
    if context.trust_refresh is None:
        return 0
    fetcher = HttpsFetcher() if context.allow_network else None
    with transaction(context.session_factory) as session:
        refreshed = registry.refresh_due(session, fetcher=fetcher, max_age=context.trust_refresh)
        for row in refreshed:
            logger.info(
                "trust registry %s read again: %s issuers%s",
                row.name,
                row.entry_count,
                f" (error: {row.last_error})" if row.last_error else "",
            )
        return len(refreshed)
