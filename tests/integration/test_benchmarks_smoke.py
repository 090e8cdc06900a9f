"""`make bench` keeps working: its quick mode runs the one-core sign/verify comparison and
the bulk issuance benchmark (both databases) and prints the table. Nothing here times
anything or asserts a speed (speed targets live in `make bench`, never in tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmarks_print_their_rows(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--no-write",
            "--only",
            "sign_verify",
            "--only",
            "bulk_issue",
        ],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| group | benchmark | microcred | reference | ratio |")
    rows = [line for line in lines if line.startswith(("| 1.", "| 2."))]
    names = [row.split("|")[2].strip() for row in rows]
    assert names[:2] == ["sign (eddsa-rdfc-2022)", "verify (eddsa-rdfc-2022)"]
    assert any("(sqlite)" in name for name in names)
    assert any("(postgresql)" in name for name in names)
    assert all(row.split("|")[5].strip().endswith("x") for row in rows[:2])  # ratios
    assert "cores (os.cpu_count)" in result.stdout
