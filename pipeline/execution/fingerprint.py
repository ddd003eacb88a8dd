"""What make watches: the fingerprint of a half-year's raw inputs (PROCESSED_DIR/<P>/.inputs.sha256, written
by `make_facts` only when it changes).

Make compares times, and cannot see a deleted return or a file name with spaces; this file's content
(every return of the period and the reference files, form.toml included, with their SHA-256) changes exactly
when the inputs do, so the stages after it rerun exactly then. Standard library only, like `periods`.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.common.iorw import sha256
from pipeline.common.layout import points_outside, reference_files, return_files


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
