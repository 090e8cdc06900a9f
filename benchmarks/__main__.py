"""``python -m benchmarks [--quick] [--no-write] [--all-cores]``: run, print one table.

Runs every module in :data:`MODULES` in this process, pinned to one CPU core unless
``--all-cores`` (rows that use several cores, e.g. bulk issuance in worker processes,
re-widen the affinity themselves), prints one table and writes benchmarks/RESULTS.md.
To add a benchmark, write a module with ``run(config) -> list[Row]`` and list it here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.rows import Config, Row

#: Benchmark modules, in table order. Item 2 (bulk issuance) and item 3 (HTTP verify
#: endpoint) of issue 6 add their modules here.
MODULES: list[str] = ["benchmarks.sign_verify", "benchmarks.bulk_issue", "benchmarks.http_verify"]

RESULTS = Path(__file__).with_name("RESULTS.md")
#: Hand-written analysis (profiles, next steps) appended to RESULTS.md on every run.
NOTES = Path(__file__).with_name("NOTES.md")
#: The same for the platform benchmarks (bulk issuance, HTTP verify).
PLATFORM_NOTES = Path(__file__).with_name("NOTES-platform.md")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """The facts about this machine the results depend on."""
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    return {
        "cpu": _cpu_model(),
        "cores (os.cpu_count)": str(os.cpu_count()),
        "cores used (affinity)": ", ".join(map(str, affinity)) or "unknown",
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}x" if value < 1 else f"{value:.1f}x"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| group | benchmark | microcred | reference | ratio | unit | reference is | notes |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        ratio = row.ratio
        lines.append(
            f"| {row.group} | {row.name} | {_fmt(row.ours)} | {_fmt(row.reference)} | "
            f"{_ratio(ratio)} | {row.unit} | "
            f"{row.reference_name or '-'} | {row.note} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--all-cores", action="store_true", help="do not pin to one core")
    parser.add_argument(
        "--bulk-rows", type=int, default=100_000, help="rows of the bulk issuance benchmark"
    )
    parser.add_argument(
        "--http-seconds", type=float, default=60.0, help="duration of the HTTP verify load"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only this module (repeatable, e.g. bulk_issue); RESULTS.md is not written",
    )
    args = parser.parse_args(argv)
    if not args.all_cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    config = Config(quick=args.quick, bulk_rows=args.bulk_rows, http_seconds=args.http_seconds)
    facts = machine()
    rows: list[Row] = []
    for name in MODULES:
        if args.only and name.rsplit(".", 1)[-1] not in args.only:
            continue
        module = importlib.import_module(name)
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(config))
    text = table(rows)
    print(text)
    print()
    for key, value in facts.items():
        print(f"{key}: {value}")
    if not args.no_write and not args.quick and not args.only:
        body = "\n".join(
            [
                "# Benchmark results",
                "",
                "Written by `make bench` (`python -m benchmarks`); rates are per second, "
                "bigger is better.",
                "",
                text,
                "",
                "## Machine",
                "",
                *[f"- {key}: {value}" for key, value in facts.items()],
                "",
            ]
        )
        if NOTES.is_file():
            body += "\n" + NOTES.read_text("utf-8")
        if PLATFORM_NOTES.is_file():
            body += "\n" + PLATFORM_NOTES.read_text("utf-8")
        RESULTS.write_text(body, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
