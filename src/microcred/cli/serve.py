"""``microcred serve``: run the web application with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from microcred.config import Settings
from microcred.web.app import create_app

__all__ = ["serve"]


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Worker processes (one per core in production; each keeps its own caches).",
            min=1,
            max=256,
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs). Run `microcred db upgrade` first."""
    settings = Settings.load()  # checked here, so that a bad setting stops us at once
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True)
        return
    uvicorn.run(
        "microcred.web.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        proxy_headers=True,
    )
