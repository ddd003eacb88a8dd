"""Which Python builds the environment, and an active environment used as it is (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_RAW

# conftest's `checkout`, without the `.venv` link: make must find no environment there.
pytestmark = pytest.mark.checkout(venv=False)

FAKE_PYTHON = """#!/bin/sh
# Stands for an interpreter: answers make's version check (3.11 to 3.13 or not) and does nothing else.
echo {answer}
exit {status}
"""


def _fake_bin(tmp_path: Path, pythons: dict[str, tuple[str, int]]) -> Path:
    """Interpreters that answer as told; every other name make tries fails as a missing command would (so
    that the machine's own Pythons, later on PATH, are not found)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    absent = {name: ("", 127) for name in ("python3", "python3.13", "python3.12", "python3.11")}
    for name, (answer, status) in (absent | pythons).items():
        script = folder / name
        script.write_text(FAKE_PYTHON.format(answer=answer, status=status))
        script.chmod(0o755)
    return folder


def _dry_venv(checkout: Path, path: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`make -n venv`: the commands that would build .venv, with a PATH of only these interpreters."""
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHON")}
    environment["PATH"] = f"{path}:/usr/bin:/bin"
    return subprocess.run(
        ["make", "--no-print-directory", "-n", "venv", *args],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_python3_is_used_when_it_is_supported(checkout: Path, tmp_path: Path) -> None:
    fake = _fake_bin(tmp_path, {"python3": ("1", 0), "python3.12": ("1", 0)})
    said = _dry_venv(checkout, str(fake))
    assert "'python3' -m venv '.venv'" in said.stdout, said.stdout + said.stderr


def test_the_newest_supported_python_that_runs_is_chosen(checkout: Path, tmp_path: Path) -> None:
    # python3 is too old; python3.13 is a pyenv shim of a version not selected (it fails); python3.12 runs.
    fake = _fake_bin(
        tmp_path, {"python3": ("0", 0), "python3.13": ("", 127), "python3.12": ("1", 0), "python3.11": ("1", 0)}
    )
    said = _dry_venv(checkout, str(fake))
    assert "'python3.12' -m venv '.venv'" in said.stdout, said.stdout + said.stderr


def test_no_supported_python_is_said_in_vietnamese(checkout: Path, tmp_path: Path) -> None:
    fake = _fake_bin(tmp_path, {"python3": ("0", 0)})
    said = _dry_venv(checkout, str(fake))
    assert said.returncode != 0
    assert "Không tìm thấy Python 3.11, 3.12 hay 3.13" in said.stderr


def test_python_given_is_checked(checkout: Path, tmp_path: Path) -> None:
    fake = _fake_bin(tmp_path, {"old-python": ("0", 0), "good-python": ("1", 0)})
    refused = _dry_venv(checkout, str(fake), f"PYTHON={fake / 'old-python'}")
    assert refused.returncode != 0 and "không phải Python 3.11, 3.12 hay 3.13" in refused.stderr
    used = _dry_venv(checkout, str(fake), f"PYTHON={fake / 'good-python'}")
    assert f"'{fake / 'good-python'}' -m venv '.venv'" in used.stdout, used.stdout + used.stderr


def test_an_active_environment_with_the_pins_is_used_as_it_is(checkout: Path, tmp_path: Path) -> None:
    """This test's own environment holds every pin: activated, make builds no .venv and the report is made."""
    active = Path(sys.executable).parent.parent
    environment = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "PYTHON")}
    environment |= {"VIRTUAL_ENV": str(active), "PATH": f"{active / 'bin'}:{os.environ['PATH']}"}
    out = tmp_path / "out"
    folders = [f"RAW_DIR={SAMPLE_RAW}", f"PROCESSED_DIR={out / 'processed'}", f"REPORTS_DIR={out / 'reports'}"]
    made = subprocess.run(
        ["make", "--no-print-directory", "report", "PERIOD=2017H1", *folders],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert not (checkout / ".venv").exists()
    assert (out / "reports" / "2017H1" / "bulletin.pdf").is_file()


def test_an_active_environment_without_the_pins_is_not_used(checkout: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    environment = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "PYTHON")}
    environment["VIRTUAL_ENV"] = str(bare)
    said = subprocess.run(
        ["make", "--no-print-directory", "-n", "venv"], cwd=checkout, env=environment, capture_output=True, text=True
    )
    assert "chưa có đủ các gói đúng phiên bản" in said.stdout + said.stderr
    assert "-m venv '.venv'" in said.stdout


def test_a_python_whose_path_has_a_space_is_run(checkout: Path, tmp_path: Path) -> None:
    """Windows users' folders often hold spaces (WSL: /mnt/c/Users/Nguyễn Văn A/…): the recipe runs it."""
    folder = tmp_path / "Nguyễn Văn A" / "bin"
    folder.mkdir(parents=True)
    called = tmp_path / "called"
    python = folder / "python3"
    python.write_text(f'#!/bin/sh\ncase "$1" in -m) echo "$@" > \'{called}\'; exit 1;; esac\necho 1\n')
    python.chmod(0o755)
    fake = _fake_bin(tmp_path, {})
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHON")}
    environment["PATH"] = f"{fake}:/usr/bin:/bin"
    run = subprocess.run(
        ["make", "--no-print-directory", "venv", f"PYTHON={python}", f"VENV={tmp_path / 'env'}"],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0  # the stand-in builds nothing
    assert called.read_text().split() == ["-m", "venv", str(tmp_path / "env")], run.stderr
