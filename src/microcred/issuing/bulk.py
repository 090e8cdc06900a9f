"""Bulk awards from CSV: streaming parse and validation, and the error report.

File rules (all checked before anything is issued):

* UTF-8, with or without a byte order mark; anything else is refused with the line where
  decoding failed.
* The first line is a header. Columns: ``email`` and/or ``did`` (at least one column, and
  each row needs at least one value), ``external_id`` (required; makes each row
  idempotent), optional ``name``, ``result``, ``evidence_url``, ``evidence_narrative``,
  ``valid_until``. Header names are case-insensitive; unknown or repeated columns are errors.
* At most ``max_rows`` data rows (blank lines are ignored); reading stops at the first row
  over the limit, so a huge file is never read (or held) in full.
* Formula injection: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return (after leading spaces) is **rejected**, except plain numbers such as ``-5`` or
  ``+3.5``. The error report (:func:`errors_csv`) **neutralises** such cells by prefixing a
  single quote, so opening it in a spreadsheet never runs anything.
* ``external_id`` must be unique within the file; ids already used in the organisation are
  checked by the service (same recipient: skipped; different recipient: error).

:func:`parse_csv` yields :class:`ParsedRow` and :class:`RowError` items as it reads.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import secrets
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from microcred.accounts import keys as org_keys
from microcred.accounts.models import Organisation
from microcred.accounts.types import Actor
from microcred.audit.models import AuditEvent
from microcred.audit.service import record
from microcred.catalogue import service as catalogue_service
from microcred.catalogue.achievement import achievement_json
from microcred.catalogue.models import DefinitionVersion
from microcred.issuing import claims, service
from microcred.issuing.errors import AwardInputInvalid, BatchNotFound, BatchNotReady
from microcred.issuing.fields import (
    FORMULA_PREFIXES,
    check_did,
    check_email,
    check_external_id,
    check_text,
    check_url,
    check_valid_until,
    is_formula,
)
from microcred.issuing.models import Award, BulkBatch, BulkError, BulkRow, ClaimToken, OutboxMessage
from microcred.issuing.parallel import (
    InlineSigner,
    PoolSigner,
    RowSpec,
    Signed,
    SigningSetup,
    allocate_block,
    available_cores,
    indexes,
)
from microcred.issuing.types import LIST_SIZE, BatchCounts, RowError
from microcred.storage import transaction, utcnow

__all__ = [
    "COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_LINE_BYTES",
    "MAX_STORED_ERRORS",
    "ParsedRow",
    "batch_counts",
    "batch_errors",
    "batch_rows",
    "confirm_batch",
    "create_batch",
    "errors_csv",
    "failed_rows",
    "file_sha256",
    "find_unfinished",
    "get_batch",
    "neutralise",
    "parse_csv",
    "run_batch",
]

COLUMNS = (
    "email",
    "did",
    "external_id",
    "name",
    "result",
    "evidence_url",
    "evidence_narrative",
    "valid_until",
)
MAX_CELL_CHARS = 10_000
MAX_LINE_BYTES = 64 * 1024
_LIMITS = {"name": 200, "result": 200, "evidence_narrative": 5000}


@dataclass(frozen=True)
class ParsedRow:
    """A valid data row (``line`` is the physical line it starts on, 1 = the header)."""

    line: int
    external_id: str
    email: str | None = None
    did: str | None = None
    name: str | None = None
    result: str | None = None
    evidence_url: str | None = None
    evidence_narrative: str | None = None
    valid_until: datetime | None = None


def parse_csv(stream: IO[bytes], *, max_rows: int, now: datetime) -> Iterator[ParsedRow | RowError]:
    """Read a bulk CSV from a binary stream, yielding valid rows and errors in file order.

    File-level problems (encoding, header, too many rows, broken CSV) end the stream with
    one error. Row problems yield one :class:`RowError` per bad cell and go on.
    """
    lines = _Lines(stream)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except _DecodeError as exc:
        yield exc.error
        return
    except csv.Error as exc:
        yield RowError(1, "", f"The header line is not valid CSV: {exc}.", "malformed_csv")
        return
    if header is None or not any(h.strip() for h in header):
        yield RowError(
            1,
            "",
            "The file is empty; the first line must be a header such as 'email,external_id,name'.",
            "missing_header",
        )
        return
    columns, header_errors = _check_header(header)
    if header_errors:
        yield from header_errors
        return
    seen: dict[str, int] = {}
    rows = 0
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader, None)
        except _DecodeError as exc:
            yield exc.error
            return
        except csv.Error as exc:
            yield RowError(
                start,
                "",
                f"Line {start} is not valid CSV ({exc}); check quotes and separators.",
                "malformed_csv",
            )
            return
        if record is None:
            return
        line = start
        if not any(cell.strip() for cell in record):
            continue
        rows += 1
        if rows > max_rows:
            yield RowError(
                line,
                "",
                f"The file has more than {max_rows:,} rows; split it into files of at most "
                f"{max_rows:,} rows.",
                "too_many_rows",
            )
            return
        yield from _check_row(line, record, columns, seen, now)


class _DecodeError(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


class _Lines:
    """Physical lines of a binary stream, decoded as UTF-8 one by one (so a decoding error
    names its line), with a BOM allowed at the start and a cap on the length of a line."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        data = self._stream.readline(MAX_LINE_BYTES + 1)
        if not data:
            raise StopIteration
        self.number += 1
        if len(data) > MAX_LINE_BYTES:
            raise _DecodeError(
                RowError(
                    self.number,
                    "",
                    f"Line {self.number} is longer than {MAX_LINE_BYTES:,} bytes; is this a CSV "
                    "file?",
                    "line_too_long",
                )
            )
        if self.number == 1 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _DecodeError(
                RowError(
                    self.number,
                    "",
                    f"The file is not UTF-8 (byte 0x{data[exc.start]:02x} on line "
                    f"{self.number}). Save it as 'CSV UTF-8' and upload it again.",
                    "encoding",
                )
            ) from None


def _check_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    names = [h.strip().lower() for h in header]
    errors: list[RowError] = []
    for name in names:
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    neutralise(name[:64]),
                    f"Unknown column {name[:64]!r}; allowed columns are {', '.join(COLUMNS)}.",
                    "unknown_column",
                )
            )
    for name in {n for n in names if names.count(n) > 1}:
        errors.append(RowError(1, name, f"Column {name!r} appears twice.", "duplicate_column"))
    if "external_id" not in names:
        errors.append(
            RowError(
                1,
                "external_id",
                "Missing column 'external_id': give every row a unique id (e.g. your "
                "enrolment id) so that uploading the file again never issues twice.",
                "missing_column",
            )
        )
    if "email" not in names and "did" not in names:
        errors.append(
            RowError(
                1,
                "email",
                "Missing recipient column: add 'email' (the learner's address) or 'did'.",
                "missing_column",
            )
        )
    return names, errors


def _check_row(
    line: int,
    record: list[str],
    columns: list[str],
    seen: dict[str, int],
    now: datetime,
) -> Iterator[RowError | ParsedRow]:
    if len(record) != len(columns):
        yield RowError(
            line,
            "",
            f"Expected {len(columns)} fields as in the header, found {len(record)}.",
            "field_count",
        )
        return
    values: dict[str, str] = {}
    errors: list[RowError] = []
    for name, raw in zip(columns, record, strict=True):
        if len(raw) > MAX_CELL_CHARS:
            errors.append(
                RowError(line, name, f"Longer than {MAX_CELL_CHARS} characters.", "too_long")
            )
            continue
        if raw.startswith(("\t", "\r")) or is_formula(raw.lstrip(" ")):
            errors.append(
                RowError(
                    line,
                    name,
                    "Starts with =, +, -, @, a tab or a carriage return, which spreadsheets "
                    "run as a formula; remove the leading character.",
                    "formula",
                )
            )
            continue
        values[name] = raw.strip()
    parsed: dict[str, object] = {}
    for name, value in values.items():
        if not value and name != "external_id":
            continue
        try:
            parsed[name] = _check_cell(name, value, now)
        except AwardInputInvalid as exc:
            errors.append(RowError(line, name, exc.message.split(": ", 1)[-1], "invalid_value"))
    if "external_id" in values and "external_id" in parsed:
        external_id = str(parsed["external_id"])
        first = seen.get(external_id)
        if first is not None:
            errors.append(
                RowError(
                    line,
                    "external_id",
                    f"external_id {external_id!r} already appears on line {first}.",
                    "duplicate_external_id",
                )
            )
        else:
            seen[external_id] = line
    if (
        "email" not in parsed
        and "did" not in parsed
        and not any(e.column in ("email", "did") for e in errors)
    ):
        errors.append(
            RowError(line, "email", "Give the learner's email or did.", "missing_recipient")
        )
    if errors:
        yield from errors
        return
    yield ParsedRow(
        line=line,
        external_id=str(parsed["external_id"]),
        email=_opt(parsed.get("email")),
        did=_opt(parsed.get("did")),
        name=_opt(parsed.get("name")),
        result=_opt(parsed.get("result")),
        evidence_url=_opt(parsed.get("evidence_url")),
        evidence_narrative=_opt(parsed.get("evidence_narrative")),
        valid_until=parsed.get("valid_until"),  # type: ignore[arg-type]
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _check_cell(name: str, value: str, now: datetime) -> object:
    if name == "external_id":
        return check_external_id(value)
    if name == "email":
        return check_email(value)
    if name == "did":
        return check_did(value)
    if name == "evidence_url":
        return check_url(value)
    if name == "valid_until":
        return check_valid_until(value, now=now)
    return check_text(
        value, field=name, max_length=_LIMITS[name], multiline=name == "evidence_narrative"
    )


def neutralise(value: str) -> str:
    """A cell value that no spreadsheet will run as a formula (a leading quote)."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def errors_csv(errors: Iterable[RowError]) -> str:
    """The error report as CSV (line, column, code, message), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "column", "code", "message"])
    for error in errors:
        writer.writerow(
            [str(error.line), neutralise(error.column), error.code, neutralise(error.message)]
        )
    return out.getvalue()


# -- batches ------------------------------------------------------------------------------

#: Errors stored per batch (all are counted; the first ones are kept for the report).
MAX_STORED_ERRORS = 10_000
_CHUNK = 500


class _HashingReader(io.RawIOBase):
    """A binary stream that hashes what is read through it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        return n


def create_batch(
    session: Session,
    *,
    organisation: Organisation,
    version: DefinitionVersion,
    stream: IO[bytes],
    filename: str,
    max_rows: int,
    actor: Actor,
    now: datetime | None = None,
    hold: bool = False,
) -> BulkBatch:
    """Validate a CSV and store it as a batch: ``queued`` with its rows when every row is
    valid, else ``invalid`` with its errors and no rows (nothing will be issued).

    With ``hold`` a valid batch waits as ``preview`` (not picked up by any job, not even the
    sweep) until :func:`confirm_batch` queues it: the dashboard shows the rows first.

    Rows whose external id was already issued in the organisation to the same recipient
    and definition version are stored as ``skipped`` (a re-upload issues nothing twice);
    for another recipient they are errors.
    """
    when = now or utcnow()
    service.check_version(organisation, version)
    reader = _HashingReader(stream)
    buffered = io.BufferedReader(reader, buffer_size=64 * 1024)
    batch = BulkBatch(
        public_id=str(uuid.uuid4()),
        organisation_id=organisation.id,
        definition_version_id=version.id,
        filename=(filename or "")[:255],
        sha256="",
        status="validating",
        total_rows=0,
        error_count=0,
        created_by=actor.label,
        created_at=when,
    )
    session.add(batch)
    session.flush()
    errors: list[RowError] = []
    error_count = 0
    rows: list[ParsedRow] = []
    total = 0

    def flush_errors() -> None:
        if errors:
            session.execute(
                insert(BulkError),
                [
                    {
                        "batch_id": batch.id,
                        "line": e.line,
                        "column": e.column[:64],
                        "code": e.code,
                        "message": e.message,
                    }
                    for e in errors
                ],
            )
            errors.clear()

    def add_error(error: RowError) -> None:
        nonlocal error_count
        error_count += 1
        if error_count <= MAX_STORED_ERRORS:
            errors.append(error)
        if len(errors) >= _CHUNK:
            flush_errors()

    def flush_rows() -> None:
        if not rows:
            return
        existing = {
            award.external_id: award
            for award in session.scalars(
                select(Award).where(
                    Award.organisation_id == organisation.id,
                    Award.external_id.in_([r.external_id for r in rows]),
                )
            )
        }
        values = []
        for row in rows:
            award = existing.get(row.external_id)
            status, award_id = "pending", None
            if award is not None:
                if (
                    award.recipient_email == row.email
                    and (row.did is None or award.recipient_did == row.did)
                    and award.definition_version_id == version.id
                ):
                    status, award_id = "skipped", award.id
                else:
                    add_error(
                        RowError(
                            row.line,
                            "external_id",
                            f"external_id {row.external_id!r} was already used for another "
                            "recipient or definition; use a new id.",
                            "external_id_conflict",
                        )
                    )
                    continue
            if error_count:
                continue  # the batch is invalid; no need to store rows
            values.append(
                {
                    "batch_id": batch.id,
                    "line": row.line,
                    "external_id": row.external_id,
                    "email": row.email,
                    "did": row.did,
                    "name": row.name,
                    "result": row.result,
                    "evidence_url": row.evidence_url,
                    "evidence_narrative": row.evidence_narrative,
                    "valid_until": row.valid_until,
                    "status": status,
                    "award_id": award_id,
                }
            )
        if values:
            session.execute(insert(BulkRow), values)
        rows.clear()

    for item in parse_csv(buffered, max_rows=max_rows, now=when):
        if isinstance(item, RowError):
            add_error(item)
            continue
        total += 1
        rows.append(item)
        if len(rows) >= _CHUNK:
            flush_rows()
    flush_rows()
    flush_errors()
    batch.sha256 = reader.digest.hexdigest()
    batch.total_rows = total
    batch.error_count = error_count
    if error_count:
        batch.status = "invalid"
        session.execute(delete(BulkRow).where(BulkRow.batch_id == batch.id))
    elif total == 0:
        batch.status = "invalid"
        batch.error_count = 1
        session.add(
            BulkError(
                batch_id=batch.id,
                line=1,
                column="",
                code="no_rows",
                message="The file has a header but no rows.",
            )
        )
    else:
        batch.status = "preview" if hold else "queued"
    session.flush()
    record(
        session,
        actor=actor,
        action="bulk.upload",
        organisation_id=organisation.id,
        subject_type="bulk_batch",
        subject_id=batch.public_id,
        details={
            "filename": batch.filename,
            "sha256": batch.sha256,
            "rows": total,
            "errors": batch.error_count,
            "status": batch.status,
        },
    )
    return batch


def get_batch(session: Session, organisation: Organisation, public_id: str) -> BulkBatch:
    batch = session.scalar(
        select(BulkBatch).where(
            BulkBatch.public_id == public_id, BulkBatch.organisation_id == organisation.id
        )
    )
    if batch is None:
        raise BatchNotFound(
            f"No bulk batch {public_id[:40]!r} in {organisation.slug!r}; upload one with "
            f"POST /api/orgs/{organisation.slug}/bulk."
        )
    return batch


def confirm_batch(session: Session, batch: BulkBatch, *, actor: Actor) -> BulkBatch:
    """Queue a held (``preview``) batch for issuing; the caller enqueues ``issue_batch``
    after committing. Confirming a batch that is already queued, running or completed is a
    no-op; an invalid batch is a Conflict (``batch_not_ready``)."""
    if batch.status == "invalid":
        raise BatchNotReady(
            f"Batch {batch.public_id} has errors and cannot be issued; fix the file and "
            "upload it again."
        )
    if batch.status != "preview":
        return batch
    batch.status = "queued"
    session.flush()
    record(
        session,
        actor=actor,
        action="bulk.confirm",
        organisation_id=batch.organisation_id,
        subject_type="bulk_batch",
        subject_id=batch.public_id,
        details={"rows": batch.total_rows},
    )
    return batch


def batch_rows(session: Session, batch: BulkBatch, *, limit: int = 50) -> list[BulkRow]:
    """The first ``limit`` rows of a batch, in file order (for a preview)."""
    return list(
        session.scalars(
            select(BulkRow).where(BulkRow.batch_id == batch.id).order_by(BulkRow.line).limit(limit)
        )
    )


def batch_counts(session: Session, batch: BulkBatch) -> BatchCounts:
    counts = dict(
        session.execute(
            select(BulkRow.status, func.count())
            .where(BulkRow.batch_id == batch.id)
            .group_by(BulkRow.status)
        ).all()
    )
    return BatchCounts(
        total=batch.total_rows,
        pending=counts.get("pending", 0),
        issued=counts.get("issued", 0),
        failed=counts.get("failed", 0),
        skipped=counts.get("skipped", 0),
    )


def batch_errors(session: Session, batch: BulkBatch, *, limit: int | None = None) -> list[RowError]:
    query = select(BulkError).where(BulkError.batch_id == batch.id).order_by(BulkError.id)
    if limit is not None:
        query = query.limit(limit)
    return [
        RowError(line=e.line, column=e.column, message=e.message, code=e.code)
        for e in session.scalars(query)
    ]


def failed_rows(session: Session, batch: BulkBatch) -> list[RowError]:
    return [
        RowError(line=r.line, column="", message=r.error or "failed", code="issue_failed")
        for r in session.scalars(
            select(BulkRow)
            .where(BulkRow.batch_id == batch.id, BulkRow.status == "failed")
            .order_by(BulkRow.id)
        )
    ]


def file_sha256(stream: IO[bytes]) -> str:
    """The SHA-256 of a whole stream (read in blocks), as :func:`create_batch` records it."""
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(block)
    return digest.hexdigest()


def find_unfinished(
    session: Session, organisation: Organisation, version: DefinitionVersion, sha256: str
) -> BulkBatch | None:
    """The newest queued or running batch of the same file (organisation, definition
    version, SHA-256), e.g. one whose run was killed: resume it instead of uploading again."""
    return session.scalar(
        select(BulkBatch)
        .where(
            BulkBatch.organisation_id == organisation.id,
            BulkBatch.definition_version_id == version.id,
            BulkBatch.sha256 == sha256,
            BulkBatch.status.in_(("queued", "running")),
        )
        .order_by(BulkBatch.id.desc())
        .limit(1)
    )


# -- issuing a batch ----------------------------------------------------------------------

#: Rows read, allocated, signed and stored together (the store is one transaction).
DEFAULT_CHUNK = 200
#: Below this many pending rows a batch is signed in the calling process: starting worker
#: processes would cost more than it saves.
POOL_MIN_ROWS = 400


@dataclass(frozen=True)
class _Batch:
    """What storing a chunk needs to know about its batch (plain values)."""

    id: int
    public_id: str
    organisation_id: int
    organisation_name: str
    version_id: int
    definition_slug: str
    version_number: int
    title: str
    base_url: str
    list_size: int

    @property
    def actor(self) -> Actor:
        return Actor(kind="system", id=None, label=f"bulk {self.public_id}")


def run_batch(
    factory: sessionmaker[Session],
    batch_id: int,
    *,
    base_url: str,
    master_key: bytes,
    deliver: bool = True,
    claim_ttl: timedelta = claims.DEFAULT_CLAIM_TTL,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int | None = None,
    list_size: int = LIST_SIZE,
    after_row: Callable[[int], None] | None = None,
) -> BatchCounts:
    """Issue the pending rows of a batch (the job), signing on ``workers`` processes (all
    cores by default; one for small batches). Safe to run again at any time, and after a
    crash or ``kill -9`` at any moment:

    * rows are read from ``bulk_rows`` in chunks of ``chunk_size`` (never all at once), and
      at most two chunks per worker are in flight, so memory does not grow with the batch;
    * each chunk's status indexes are taken in a short transaction of their own (one
      ``UPDATE`` per list); if the run dies before the chunk is stored they stay unused —
      gaps in the status lists, never reused, never pointed at;
    * each chunk's awards, claim links, mails, audit events and ``bulk_rows`` updates
      commit in one transaction, and only rows still ``pending`` are stored (locked with
      ``FOR UPDATE`` on PostgreSQL); the unique ``(organisation, external_id)`` makes a
      second worker or a racing API call lose cleanly (that row becomes ``skipped``).

    So every row is issued exactly once. ``after_row`` is called with the number of rows
    processed by this run after each row, inside its chunk's transaction (a test seam:
    raising there interrupts the run as a crash would, rolling back the chunk).
    """
    with transaction(factory) as session:
        batch = session.get(BulkBatch, batch_id)
        if batch is None or batch.status not in ("queued", "running"):
            return BatchCounts(0, 0, 0, 0, 0) if batch is None else batch_counts(session, batch)
        if batch.status == "queued":
            batch.status = "running"
            batch.started_at = utcnow()
        organisation = session.get(Organisation, batch.organisation_id)
        assert organisation is not None
        version = catalogue_service.get_version(session, batch.definition_version_id)
        key = org_keys.signing_key(session, organisation, master_key)
        setup = SigningSetup.create(
            key,
            base_url=base_url,
            org_slug=organisation.slug,
            title=version.title,
            issuer=service._issuer_profile(organisation, base_url),
            achievement=achievement_json(version, base_url=base_url),
        )
        info = _Batch(
            id=batch.id,
            public_id=batch.public_id,
            organisation_id=organisation.id,
            organisation_name=organisation.name,
            version_id=version.id,
            definition_slug=version.definition.slug,
            version_number=version.version,
            title=version.title,
            base_url=base_url,
            list_size=list_size,
        )
        pending = _pending(session, batch_id)
    cores = available_cores() if workers is None else max(1, workers)
    signer: InlineSigner | PoolSigner
    if cores > 1 and pending >= POOL_MIN_ROWS:
        signer = PoolSigner(setup, workers=cores)
    else:
        signer = InlineSigner(setup)
    del key, setup
    counter = [0]
    with signer:
        while True:
            stored = _run_pass(
                factory,
                info,
                signer,
                chunk_size=max(1, chunk_size),
                deliver=deliver,
                claim_ttl=claim_ttl,
                after_row=after_row,
                counter=counter,
            )
            with transaction(factory) as session:
                batch = session.get(BulkBatch, batch_id)
                assert batch is not None
                if _pending(session, batch_id) == 0 or stored == 0:
                    if batch.status == "running" and _pending(session, batch_id) == 0:
                        batch.status = "completed"
                        batch.finished_at = utcnow()
                    return batch_counts(session, batch)


def _pending(session: Session, batch_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(BulkRow)
            .where(BulkRow.batch_id == batch_id, BulkRow.status == "pending")
        )
        or 0
    )


def _run_pass(
    factory: sessionmaker[Session],
    info: _Batch,
    signer: InlineSigner | PoolSigner,
    *,
    chunk_size: int,
    deliver: bool,
    claim_ttl: timedelta,
    after_row: Callable[[int], None] | None,
    counter: list[int],
) -> int:
    """One pass over the pending rows in id order, keeping up to ``signer.capacity``
    chunks signing while the oldest is stored; returns how many rows it stored."""
    inflight: deque[tuple[list[RowSpec], Future[list[Signed]]]] = deque()
    last_id = 0
    exhausted = False
    stored = 0
    while True:
        while not exhausted and len(inflight) < signer.capacity:
            specs = _next_chunk(factory, info, after_id=last_id, limit=chunk_size)
            if not specs:
                exhausted = True
                break
            last_id = specs[-1].row_id
            inflight.append((specs, signer.submit(specs)))
        if not inflight:
            return stored
        specs, future = inflight.popleft()
        stored += _store_chunk(
            factory,
            info,
            specs,
            future.result(),
            deliver=deliver,
            claim_ttl=claim_ttl,
            after_row=after_row,
            counter=counter,
        )


def _next_chunk(
    factory: sessionmaker[Session], info: _Batch, *, after_id: int, limit: int
) -> list[RowSpec]:
    """The next pending rows after ``after_id``, with their status indexes allocated (and
    committed) and their ids, salts and issuing time decided."""
    with transaction(factory) as session:
        rows = session.execute(
            select(
                BulkRow.id,
                BulkRow.external_id,
                BulkRow.email,
                BulkRow.did,
                BulkRow.name,
                BulkRow.result,
                BulkRow.evidence_url,
                BulkRow.evidence_narrative,
                BulkRow.valid_until,
            )
            .where(
                BulkRow.batch_id == info.id,
                BulkRow.status == "pending",
                BulkRow.id > after_id,
            )
            .order_by(BulkRow.id)
            .limit(limit)
        ).all()
        if not rows:
            return []
        revocation = indexes(
            allocate_block(
                session,
                organisation_id=info.organisation_id,
                purpose="revocation",
                count=len(rows),
                size=info.list_size,
            )
        )
        suspension = indexes(
            allocate_block(
                session,
                organisation_id=info.organisation_id,
                purpose="suspension",
                count=len(rows),
                size=info.list_size,
            )
        )
    when = utcnow().replace(microsecond=0)
    return [
        RowSpec(
            row_id=row.id,
            external_id=row.external_id,
            public_id=str(uuid.uuid4()),
            when=when,
            revocation=rev,
            suspension=sus,
            email=row.email,
            did=row.did,
            name=row.name,
            salt=secrets.token_hex(16) if row.email else None,
            result=row.result,
            evidence_url=row.evidence_url,
            evidence_narrative=row.evidence_narrative,
            valid_until=row.valid_until,
        )
        for row, rev, sus in zip(rows, revocation, suspension, strict=True)
    ]


def _store_chunk(
    factory: sessionmaker[Session],
    info: _Batch,
    specs: list[RowSpec],
    results: list[Signed],
    *,
    deliver: bool,
    claim_ttl: timedelta,
    after_row: Callable[[int], None] | None,
    counter: list[int],
) -> int:
    """Store one signed chunk in one transaction; returns how many rows it finished."""
    with transaction(factory) as session:
        query = select(BulkRow.id).where(
            BulkRow.id.in_([s.row_id for s in specs]), BulkRow.status == "pending"
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        still = set(session.scalars(query))
        mine = [(s, r) for s, r in zip(specs, results, strict=True) if s.row_id in still]
        existing = _existing(session, info, [s.external_id for s, _ in mine])
        updates: list[dict[str, Any]] = []
        new: list[tuple[RowSpec, Signed]] = []
        for spec, signed in mine:
            found = existing.get(spec.external_id)
            if found is not None:
                updates.append(_outcome_for_existing(spec, found, info))
            elif signed.error is not None or signed.credential_json is None:
                updates.append(_row_update(spec.row_id, "failed", None, signed.error))
            else:
                new.append((spec, signed))
        created = _insert_awards(session, info, new, updates)
        now = utcnow()
        tokens: list[dict[str, Any]] = []
        mails: list[dict[str, Any]] = []
        audits: list[dict[str, Any]] = []
        actor = info.actor
        for spec, _signed, award_id in created:
            updates.append(_row_update(spec.row_id, "issued", award_id, None))
            audits.append(
                {
                    "occurred_at": now,
                    "actor_kind": actor.kind,
                    "actor_id": actor.id,
                    "actor_label": actor.label[:320],
                    "action": "award.issue",
                    "organisation_id": info.organisation_id,
                    "subject_type": "award",
                    "subject_id": service.credential_url(info.base_url, spec.public_id),
                    "details": {
                        "definition": info.definition_slug,
                        "version": info.version_number,
                        "external_id": spec.external_id,
                        "recipient": "did" if spec.did else "email",
                        "source": "bulk",
                    },
                }
            )
            if deliver and spec.email:
                token = secrets.token_urlsafe(32)
                tokens.append(
                    {
                        "award_id": award_id,
                        "token_hash": hashlib.sha256(token.encode("utf-8")).hexdigest(),
                        "created_at": now,
                        "expires_at": now + claim_ttl,
                    }
                )
                mails.append(_mail(info, spec, award_id, token, now=now, ttl=claim_ttl))
        if tokens:
            session.execute(insert(ClaimToken), tokens)
            session.execute(insert(OutboxMessage), mails)
        if audits:
            session.execute(insert(AuditEvent), audits)
        if updates:
            session.execute(update(BulkRow), updates)
        if after_row is not None:
            for _ in specs:
                counter[0] += 1
                after_row(counter[0])
        else:
            counter[0] += len(specs)
        return len(updates)


@dataclass(frozen=True)
class _Existing:
    id: int
    credential_id: str
    email: str | None
    did: str | None
    version_id: int | None
    superseded: bool


def _existing(session: Session, info: _Batch, external_ids: list[str]) -> dict[str, _Existing]:
    if not external_ids:
        return {}
    return {
        row.external_id: _Existing(
            row.id,
            row.credential_id,
            row.recipient_email,
            row.recipient_did,
            row.definition_version_id,
            row.superseded_by_id is not None,
        )
        for row in session.execute(
            select(
                Award.id,
                Award.external_id,
                Award.credential_id,
                Award.recipient_email,
                Award.recipient_did,
                Award.definition_version_id,
                Award.superseded_by_id,
            ).where(
                Award.organisation_id == info.organisation_id,
                Award.external_id.in_(external_ids),
            )
        )
    }


def _outcome_for_existing(spec: RowSpec, found: _Existing, info: _Batch) -> dict[str, Any]:
    """The same rule as :func:`service.issue`: the same recipient and definition version
    is a no-op (skipped), anything else an external id conflict (failed)."""
    if (
        found.email == spec.email
        and (spec.did is None or found.did == spec.did or found.superseded)
        and found.version_id == info.version_id
    ):
        return _row_update(spec.row_id, "skipped", found.id, None)
    message = (
        f"external_id {spec.external_id!r} was already used for another award "
        f"({found.credential_id}); use a new external id for a different learner or "
        "definition."
    )
    return _row_update(spec.row_id, "failed", None, message)


def _row_update(
    row_id: int, status: str, award_id: int | None, error: str | None
) -> dict[str, Any]:
    return {"id": row_id, "status": status, "award_id": award_id, "error": error}


def _insert_awards(
    session: Session,
    info: _Batch,
    items: list[tuple[RowSpec, Signed]],
    updates: list[dict[str, Any]],
) -> list[tuple[RowSpec, Signed, int]]:
    """Insert the awards in one statement; if a concurrent issuer took an external id
    meanwhile (unique violation), fall back to one savepoint per row."""
    if not items:
        return []
    values = [_award_values(info, spec, signed) for spec, signed in items]
    try:
        with session.begin_nested():
            ids = list(
                session.scalars(
                    insert(Award).returning(Award.id, sort_by_parameter_order=True), values
                )
            )
    except IntegrityError:
        if len(items) > 1:
            out: list[tuple[RowSpec, Signed, int]] = []
            for item in items:
                out.extend(_insert_awards(session, info, [item], updates))
            return out
        spec = items[0][0]
        found = _existing(session, info, [spec.external_id]).get(spec.external_id)
        if found is None:
            raise
        updates.append(_outcome_for_existing(spec, found, info))
        return []
    return [(spec, signed, award_id) for (spec, signed), award_id in zip(items, ids, strict=True)]


def _award_values(info: _Batch, spec: RowSpec, signed: Signed) -> dict[str, Any]:
    return {
        "public_id": spec.public_id,
        "credential_id": service.credential_url(info.base_url, spec.public_id),
        "organisation_id": info.organisation_id,
        "definition_version_id": info.version_id,
        "external_id": spec.external_id,
        "recipient_email": spec.email,
        "recipient_did": spec.did,
        "recipient_name": spec.name,
        "identity_salt": spec.salt,
        "status": "active",
        "revocation_list_id": spec.revocation[0],
        "revocation_index": spec.revocation[2],
        "suspension_list_id": spec.suspension[0],
        "suspension_index": spec.suspension[2],
        "credential_json": signed.credential_json,
        "source": "bulk",
        "batch_id": info.id,
        "valid_from": spec.when,
        "valid_until": signed.valid_until,
        "issued_at": spec.when,
        "issued_by": info.actor.label,
    }


def _mail(
    info: _Batch, spec: RowSpec, award_id: int, token: str, *, now: datetime, ttl: timedelta
) -> dict[str, Any]:
    """The award mail with its claim link (the text of :func:`claims.notify_learner`)."""
    expires = (now + ttl).strftime("%Y-%m-%d")
    greeting = f"Hello {spec.name}," if spec.name else "Hello,"
    body = (
        f"{greeting}\n\n"
        f'{info.organisation_name} has awarded you the credential "{info.title}".\n\n'
        f"View it: {service.credential_url(info.base_url, spec.public_id)}\n"
        f"Claim it into your microcred account (the link works once, until {expires}):\n"
        f"{claims.claim_url(info.base_url, token)}\n\n"
        "When you claim it you can also have it re-issued to a DID of your own wallet.\n"
    )
    return {
        "award_id": award_id,
        "to_address": spec.email,
        "subject": f"Your credential from {info.organisation_name}: {info.title}"[:300],
        "body_text": body,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
    }
