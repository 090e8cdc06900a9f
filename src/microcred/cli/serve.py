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
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs). Run `microcred db upgrade` first."""
    app = create_app(Settings.load())
    uvicorn.run(app, host=host, port=port, proxy_headers=True)
