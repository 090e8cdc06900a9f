"""The FastAPI application factory. No import-time globals: everything a request needs
(settings, engine, session factory, rate limiter) lives on ``app.state``.

Routers are registered from :func:`routers`; each domain adds its router there.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import microcred
from microcred.config import Settings
from microcred.credentials.status import MemoryStatusListCache
from microcred.issuing.documents import LocalDocumentCache
from microcred.jobs import InProcessRunner, ProcrastinateRunner
from microcred.quality.trust import TrustCache
from microcred.storage import create_engine
from microcred.storage import session_factory as make_session_factory
from microcred.storage.changes import ChangeListener
from microcred.web.api import accounts as accounts_api
from microcred.web.api import assessment as assessment_api
from microcred.web.api import catalogue as catalogue_api
from microcred.web.api import dids as dids_api
from microcred.web.api import hosted as hosted_api
from microcred.web.api import issuing as issuing_api
from microcred.web.api import pathways as pathways_api
from microcred.web.api import quality as quality_api
from microcred.web.api import talent as talent_api
from microcred.web.api import vcapi as vcapi_api
from microcred.web.api import wallet as wallet_api
from microcred.web.pages import STATIC_PATH, page_routers, static_files
from microcred.web.problems import error_response, install_problem_handlers
from microcred.web.ratelimit import RateLimiter
from microcred.web.security import SecurityHeaders

__all__ = ["UPLOAD_PATHS", "BodySizeLimit", "app_from_environment", "create_app", "routers"]

#: Paths whose bodies may reach ``MICROCRED_MAX_UPLOAD_BYTES`` (bulk CSV uploads, API and
#: pages); every other body is limited to ``MICROCRED_MAX_REQUEST_BYTES``.
UPLOAD_PATHS = re.compile(
    r"(?:(?:/api)?/orgs|/dashboard)/[^/]+/bulk/?"
    r"|(?:/api|/wallet)/applications/[^/]+/evidence/?"  # assessment evidence files
)


def routers() -> list[APIRouter]:
    """Every router of the app, in registration order (append yours here)."""
    return [
        accounts_api.router,
        dids_api.router,
        catalogue_api.router,
        issuing_api.router,
        hosted_api.router,
        vcapi_api.router,
        wallet_api.router,
        pathways_api.router,
        talent_api.router,
        quality_api.router,
        assessment_api.router,
        *page_routers(),
    ]


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: sessionmaker[Session] | None = None,
    listen_for_changes: bool = False,
) -> FastAPI:
    """The microcred web application for ``settings``.

    ``engine`` defaults to one built from ``settings.resolved_database_url``;
    ``session_factory`` defaults to one bound to that engine (tests pass their own, bound
    to a rolled-back connection). ``listen_for_changes`` (served apps): on PostgreSQL,
    while the app runs, other processes' writes make its caches stale at once
    (:class:`~microcred.storage.changes.ChangeListener`).
    """
    if engine is None:
        engine = create_engine(settings.resolved_database_url)
    if session_factory is None:
        session_factory = make_session_factory(engine)
    app = FastAPI(
        title="microcred",
        version=getattr(microcred, "__version__", "0"),
        summary="Micro-credentials as Open Badges 3.0 verifiable credentials.",
        docs_url="/docs",
        openapi_url="/openapi.json",
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    # Status lists that already passed verification, by the hash of their exact bytes
    # (VC API verify endpoints; see microcred.credentials.status.cache).
    app.state.status_list_cache = MemoryStatusListCache()
    # What verification reads from the database (stored status lists, DID documents,
    # trust entries, endorsements), reused for MICROCRED_VERIFY_CACHE_SECONDS.
    app.state.document_cache = LocalDocumentCache(seconds=settings.verify_cache_seconds)
    app.state.trust_cache = TrustCache(seconds=settings.verify_cache_seconds)
    app.state.change_listener = (
        ChangeListener(engine) if listen_for_changes and settings.verify_cache_seconds else None
    )
    # Threads for the VC API verify endpoints (see microcred.web.api.vcapi).
    app.state.verify_limiter, app.state.network_limiter = vcapi_api.limiters()
    install_problem_handlers(app)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        larger=[(UPLOAD_PATHS, settings.max_upload_bytes, "MICROCRED_MAX_UPLOAD_BYTES")],
    )
    app.add_middleware(SecurityHeaders)
    app.mount(STATIC_PATH, static_files(), name="static")

    @app.get("/healthz", tags=["meta"], summary="Liveness and database check")
    def healthz() -> dict[str, str]:
        try:
            with session_factory() as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            from microcred.errors import Unavailable  # noqa: PLC0415

            raise Unavailable(
                "The database is not reachable; check MICROCRED_DATABASE_URL.",
                code="database_unavailable",
            ) from None
        return {"status": "ok"}

    for router in routers():
        app.include_router(router)
    return app


def app_from_environment() -> FastAPI:
    """The app for settings from the environment (``microcred serve --workers N`` and
    ``uvicorn --factory microcred.web.app:app_from_environment``)."""
    return create_app(Settings.load(), listen_for_changes=True)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, stop the job runner the app started (the in-process thread on SQLite,
    procrastinate's connection pool on PostgreSQL). While it runs, the change listener (if
    any) counts other processes' writes."""
    listener: ChangeListener | None = app.state.change_listener
    if listener is not None:
        listener.start()
    try:
        yield
    finally:
        if listener is not None:
            listener.stop()
        stop_job_runner(app)


def stop_job_runner(app: FastAPI) -> None:
    """Stop and forget ``app.state.job_runner`` (waits for a running task to finish)."""
    runner = getattr(app.state, "job_runner", None)
    app.state.job_runner = None
    if isinstance(runner, InProcessRunner):
        runner.stop()
    elif isinstance(runner, ProcrastinateRunner):
        runner.app.close()


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with a 413 problem.

    ``larger`` lists ``(path pattern, limit, setting name)``: a request whose path fully
    matches a pattern gets that limit instead (bulk uploads). A declared ``Content-Length``
    over the limit is refused before reading; otherwise the body is read chunk by chunk and
    refused as soon as the count passes the limit (chunked uploads and lying
    Content-Length headers included), then replayed to the app.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        larger: Sequence[tuple[re.Pattern[str], int, str]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    def _limit(self, scope: Scope) -> tuple[int, str]:
        path = str(scope.get("path", ""))
        for pattern, limit, setting in self.larger:
            if pattern.fullmatch(path):
                return limit, setting
        return self.max_bytes, "MICROCRED_MAX_REQUEST_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit, setting)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(scope, receive, send, limit, setting)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if messages:
                return messages.pop(0)
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, limit: int, setting: str
    ) -> None:
        response = error_response(
            scope,
            413,
            "request_too_large",
            f"The request body is larger than {limit} bytes ({setting}); send less data, "
            "or split it.",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
