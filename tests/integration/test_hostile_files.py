"""Hostile files in the returns folder: each is refused or handled quickly, in bounded memory, with a
message naming the file, and without a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from testdata.corpus import DBP, _billion_laughs
from tests.conftest import ROOT, SAMPLE_RAW, make, make_command

GIB = 2**30
# Runs the command and prints the peak memory of its largest process, in KiB (Linux's ru_maxrss).
PEAK = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def _zip_bomb(raw: Path) -> str:
    with zipfile.ZipFile(raw / DBP, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number in range(4):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", b"\0" * (400 * 2**20))
    return DBP


def _large(raw: Path) -> str:
    with (raw / DBP).open("wb") as handle:
        handle.truncate(200 * 2**20)
    return DBP


def _million_lines(raw: Path) -> str:
    label = "returns/2017H1/XuatDuLieu_trieu_dong.csv"
    with (raw / label).open("w", encoding="utf-8") as handle:
        handle.write("unit_code,period,code,value\n")
        handle.writelines("CAT,2017H1,women,1\n" for _ in range(1_000_000))
    return label


def _link_to_device(raw: Path) -> str:
    (raw / DBP).unlink()
    (raw / DBP).symlink_to("/dev/zero")
    return DBP


CASES: dict[str, Callable[[Path], str]] = {
    "zip_bomb": _zip_bomb,
    "billion_laughs": _billion_laughs,
    "200_mb_file": _large,
    "csv_of_a_million_lines": _million_lines,
    "link_to_dev_zero": _link_to_device,
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_file(name: str, raw_copy: Path, tmp_path: Path) -> None:
    raw = raw_copy
    label = CASES[name](raw)
    command = [sys.executable, "-c", PEAK, *make_command("validate", "PERIOD=2017H1", raw=raw, out=tmp_path)]
    # The 2016H2 figures (for the start-of-period checks) are built first and are not what is measured.
    make(str(tmp_path / "processed" / "2016H2" / "figures.csv"), out=tmp_path, timeout=300)
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=30)  # the bound asked for
    said = result.stdout + result.stderr
    assert result.returncode != 0
    assert label in said
    assert "Traceback" not in said
    peak_kib = int(said.split("PEAK ")[1].split()[0])
    assert peak_kib * 1024 < GIB


def test_file_without_read_permission() -> None:
    """Root reads everything, so the reading runs in a forked child that has given up root."""
    import multiprocessing
    import os
    import tempfile

    from pipeline.common.periods import Period
    from pipeline.execution.fingerprint import fingerprint
    from pipeline.intake.clean import clean_period
    from pipeline.intake.reference import load_reference

    # pytest's own temporary folders are private to root: this one must be reachable by `nobody`.
    scratch = Path(tempfile.mkdtemp(prefix="unreadable-", dir="/tmp"))
    scratch.chmod(0o755)
    raw = scratch / "raw"
    shutil.copytree(SAMPLE_RAW, raw)
    reference = load_reference(raw)
    # Once as root first: the child cannot import from root's Python, so everything must be loaded.
    clean_period(raw, Period(2017, 1), reference)
    fingerprint(raw, "2017H1")
    (raw / DBP).chmod(0)

    def as_nobody(queue: multiprocessing.Queue) -> None:
        os.setgid(65534)
        os.setuid(65534)
        result = clean_period(raw, Period(2017, 1), reference)
        queue.put(([(p.file, p.message) for p in result.problems], fingerprint(raw, "2017H1")))

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=as_nobody, args=(queue,))
    child.start()
    problems, printed = queue.get(timeout=60)
    child.join(timeout=60)
    shutil.rmtree(scratch)
    assert child.exitcode == 0
    assert (DBP, "Không có quyền đọc tệp; không đọc.") in problems
    assert f"unreadable  {DBP}" in printed
