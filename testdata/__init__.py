"""Generated test and sample data, and the drivers that tests and the benchmark share.

- `sample`: the Điện Biên sample of `data/raw/` (SPEC 7), its tables as data files beside the generator;
- `province`: a province as it is since the 2025 reorganisation (123 units), for tests and the benchmark;
- `corpus`: one bad return per fault, written over a copy of the sample;
- `returns`: a valid return on the default form that a test then spoils in one place;
- `forms_rewrite`: the sample's workbooks rewritten as other provinces lay them out;
- `workbook`: the one writer of their workbooks (.xlsx, .ods) and CSV exports;
- `preview_client`: a preview started as the analyst starts it, and a client of its event stream.

Nothing here imports from `tests/`: the benchmark uses it too. The checkout's root must be on `sys.path`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_RAW = ROOT / "data" / "raw"


def make_command(*args: str, raw: Path = SAMPLE_RAW, out: Path) -> list[str]:
    """`make ARGS` on the raw folder `raw`, deriving into `out/processed` and `out/reports`."""
    folders = [f"RAW_DIR={raw}", f"PROCESSED_DIR={out / 'processed'}", f"REPORTS_DIR={out / 'reports'}"]
    return ["make", "--no-print-directory", *args, *folders]


def wait_until(condition: Callable[[], object], timeout: float = 60.0) -> bool:
    """Whether `condition()` came true within `timeout` seconds (asked every 0.05 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
