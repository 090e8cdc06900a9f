"""Item 3: ``POST /credentials/verify`` under 32 concurrent clients on loopback.

Setup: a temporary migrated PostgreSQL schema (SQLite when PostgreSQL is not available)
with organisation ``bench`` and distinct credentials issued through the bulk path (real
awards, real status lists). Then, on every core of the machine:

1. in-process rate: one process per core, each verifying its own share of the
   credentials the way the endpoint does, minus HTTP (JSON text -> ``verify()`` with the
   app's local fetcher and a new database session per credential, then the
   ``issuer_trust``/``endorsements`` checks; per process the same caches as an app:
   status lists that passed, stored documents and trust entries for
   ``MICROCRED_VERIFY_CACHE_SECONDS``), for a few seconds;
2. HTTP rate: the app served by ``microcred serve --workers <cores> --no-access-log``
   (uvicorn with uvloop and httptools, one listening socket per worker) on 127.0.0.1,
   loaded by a separate process (once every worker is up): an asyncio generator (on
   uvloop) with 32 keep-alive HTTP/1.1 connections, each sending the next credential as
   soon as its previous answer arrived (so at most 32 requests are in flight), for
   ``--http-seconds`` (default 60) after a 3-second warm-up; it records every latency
   and counts every non-200 answer or connection error.

Every request carries a different credential (the pool is sized from the in-process
rate; if the load still exhausts it, it starts over and the note says how many requests
repeated one). No credential's verification is cached; only status lists whose exact
bytes already passed verification are (``microcred.credentials.status.cache``), and the
database reads verification repeats (the stored lists, the issuer's trust entries) are
kept for ``MICROCRED_VERIFY_CACHE_SECONDS`` (``microcred.storage.cache``), in the server
and in the reference alike. The rate limiter is set out of the way
(``MICROCRED_RATE_LIMIT_PER_MINUTE``), since all clients share one address.
"""

from __future__ import annotations

import asyncio
import json
import math
import multiprocessing
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import uvloop
from sqlalchemy import select

from benchmarks.dbsetup import (
    BASE,
    CLI,
    DEFINITION,
    MASTER,
    ORG,
    Database,
    all_cores,
    database,
    postgres_available,
)
from benchmarks.rows import Config, Row
from microcred.accounts import service as accounts
from microcred.accounts.types import Actor
from microcred.catalogue import service as catalogue
from microcred.config import Settings
from microcred.credentials.status import MemoryStatusListCache
from microcred.credentials.verify import verify
from microcred.issuing import bulk
from microcred.issuing.documents import LocalDocumentCache, LocalDocuments
from microcred.issuing.models import Award
from microcred.quality.trust import TrustCache, add_platform_checks
from microcred.storage import create_engine, session_factory, transaction

CONCURRENCY = 32
WARMUP_SECONDS = 3.0
GROUP = "3. HTTP verify"


# -- credentials ------------------------------------------------------------------------


def _issue(db: Database, count: int, start: int) -> None:
    """Issue ``count`` more distinct credentials through the bulk path."""
    csv_path = db.workdir / f"learners-{start}.csv"
    with csv_path.open("w", encoding="utf-8") as out:
        out.write("email,external_id,name,result\n")
        for i in range(start, start + count):
            out.write(f"verifier{i}@example.org,v-{i:07d},Learner {i},Pass\n")
    factory = session_factory(db.engine)
    with transaction(factory) as session, csv_path.open("rb") as stream:
        org = accounts.get_organisation(session, ORG)
        version = catalogue.published_version(session, org, DEFINITION)
        batch = bulk.create_batch(
            session,
            organisation=org,
            version=version,
            stream=stream,
            filename=csv_path.name,
            max_rows=count,
            actor=Actor.system("benchmark"),
        )
        batch_id = batch.id
    bulk.run_batch(factory, batch_id, base_url=BASE, master_key=MASTER.encode(), deliver=False)
    csv_path.unlink()


def _export(db: Database, path: Path) -> int:
    """Write one request body per line (``{"verifiableCredential": ...}``)."""
    count = 0
    with transaction(session_factory(db.engine)) as session, path.open("w") as out:
        for text in session.scalars(
            select(Award.credential_json).order_by(Award.id).execution_options(yield_per=1000)
        ):
            out.write('{"verifiableCredential":' + text + "}\n")
            count += 1
    return count


# -- in-process rate ----------------------------------------------------------------------


def _inprocess_worker(args: tuple[str, str, int, int, float]) -> tuple[int, float, int]:
    url, path, share, shares, seconds = args
    engine = create_engine(url)
    factory = session_factory(engine)
    with Path(path).open(encoding="utf-8") as handle:
        bodies = [line for i, line in enumerate(handle) if i % shares == share]
    cache = MemoryStatusListCache()
    seconds_cached = Settings.model_fields["verify_cache_seconds"].default
    documents = LocalDocumentCache(seconds=seconds_cached)
    trust = TrustCache(seconds=seconds_cached)
    done = failed = 0
    started = time.perf_counter()
    deadline = started + seconds
    for body in bodies:
        if time.perf_counter() >= deadline:
            break
        with factory() as session:
            document = json.loads(body)["verifiableCredential"]
            fetcher = LocalDocuments(
                session, base_url=BASE, master_key=MASTER.encode(), cache=documents
            )
            report = verify(document, fetcher=fetcher, status_cache=cache)
            add_platform_checks(report, session, base_url=BASE, fetcher=fetcher, cache=trust)
            session.commit()
        done += 1
        failed += not report.verified
    elapsed = time.perf_counter() - started
    engine.dispose()
    return done, elapsed, failed


def _inprocess_rate(db: Database, path: Path, cores: int, seconds: float) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(cores) as pool:
        results = pool.map(
            _inprocess_worker, [(db.url, str(path), i, cores, seconds) for i in range(cores)]
        )
    rate = sum(done / elapsed for done, elapsed, _ in results)
    return rate, sum(failed for *_, failed in results)


# -- the load generator (run in its own process) ------------------------------------------


async def _client(
    port: int,
    lines: Any,
    state: dict[str, Any],
    latencies: list[float],
    measure_from: float,
    stop_at: float,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            body = next(lines, None)
            if body is None:
                state["wrapped"] += 1
                state["file"].seek(0)
                continue
            data = body.rstrip("\n").encode()
            head = (
                f"POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
            ).encode()
            sent = time.perf_counter()
            try:
                writer.write(head + data)
                await writer.drain()
                header = await reader.readuntil(b"\r\n\r\n")
                status = int(header.split(b" ", 2)[1])
                length = 0
                for line in header.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                state["errors"] += 1
                state["last_error"] = repr(exc)
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            took = time.perf_counter() - sent
            if sent >= measure_from:
                latencies.append(took)
                state["requests"] += 1
                if status != 200:
                    state["errors"] += 1
                    state["last_error"] = f"HTTP {status}"
            if state["wrapped"]:
                state["repeated"] += sent >= measure_from
    finally:
        writer.close()


async def _load(port: int, path: str, seconds: float, concurrency: int) -> dict[str, Any]:
    handle = Path(path).open(encoding="utf-8")  # noqa: SIM115 - closed below
    state: dict[str, Any] = {
        "requests": 0,
        "errors": 0,
        "wrapped": 0,
        "repeated": 0,
        "last_error": "",
        "file": handle,
    }
    latencies: list[float] = []
    start = time.perf_counter()
    measure_from = start + WARMUP_SECONDS
    stop_at = measure_from + seconds
    lines = iter(handle)
    await asyncio.gather(
        *[_client(port, lines, state, latencies, measure_from, stop_at) for _ in range(concurrency)]
    )
    elapsed = time.perf_counter() - measure_from
    handle.close()
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return math.nan
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": state["requests"],
        "errors": state["errors"],
        "last_error": state["last_error"],
        "repeated": state["repeated"],
        "seconds": elapsed,
        "rps": state["requests"] / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }


def load_main() -> None:
    """``python -c 'from benchmarks.http_verify import load_main; load_main()' port path s``"""
    port, path, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    # uvloop (installed with uvicorn[standard]) keeps the generator's own CPU use low: it
    # shares the cores with the server it measures.
    result = uvloop.run(_load(port, path, seconds, CONCURRENCY))
    print(json.dumps(result))


# -- the server -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(
    port: int, server: subprocess.Popen[bytes], log: Path, workers: int, timeout: float = 60.0
) -> None:
    """Until /healthz answers and every worker has logged its start (connections opened
    before a worker listens would all go to the others)."""
    deadline = time.monotonic() + timeout
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(request.encode())
                ready = sock.recv(64).startswith(b"HTTP/1.1 200")
            if ready and log.read_bytes().count(b"Application startup complete") >= workers:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _http(db: Database, path: Path, cores: int, seconds: float) -> dict[str, Any]:
    port = _free_port()
    env = db.env(MICROCRED_RATE_LIMIT_PER_MINUTE="1000000000")
    log_path = db.workdir / "server.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(cores),
            "--no-access-log",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait_ready(port, server, log_path, cores)
        load = subprocess.run(
            [
                sys.executable,
                "-c",
                "from benchmarks.http_verify import load_main; load_main()",
                str(port),
                str(path),
                str(seconds),
            ],
            capture_output=True,
            check=True,
            timeout=seconds + 120,
        )
        result: dict[str, Any] = json.loads(load.stdout)
        return result
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def run(config: Config) -> list[Row]:
    seconds = 5.0 if config.quick else config.http_seconds
    why = postgres_available()
    kind = "postgresql" if why is None else "sqlite"
    with all_cores() as cores, database(kind) as db:
        first = 2_000 if config.quick else 6_000
        _issue(db, first, 0)
        path = db.workdir / "requests.jsonl"
        _export(db, path)
        inproc_seconds = 2.0 if config.quick else 5.0
        inproc, inproc_failed = _inprocess_rate(db, path, cores, inproc_seconds)
        # Enough distinct credentials for the whole load at the in-process rate (at least
        # 400/s: on a shared machine the short in-process run can come out low).
        needed = int(max(inproc, 400.0) * (seconds + WARMUP_SECONDS) * 1.05)
        if needed > first:
            _issue(db, min(needed, 200_000) - first, first)
        total = _export(db, path)
        result = _http(db, path, cores, seconds)
    rps = float(result["rps"])
    ok = (
        result["errors"] == 0
        and result["p99_ms"] < 100
        and rps >= 0.5 * inproc
        and inproc_failed == 0
    )
    repeats = (
        f", {result['repeated']:,} requests repeated a credential"
        if result["repeated"]
        else ", every request a distinct credential"
    )
    note = (
        f"{CONCURRENCY} clients, {result['seconds']:.0f} s, microcred serve --workers {cores}, "
        f"{kind}; "
        f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"{result['errors']} errors{' (' + result['last_error'] + ')' if result['errors'] else ''}"
        f", {result['requests']:,} requests over {total:,} credentials{repeats}; "
        f"reference = in-process verify on {cores} cores; target >=0.5x, 0 errors, "
        f"p99 <100 ms: {'met' if ok else 'MISSED'}"
    )
    return [
        Row(
            GROUP,
            "POST /credentials/verify over HTTP",
            rps,
            "requests/s",
            reference=inproc,
            reference_name=f"verify() in-process, {cores} processes",
            note=note,
            extra={k: str(v) for k, v in result.items()},
        )
    ]
