"""Jobs: a real procrastinate worker on PostgreSQL runs a small bulk batch; the in-process
runner on SQLite runs the same task (committed data: the workers use their own
connections)."""

from __future__ import annotations

import concurrent.futures
import io
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from tests.support.issuing import BASE, MASTER, SYSTEM, make_issuer

from microcred.issuing import bulk
from microcred.issuing.delivery import MailSettings
from microcred.issuing.models import Award, BulkBatch, OutboxMessage
from microcred.issuing.tasks import TaskContext
from microcred.jobs import InProcessRunner, ProcrastinateRunner, build_procrastinate_app, run_worker
from microcred.jobs.worker import ensure_schema
from microcred.storage import session_factory, transaction


def _batch(engine: Engine, rows: int) -> tuple[int, int]:
    factory = session_factory(engine)
    with transaction(factory) as s:
        org, version = make_issuer(s, f"j{uuid.uuid4().hex[:10]}")
        data = "email,external_id\n" + "".join(f"l{i}@example.org,x{i}\n" for i in range(rows))
        batch = bulk.create_batch(
            s,
            organisation=org,
            version=version,
            stream=io.BytesIO(data.encode()),
            filename="x.csv",
            max_rows=100,
            actor=SYSTEM,
        )
        return batch.id, org.id


def _context(engine: Engine, tmp_path: Path) -> TaskContext:
    return TaskContext(
        session_factory=session_factory(engine),
        base_url=BASE,
        master_key=MASTER,
        mail=MailSettings(sender="m <m@example.org>", outbox_dir=tmp_path / "outbox"),
    )


def _check(engine: Engine, batch_id: int, org_id: int, rows: int) -> None:
    with transaction(session_factory(engine)) as s:
        batch = s.get(BulkBatch, batch_id)
        assert batch is not None and batch.status == "completed"
        assert (
            s.scalar(select(func.count()).select_from(Award).where(Award.organisation_id == org_id))
            == rows
        )
        sent = s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Award, Award.id == OutboxMessage.award_id)
            .where(Award.organisation_id == org_id, OutboxMessage.status == "sent")
        )
        assert sent == rows


def test_procrastinate_worker_runs_a_batch(own_engine: Engine, tmp_path: Path) -> None:
    engine = own_engine
    if engine.dialect.name != "postgresql":
        # SQLite has no procrastinate; the same task runs on the in-process thread.
        batch_id, org_id = _batch(engine, 4)
        runner = InProcessRunner(_context(engine, tmp_path), poll_seconds=3600)
        runner.enqueue("issue_batch", batch_id=batch_id)
        runner.enqueue("issue_batch", batch_id=batch_id)  # twice: idempotent
        runner.wait_idle()
        runner.stop()
        _check(engine, batch_id, org_id, 4)
        return
    # procrastinate's tables go to a schema of their own (dropped afterwards), so they do
    # not mix with the application schema the other tests compare with the models.
    queue_schema = f"procq_{uuid.uuid4().hex[:8]}"
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{queue_schema}"')
        conn.commit()
    try:
        # procrastinate's sync API calls asyncio.run(); a thread of its own keeps it clear of
        # any event loop another test (Playwright's sync API) left running in this worker.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(_run_procrastinate, engine, tmp_path, queue_schema).result()
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{queue_schema}" CASCADE')
            conn.commit()


def _run_procrastinate(engine: Engine, tmp_path: Path, queue_schema: str) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        app_schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    search_path = f"{queue_schema},{app_schema}"
    app = build_procrastinate_app(url, kwargs={"options": f"-csearch_path={search_path}"})
    with app.open():
        ensure_schema(app)
        batch_id, org_id = _batch(engine, 4)
        runner = ProcrastinateRunner(app)
        runner.enqueue("issue_batch", batch_id=batch_id)
        runner.enqueue("issue_batch", batch_id=batch_id)
    worker_app = build_procrastinate_app(url, kwargs={"options": f"-csearch_path={search_path}"})
    run_worker(
        worker_app,
        _context(engine, tmp_path),
        wait=False,
        install_signal_handlers=False,
        listen_notify=False,
    )
    _check(engine, batch_id, org_id, 4)
    with engine.connect() as conn:
        statuses = conn.exec_driver_sql(
            f'SELECT status, count(*) FROM "{queue_schema}".procrastinate_jobs '
            "WHERE task_name = 'microcred:issue_batch' GROUP BY status"
        ).all()
    assert dict(statuses) == {"succeeded": 2}, statuses
