from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_RAW = ROOT / "data" / "raw"


def digests(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its SHA-256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make reports` on the sample, once per test process: every edition, read by many tests."""
    out = tmp_path_factory.mktemp("sample-build")
    command = ["make", "--no-print-directory", "-j2", "reports", f"RAW_DIR={SAMPLE_RAW}"]
    command += [f"PROCESSED_DIR={out / 'processed'}", f"REPORTS_DIR={out / 'reports'}"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def sample_reference() -> Reference:
    return load_reference(SAMPLE_RAW)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample's raw folder (the real one is never modified)."""
    target = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW, target)
    return target
