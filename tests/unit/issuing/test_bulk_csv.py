"""Bulk CSV parsing and validation: every bad-input variant, and hypothesis fuzzing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.issuing.bulk import ParsedRow, errors_csv, parse_csv
from microcred.issuing.fields import is_formula
from microcred.issuing.types import RowError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def parse(data: bytes, max_rows: int = 100) -> list[ParsedRow | RowError]:
    return list(parse_csv(io.BytesIO(data), max_rows=max_rows, now=NOW))


def errors(data: bytes, max_rows: int = 100) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.code) for e in parse(data, max_rows) if isinstance(e, RowError)]


def test_valid_file_with_bom_and_all_columns() -> None:
    data = (
        "\ufeffEmail,DID,external_id,name,result,evidence_url,evidence_narrative,valid_until\r\n"
        'ann@example.org,,e1,Ann,A,https://ev.example.org/1,"Built a thing,\nwith care",2030-12-31\r\n'
        ",did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK,e2,,-5,,,2030-01-01T10:00:00+02:00\r\n"
        "\r\n"
    ).encode()
    rows = parse(data)
    assert all(isinstance(r, ParsedRow) for r in rows)
    first, second = rows
    assert isinstance(first, ParsedRow) and isinstance(second, ParsedRow)
    assert (first.line, first.email, first.evidence_narrative) == (
        2,
        "ann@example.org",
        "Built a thing,\nwith care",
    )
    assert first.valid_until == datetime(2030, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert (second.line, second.did, second.result) == (
        4,
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "-5",
    )
    assert second.valid_until == datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def test_wrong_encoding_names_the_line() -> None:
    data = b"email,external_id\na@example.org,1\n" + "b@example.org,é\n".encode("latin-1")
    assert errors(data) == [(3, "", "encoding")]
    assert errors("email,external_id\n".encode("utf-16")) == [(1, "", "encoding")]


def test_missing_unknown_and_duplicate_columns() -> None:
    assert errors(b"email,name\n") == [(1, "external_id", "missing_column")]
    assert errors(b"name,external_id\n") == [(1, "email", "missing_column")]
    assert sorted(errors(b"emial,external_id,external_id\n")) == [
        (1, "email", "missing_column"),
        (1, "emial", "unknown_column"),
        (1, "external_id", "duplicate_column"),
    ]
    assert errors(b"") == [(1, "", "missing_header")]


def test_too_many_rows_stops_reading() -> None:
    class Endless(io.RawIOBase):
        """A million-row file that is never fully read."""

        def __init__(self) -> None:
            self.lines = 0
            self.pending = b"email,external_id\n"

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
            if not self.pending:
                self.lines += 1
                if self.lines > 1_000_000:
                    return 0
                self.pending = f"l{self.lines}@example.org,{self.lines}\n".encode()
            n = min(len(buffer), len(self.pending))
            buffer[:n] = self.pending[:n]
            self.pending = self.pending[n:]
            return n

    stream = Endless()
    result = list(parse_csv(io.BufferedReader(stream), max_rows=1000, now=NOW))
    assert isinstance(result[-1], RowError) and result[-1].code == "too_many_rows"
    assert result[-1].line == 1002
    assert stream.lines < 2000


def test_formula_cells_are_rejected_numbers_are_not() -> None:
    data = (
        b"email,external_id,name,result\n"
        b'a@example.org,1,=HYPERLINK("x"),+1\n'
        b"b@example.org,2,@SUM(A1),-3.5\n"
        b"c@example.org,3,\tTab,\n"
        b"d@example.org,4, -2+3,\n"
    )
    assert errors(data) == [
        (2, "name", "formula"),
        (3, "name", "formula"),
        (4, "name", "formula"),
        (5, "name", "formula"),
    ]
    assert (
        is_formula("=1") and is_formula("-2+3") and not is_formula("-5") and not is_formula("+3.5")
    )


def test_row_errors_report_every_problem() -> None:
    data = (
        b"email,did,external_id,evidence_url,valid_until\n"
        b"not-mail,,1,ftp://x,2020-01-01\n"
        b",did:nope,2,,\n"
        b",,3,,\n"
        b"a@example.org,,1,,\n"
        b"a@example.org,,,,\n"
        b"a@example.org,,5\n"
        b"a@example.org,,6,,31/12/2030\n"
        b"a@example.org,,7,,2030-12-31T10:00:00\n"
    )
    assert errors(data) == [
        (2, "email", "invalid_value"),
        (2, "evidence_url", "invalid_value"),
        (2, "valid_until", "invalid_value"),
        (3, "did", "invalid_value"),
        (4, "email", "missing_recipient"),
        (5, "external_id", "duplicate_external_id"),
        (6, "external_id", "invalid_value"),
        (7, "", "field_count"),
        (8, "valid_until", "invalid_value"),
        (9, "valid_until", "invalid_value"),
    ]


def test_broken_quotes_and_nul_bytes() -> None:
    assert errors(b'email,external_id\n"a@example.org,1\n') == [(2, "", "malformed_csv")]
    assert errors(b"email,external_id\na@example.org,1\x00\n") == [
        (2, "external_id", "invalid_value")
    ]
    assert errors(b"email,external_id\n" + b"x" * 70_000 + b"\n")[0][2] == "line_too_long"


def test_error_csv_is_safe_to_open() -> None:
    text = errors_csv(
        [
            RowError(2, "name", "=cmd|' /C calc'!A0", "formula"),
            RowError(3, "-x", "@SUM(1)", "invalid_value"),
            RowError(4, "email", 'plain, with "quotes"', "invalid_value"),
        ]
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["line", "column", "code", "message"]
    for row in rows[1:]:
        assert not any(is_formula(cell) for cell in row)
    assert rows[1][3] == "'=cmd|' /C calc'!A0" and rows[2][1] == "'-x"
    assert rows[3][3] == 'plain, with "quotes"'


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    for item in parse(b"email,external_id,name\n" + data, max_rows=50):
        assert isinstance(item, ParsedRow | RowError)
        if isinstance(item, RowError):
            assert item.line >= 1 and item.message


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell), max_size=20))
def test_arbitrary_cells_give_rows_or_errors_for_each_line(
    rows: list[tuple[str, str, str]],
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "external_id", "name"])
    writer.writerows(rows)
    items = parse(out.getvalue().encode(), max_rows=50)
    parsed = [i for i in items if isinstance(i, ParsedRow)]
    for row in parsed:
        assert "@" in (row.email or "") and row.external_id
        assert not is_formula(row.name or "")
    ids = [row.external_id for row in parsed]
    assert len(ids) == len(set(ids))
