"""The benchmark runs, on tiny sizes, so that it cannot rot. Its figures are not checked: timings belong
in bench/RESULTS.md, not in tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CASES = (
    "floor",
    "cold",
    "naive",
    "cold 7 units",
    "no-op",
    "touched",
    "changed",
    "commentary",
    "reports -j1",
    "reports -j2",
    "intake",
    "national",
    "preview commentary",
    "preview return",
)


def test_bench_runs_every_case_on_tiny_sizes(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--tiny", "--output", str(output)]
    command += ["--work", str(tmp_path / "work")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    text = output.read_text(encoding="utf-8")
    for case in CASES:
        row = re.search(rf"^\| {re.escape(case)} \| .* \| ([0-9.]+) \| ([0-9.]+)–([0-9.]+) \| ([0-9]+) \|$", text, re.M)
        assert row, case
        median, low, high, peak = (float(x) for x in row.groups())
        assert 0 < low <= median <= high and peak > 0, case
    assert text.count("| yes |") + text.count("| **no** |") == 12  # every target is judged
    assert "## Beyond one machine" in text
    assert "Tiny sizes" in text
