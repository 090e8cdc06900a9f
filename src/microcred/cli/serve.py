"""``microcred serve``: run the web application with uvicorn (uvloop and httptools).

One process by default. ``--workers N`` starts N worker processes (one per core in
production), each with its own caches. Where the system offers ``SO_REUSEPORT`` (Linux),
each worker listens on a socket of its own bound to the same address, so the kernel
spreads new connections over the workers evenly. With a single shared socket (uvicorn's
own ``--workers``) the first worker to wake up takes a whole burst of connections: a
client that opens a few keep-alive connections at once, a proxy for instance, may then
load one worker while the others idle. A worker that exits after it started serving is
started again; one that fails before (it would only fail again: a broken setting, a port
taken by another program) stops the server with exit code 1. Ctrl-C or SIGTERM stops them
all.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from types import FrameType
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
    access_log: Annotated[
        bool,
        typer.Option("--access-log/--no-access-log", help="Log every request (one line each)."),
    ] = True,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs). Run `microcred db upgrade` first."""
    settings = Settings.load()  # checked here, so that a bad setting stops us at once
    if workers == 1:
        uvicorn.run(
            create_app(settings, listen_for_changes=True),
            host=host,
            port=port,
            proxy_headers=True,
            access_log=access_log,
        )
        return
    if not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(
            "microcred.web.app:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            proxy_headers=True,
            access_log=access_log,
        )
        return
    _check_free(host, port)
    raise typer.Exit(_supervise(host, port, workers, access_log))


def _listening_socket(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _check_free(host: str, port: int) -> None:
    """Fail with a clear message when the address cannot be bound (taken, or no such
    interface) before any worker starts."""
    try:
        with _listening_socket(host, port):
            pass
    except OSError as exc:
        typer.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.", err=True)
        raise typer.Exit(1) from None


class _Server(uvicorn.Server):
    """A uvicorn server that tells the supervisor when it serves."""

    def __init__(self, config: uvicorn.Config, ready: Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            self._ready.set()


def _worker(host: str, port: int, access_log: bool, ready: Event) -> None:  # pragma: no cover
    sock = _listening_socket(host, port)
    sock.listen(2048)
    config = uvicorn.Config(
        "microcred.web.app:app_from_environment",
        factory=True,
        proxy_headers=True,
        access_log=access_log,
    )
    _Server(config, ready).run(sockets=[sock])


def _supervise(host: str, port: int, workers: int, access_log: bool) -> int:
    context = multiprocessing.get_context("spawn")
    running: dict[int, tuple[BaseProcess, Event]] = {}
    stopping = False

    def start() -> None:
        ready = context.Event()
        process = context.Process(target=_worker, args=(host, port, access_log, ready))
        process.start()
        assert process.pid is not None
        running[process.pid] = (process, ready)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for process, _ in running.values():
            process.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        typer.echo(f"microcred serving on http://{host}:{port} with {workers} workers", err=True)
        for _ in range(workers):
            start()
        while running:
            wait([process.sentinel for process, _ in running.values()])
            for pid, (process, ready) in list(running.items()):
                if process.is_alive():
                    continue
                process.join()
                del running[pid]
                if stopping:
                    continue
                if not ready.is_set():
                    typer.echo(
                        f"A worker exited with code {process.exitcode} before serving; "
                        "stopping (see its error above).",
                        err=True,
                    )
                    status = 1
                    stop(signal.SIGTERM, None)
                    continue
                typer.echo(
                    f"A worker exited with code {process.exitcode}; starting a new one.",
                    err=True,
                )
                start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for process, _ in running.values():  # pragma: no cover - only on an error above
            process.kill()
    sys.stdout.flush()
    return status
