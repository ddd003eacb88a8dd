"""What make watches: the fingerprint of a half-year's raw inputs, rewritten only when they change.

Make compares times, and cannot see a deleted return or a file name with spaces; this file's content
(every return of the period and the reference files, form.toml included, with their SHA-256) changes exactly when the
inputs do, so the stages after it rerun exactly then. Standard library only, like `periods`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.common.iorw import sha256, write_text
from pipeline.common.layout import (
    CODE_VERSION_FILE,
    INPUTS_FILE,
    ON_RECORD_FILE,
    points_outside,
    reference_files,
    return_files,
)


def fingerprint(raw_dir: Path, period: str) -> str:
    paths = reference_files(raw_dir) + return_files(raw_dir, period)
    lines = [f"{_content(p, raw_dir)}  {p.relative_to(raw_dir).as_posix()}" for p in paths]
    return "\n".join(lines) + "\n"


def _content(path: Path, raw_dir: Path) -> str:
    if points_outside(path, raw_dir):
        return f"link:{os.readlink(path)}"
    if not path.is_file():
        return "missing"
    try:
        return sha256(path)
    except PermissionError:
        return "unreadable"


if __name__ == "__main__":
    # `python -m pipeline.execution.fingerprint RAW_DIR PROCESSED_DIR REPORTS_DIR PERIOD…`, the one process make starts
    # on every run: PROCESSED_DIR/PERIOD/.inputs.sha256 keeps its time unless the half-year's inputs changed,
    # PROCESSED_DIR/.on-record unless the list of half-years did (a whole half-year's folder removed), and
    # REPORTS_DIR/.code-version unless the code version the documents record did (a new commit, or code under
    # pipeline/ that comes to differ from it or no longer does).
    from pipeline.common.version import code

    raw_dir, processed_dir, reports_dir = map(Path, sys.argv[1:4])
    periods = sys.argv[4:]
    for period in periods:
        write_text(processed_dir / period / INPUTS_FILE, fingerprint(raw_dir, period))
    write_text(processed_dir / ON_RECORD_FILE, "".join(f"{period}\n" for period in periods))
    write_text(reports_dir / CODE_VERSION_FILE, code().key() + "\n")
