"""Shared by the platform benchmarks (bulk issuance, HTTP verify): a temporary migrated
database (a SQLite file, or a fresh PostgreSQL schema dropped afterwards) with an
organisation and a published definition, process-tree memory sampling, and the command
line the benchmarks run.

PostgreSQL: ``MICROCRED_BENCH_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy
from sqlalchemy import text

from microcred.accounts import service as accounts
from microcred.accounts.types import Actor
from microcred.catalogue import service as catalogue
from microcred.catalogue.access import OPERATOR
from microcred.storage import create_engine, session_factory, transaction
from microcred.storage.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "MICROCRED_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MASTER = "benchmark-master-key-0123456789abcdef0123456789"
BASE = "http://127.0.0.1:8000"
ORG = "bench"
DEFINITION = "data-101"
CLI = [sys.executable, "-c", "from microcred.cli import _entry; _entry()"]

_DEFINITION = {
    "title": "Data Analysis with Python",
    "description": "Clean, analyse and visualise tabular data with Python.",
    "learning_outcomes": ["Load and clean CSV data", "Plot distributions"],
    "criteria_narrative": "Pass the final project, reviewed by an assessor.",
    "eqf_level": 5,
    "workload_hours": 50,
    "ects": 2,
    "duration": "P6W",
    "price": "199.00",
    "currency": "EUR",
    "delivery_mode": "online",
    "pace": "self-paced",
    "language": "en",
    "assessment_type": "Project reviewed by an assessor",
    "participation_form": "online",
    "quality_assurance": "Internal QA by the faculty board",
    "supervision": "supervised-online",
    "identity_verification": True,
    "prerequisites": "Basic programming",
    "stackability": "stackable",
    "tags": ["python", "data"],
    "field_of_study": "Computer science",
}


@dataclass(frozen=True)
class Database:
    kind: str  # "sqlite" | "postgresql"
    url: str  # for MICROCRED_DATABASE_URL
    engine: sqlalchemy.Engine
    workdir: Path

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a microcred command or server on this database."""
        return {
            **os.environ,
            "MICROCRED_DATABASE_URL": self.url,
            "MICROCRED_MASTER_KEY": MASTER,
            "MICROCRED_BASE_URL": BASE,
            "MICROCRED_DATA_DIR": str(self.workdir / "data"),
            "MICROCRED_ALLOW_NETWORK": "false",
            **extra,
        }


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except sqlalchemy.exc.OperationalError as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {str(exc.orig).strip()[:120]}"
    finally:
        engine.dispose()
    return None


@contextlib.contextmanager
def database(kind: str) -> Iterator[Database]:
    """A migrated temporary database with organisation ``bench`` (did:key) and the
    published definition ``data-101``; removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"microcred-bench-{kind}-") as tmp:
        workdir = Path(tmp)
        if kind == "sqlite":
            url = f"sqlite:///{workdir / 'bench.db'}"
            engine = create_engine(url)
            try:
                _prepare(engine)
                yield Database(kind, url, engine, workdir)
            finally:
                engine.dispose()
            return
        schema = f"mc_bench_{uuid.uuid4().hex[:10]}"
        admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        try:
            _prepare(engine)
            yield Database(
                kind, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", engine, workdir
            )
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _prepare(engine: sqlalchemy.Engine) -> None:
    upgrade(engine, "heads")
    actor = Actor.system("benchmark")
    with transaction(session_factory(engine)) as session:
        org = accounts.create_organisation(
            session,
            slug=ORG,
            name="Benchmark University",
            base_url=BASE,
            did_method="key",
            master_key=MASTER.encode(),
            actor=actor,
        )
        catalogue.create_definition(
            session, organisation=org, slug=DEFINITION, data=dict(_DEFINITION), principal=OPERATOR
        )
        catalogue.publish(session, organisation=org, slug=DEFINITION, principal=OPERATOR)


def write_csv(path: Path, rows: int) -> None:
    """A bulk CSV of ``rows`` distinct learners (streamed to disk)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("email,external_id,name,result\n")
        for i in range(rows):
            out.write(f"learner{i}@example.org,enrol-{i:07d},Learner {i},Pass\n")


# -- memory of a process tree -----------------------------------------------------------


def _group_rss_kib(pgid: int) -> int:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text("ascii")
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # field 5 of stat: process group
                continue
            for line in Path(entry.path, "status").read_text("ascii").splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError, IndexError):
            continue
    return total


class TreeMemory:
    """Samples the summed resident memory (RSS) of a process group every ``interval``
    seconds (the command, its signing workers and helpers) and keeps the peak. RSS counts
    pages shared between processes once per process, so this is an upper bound."""

    def __init__(self, pgid: int, interval: float = 0.1) -> None:
        self.pgid = pgid
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _group_rss_kib(self.pgid))
            self._stop.wait(self.interval)

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024


@contextlib.contextmanager
def all_cores() -> Iterator[int]:
    """Widen this process's CPU affinity to every core (``python -m benchmarks`` pins to
    one); yields the core count and restores the affinity afterwards."""
    if not hasattr(os, "sched_setaffinity"):
        yield os.cpu_count() or 1
        return
    before = os.sched_getaffinity(0)
    every = set(range(os.cpu_count() or 1))
    os.sched_setaffinity(0, every)
    try:
        yield len(os.sched_getaffinity(0))
    finally:
        os.sched_setaffinity(0, before)
