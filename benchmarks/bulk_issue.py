"""Item 2: bulk issuance of 100,000 credentials from one CSV, on SQLite and PostgreSQL.

Runs the real command, ``microcred award bulk <csv> --org bench --definition data-101``,
as a subprocess on every core, against a temporary migrated database: validate every row,
then sign in worker processes, allocate status indexes, store the awards and queue one
claim mail per learner (the command then delivers the first 500 mails to ``.eml`` files,
as it always does). Measured: wall time of the whole command (start of the process to its
exit, CSV validation included), credentials per second, and the peak summed RSS of the
command's process group (main process, signing workers, forkserver and resource tracker)
sampled every 0.1 s. Afterwards every row must have its award and a sample of the stored
credentials must verify; otherwise the row says so instead of a rate.

``--bulk-rows N`` (default 100,000; ``--quick``: 2,000) sets the size.
"""

from __future__ import annotations

import json
import subprocess
import time

from sqlalchemy import func, select

from benchmarks.dbsetup import (
    BASE,
    CLI,
    DEFINITION,
    MASTER,
    ORG,
    Database,
    TreeMemory,
    all_cores,
    database,
    postgres_available,
    write_csv,
)
from benchmarks.rows import Config, Row
from microcred.credentials.verify import verify
from microcred.issuing.documents import LocalDocuments
from microcred.issuing.models import Award, OutboxMessage
from microcred.storage import session_factory, transaction

TARGET_SECONDS = 300.0
TARGET_MB = 500.0


def _check(db: Database, rows: int) -> str | None:
    """None when every row was issued and a sample verifies, else what is wrong."""
    with transaction(session_factory(db.engine)) as session:
        count = session.scalar(select(func.count()).select_from(Award)) or 0
        if count != rows:
            return f"{count} awards for {rows} rows"
        mails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        if mails != rows:
            return f"{mails} mails queued for {rows} rows"
        ids = list(session.scalars(select(Award.id).order_by(Award.id)))
        fetcher = LocalDocuments(session, base_url=BASE, master_key=MASTER.encode())
        for award_id in ids[:: max(1, len(ids) // 5)]:
            award = session.get(Award, award_id)
            assert award is not None
            report = verify(json.loads(award.credential_json), fetcher=fetcher)
            failures = [c for c in report.failures if c.name != "schema"]
            if failures:
                return f"award {award.external_id} does not verify: {failures[0].message}"
    return None


def _one(kind: str, rows: int, cores: int) -> Row:
    name = f"bulk issue {rows:,} from CSV ({kind})"
    group = "2. bulk issuance"
    with database(kind) as db:
        csv_path = db.workdir / "learners.csv"
        write_csv(csv_path, rows)
        command = [*CLI, "award", "bulk", str(csv_path), "--org", ORG, "--definition"]
        command += [DEFINITION, "--no-progress"]
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=db.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        with TreeMemory(process.pid) as memory:
            out, err = process.communicate()
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            return Row(group, name, 0.0, "credentials/s", note=f"FAILED: {err.decode()[-300:]}")
        problem = _check(db, rows)
    if problem:
        return Row(group, name, 0.0, "credentials/s", note=f"WRONG RESULT: {problem}")
    del out
    met = seconds < TARGET_SECONDS * rows / 100_000 and memory.peak_mb < TARGET_MB
    verdict = "met" if met else "MISSED"
    scale = "" if rows == 100_000 else f" (target scaled to {rows:,} rows)"
    return Row(
        group,
        name,
        rows / seconds,
        "credentials/s",
        note=(
            f"wall {seconds:,.1f} s, peak RSS {memory.peak_mb:,.0f} MB (command + workers), "
            f"{cores} cores; target <300 s per 100k and <500 MB: {verdict}{scale}"
        ),
        extra={"seconds": f"{seconds:.1f}", "peak_mb": f"{memory.peak_mb:.0f}"},
    )


def run(config: Config) -> list[Row]:
    rows = 2_000 if config.quick else config.bulk_rows
    out: list[Row] = []
    with all_cores() as cores:
        out.append(_one("sqlite", rows, cores))
        why = postgres_available()
        if why is None:
            out.append(_one("postgresql", rows, cores))
        else:
            out.append(
                Row("2. bulk issuance", f"bulk issue {rows:,} (postgresql)", 0.0, "-", note=why)
            )
    return out
