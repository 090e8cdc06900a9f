"""Printing reports and reading files for the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from microcred.credentials.report import CheckStatus, VerificationReport
from microcred.errors import InvalidInput

__all__ = ["print_report", "read_bytes", "write_json", "write_text"]

_MARK = {
    CheckStatus.PASSED: "[green]PASS[/green]",
    CheckStatus.FAILED: "[red]FAIL[/red]",
    CheckStatus.SKIPPED: "[yellow]SKIP[/yellow]",
    CheckStatus.WARNING: "[yellow]WARN[/yellow]",
}


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """Read a user-named file, turning OS errors into an actionable InvalidInput."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"No such {what}: {path}", code="file_not_found") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a directory, not a {what}.", code="file_not_found") from None
    except PermissionError:
        raise InvalidInput(
            f"Cannot read {path}: permission denied.", code="file_unreadable"
        ) from None


def write_text(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(
            f"Cannot write {path}: {exc.strerror}.", code="file_unwritable"
        ) from None


def write_json(path: Path, value: Any) -> None:
    write_text(path, json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def print_report(console: Console, label: str, report: VerificationReport, indent: int = 0) -> None:
    pad = " " * indent
    verdict = "[green]VERIFIED[/green]" if report.verified else "[red]NOT VERIFIED[/red]"
    doc = report.document or {}
    ident = doc.get("id") if isinstance(doc.get("id"), str) else None
    console.print(
        f"{pad}{escape(label)}: {verdict} ({report.kind}{', ' + escape(ident) if ident else ''})"
    )
    for check in report.checks:
        console.print(
            f"{pad}  {_MARK[check.status]} {check.name:<12} {escape(check.message)}",
            highlight=False,
        )
    for index, sub in enumerate(report.credentials, start=1):
        print_report(console, f"credential {index}", sub, indent + 2)
