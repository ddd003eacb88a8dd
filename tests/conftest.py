from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.common.iorw import sha256
from pipeline.common.layout import SHARED_CACHE_VARIABLE
from pipeline.intake.reference import Reference, load_reference
from testdata import ROOT, SAMPLE_RAW, make_command
from testdata.province import write_province

# `make test` runs pytest from make: the `make` commands the tests run must be the analyst's, from a shell,
# not a sub-make sharing its job slots and printing `make[1]:`.
for _variable in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES"):
    os.environ.pop(_variable, None)


def digests(folder: Path) -> dict[str, str]:
    """Every file below `folder` with its SHA-256."""
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def child_processes() -> set[int]:
    """This process's children, as the kernel lists them (reaped children are not)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(pid) for pid in (task / "children").read_text().split()}
    return found


def make(
    *args: str,
    raw: Path = SAMPLE_RAW,
    out: Path,
    check: bool = True,
    cwd: Path = ROOT,
    prefix: tuple[str, ...] = (),
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run `make_command` (after `prefix`, e.g. `faketime …`); with `check`, it must succeed."""
    command = [*prefix, *make_command(*args, raw=raw, out=out)]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def copy_of_checkout(target: Path, commit: bool = True, venv: bool = True) -> Path:
    """This working tree copied to `target` (without outputs; with `venv`, sharing the venv by a `.venv` link):
    with `commit`, a fresh git repository of its own whose one commit holds every file, where tests may edit
    and commit the code (a fresh one: the copy of a worktree's `.git` file would be that worktree's); else with
    this checkout's git folder as it is (the same commit)."""
    ignored = [
        ".venv",
        "reports",
        "processed",
        "_site",
        "_build",
        "*.pyc",
        "__pycache__",
        ".*_cache",
        *([".git"] if commit else []),
    ]
    shutil.copytree(ROOT, target, symlinks=True, ignore=shutil.ignore_patterns(*ignored))
    if venv:
        (target / ".venv").symlink_to(ROOT / ".venv")
    if commit:
        git = ["git", "-C", str(target), "-c", "user.name=Thử", "-c", "user.email=thu@example.org"]
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "bản sao"]):
            subprocess.run([*git, *command], check=True, capture_output=True)
    return target


def built_once(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str, build: Callable[[Path], None]
) -> Path:
    """The folder `build` fills, made once per test run: under xdist the workers share it (the first to ask
    builds it, the others wait for it). Tests read it and never change it; they copy it to change it."""
    if worker_id == "master":
        out = tmp_path_factory.mktemp(name)
        build(out)
        return out
    run_folder = tmp_path_factory.getbasetemp().parent  # this run's, shared by its workers
    out, done = run_folder / name, run_folder / f"{name}.done"
    with (run_folder / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.is_file():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            build(out)
            done.touch()
    return out


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Path]:
    """The charts' pictures and the PDFs' font subsets, kept for the whole run in one folder its workers share
    (`layout.SHARED_CACHE_VARIABLE`): each chart of the sample is drawn once, not in each of its builds. The
    outputs are the same bytes (tests/e2e/test_interrupts.py builds without it and compares)."""
    base = tmp_path_factory.getbasetemp()
    under_xdist = hasattr(request.config, "workerinput")  # a worker's folder: its run's is the parent
    folder = (base.parent if under_xdist else base) / "shared-cache"
    folder.mkdir(exist_ok=True)
    os.environ[SHARED_CACHE_VARIABLE] = str(folder)
    yield folder
    os.environ.pop(SHARED_CACHE_VARIABLE, None)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """`make reports` on the sample: every edition, in processed/ and reports/."""
    return built_once(tmp_path_factory, worker_id, "sample-build", lambda out: make("-j2", "reports", out=out))


PROVINCE_EDITIONS = ("2025H2", "2025")


@pytest.fixture(scope="session")
def province_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The reorganised province of testdata/province.py (123 units) in raw/, and its editions
    PROVINCE_EDITIONS built from it in processed/ and reports/."""

    def build(out: Path) -> None:
        raw = write_province(out / "raw")
        for edition in PROVINCE_EDITIONS:
            make("report", f"PERIOD={edition}", raw=raw, out=out)

    return built_once(tmp_path_factory, worker_id, "province-build", build)


@pytest.fixture(scope="session")
def sample_reference() -> Reference:
    return load_reference(SAMPLE_RAW)


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample's raw folder (the real one is never modified)."""
    target = tmp_path / "raw"
    shutil.copytree(SAMPLE_RAW, target)
    return target


@pytest.fixture(scope="session")
def sample_edition(sample_build: Path) -> Path:
    """The sample's 2017H1 edition, as `sample_build` made it (read, never changed)."""
    return sample_build / "reports" / "2017H1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "checkout(venv=False): the module's `checkout` without the .venv link")


@pytest.fixture(scope="module")
def checkout(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout (`copy_of_checkout`), one per test module, where its tests may edit and commit
    the code. A module marked `pytest.mark.checkout(venv=False)` gets it without the `.venv` link."""
    marker = request.node.get_closest_marker("checkout")
    venv = marker.kwargs.get("venv", True) if marker else True
    return copy_of_checkout(tmp_path_factory.mktemp("checkout") / "checkout", venv=venv)


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work forked into children and PDF workers as in a build, from pytest's process: pytest's process may
    hold OpenBLAS's thread, but the children's work in these tests touches no library state. WeasyPrint
    itself is loaded by the end-to-end tests' reports; here a worker only says it was asked to."""
    from pipeline.documents.render import pdf
    from pipeline.execution.parallel import children as background

    if not hasattr(os, "fork"):
        pytest.fail("this platform cannot fork: the test is not meaningful here")
    monkeypatch.setattr(background, "can_fork", lambda: True)
    monkeypatch.setattr(pdf, "load_weasyprint", lambda: None)
