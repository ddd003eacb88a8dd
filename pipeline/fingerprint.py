"""What make watches: the fingerprint of a half-year's raw inputs, rewritten only when they change.

Make compares times, and cannot see a deleted return or a file name with spaces; this file's content
(every return of the period and the reference files, with their SHA-256) changes exactly when the
inputs do, so the stages after it rerun exactly then. Standard library only, like `periods`.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

REFERENCE_FILES = ("province.toml", "units.csv", "targets.csv")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(raw_dir: Path, period: str) -> str:
    paths = [raw_dir / name for name in REFERENCE_FILES]
    folder = raw_dir / "returns" / period
    if folder.is_dir():
        paths += sorted(p for p in folder.iterdir() if p.is_file())
    lines = [f"{_sha256(p) if p.is_file() else 'missing'}  {p.relative_to(raw_dir).as_posix()}" for p in paths]
    return "\n".join(lines) + "\n"


def update(raw_dir: Path, period: str, target: Path) -> bool:
    """Write the fingerprint to `target` if it differs; True when it was written."""
    text = fingerprint(raw_dir, period)
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)
    return True


if __name__ == "__main__":
    update(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
