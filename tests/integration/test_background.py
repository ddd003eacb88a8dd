"""Work in a forked child (execution/parallel/children.py): what it raises comes back; a child that dies or is no
longer wanted is reaped, and the analyst reads a Vietnamese message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.common.errors import StageFailed
from pipeline.execution.parallel import children as background
from testdata import wait_until
from tests.conftest import ROOT, SAMPLE_RAW, child_processes


def test_the_work_runs_in_a_child_alongside_the_body(forking: None, tmp_path: Path) -> None:
    marker = tmp_path / "done"
    with background.alongside(lambda: marker.write_text(str(os.getpid())), "bản tin"):
        wait_until(marker.exists, timeout=30)  # done while the body still runs
        assert marker.exists()
    assert int(marker.read_text()) != os.getpid()
    assert not child_processes()


def test_what_the_child_raises_is_raised_here(forking: None) -> None:
    def fails() -> None:
        raise StageFailed("Lỗi: ô C7 của sheet 'Kết nạp'")

    with pytest.raises(StageFailed, match="ô C7 của sheet 'Kết nạp'"), background.alongside(fails, "bản tin"):
        pass
    assert not child_processes()


class UnpicklableError(Exception):
    """Cannot be pickled at all."""

    def __reduce__(self) -> tuple:
        raise TypeError("cannot pickle")


class NeedsTwoError(Exception):
    """Pickles (by its class and args), but cannot be rebuilt from its one formatted arg."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} {second}")


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (UnpicklableError("deep inside"), "UnpicklableError: deep inside"),
        (NeedsTwoError("half", "year"), "NeedsTwoError: half year"),
    ],
)
def test_an_exception_pickle_cannot_carry_comes_back_with_its_traceback(
    forking: None, error: Exception, shown: str
) -> None:
    def fails() -> None:
        raise error

    with pytest.raises(RuntimeError, match=rf"(?s)bản tin.*{shown}"), background.alongside(fails, "bản tin"):
        pass


def test_a_child_killed_from_outside_is_a_vietnamese_message(forking: None) -> None:
    def killed() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    with (
        pytest.raises(StageFailed, match="tiến trình lập bản tin bị dừng bởi tín hiệu 9"),
        background.alongside(killed, "bản tin"),
    ):
        pass
    assert not child_processes()


def test_a_body_that_fails_stops_and_reaps_the_child(forking: None) -> None:
    with (
        pytest.raises(ValueError, match="the report failed"),
        background.alongside(lambda: threading.Event().wait(60), "bản tin"),
    ):
        raise ValueError("the report failed")
    assert not child_processes()


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not background.can_fork()
        ran: list[int] = []
        with background.alongside(lambda: ran.append(os.getpid()), "bản tin"):
            assert ran == [os.getpid()]  # done here, before the body
    finally:
        stop.set()
        other.join()


def test_a_bug_in_the_child_keeps_its_own_traceback(forking: None) -> None:
    def deep_inside_the_bulletin() -> None:
        raise KeyError("chart")

    with pytest.raises(KeyError) as raised, background.alongside(deep_inside_the_bulletin, "bản tin"):
        pass
    assert "deep_inside_the_bulletin" in "".join(raised.value.__notes__)


def _pid_written(path: Path) -> int:
    """The pid a child writes to `path` once it has started."""
    assert wait_until(lambda: path.exists() and path.read_text(), timeout=30), "the child never started"
    return int(path.read_text())


@pytest.mark.parametrize("stopped_by", ["the parent", "ctrl-c"])
def test_a_child_stopped_cleans_up_before_it_ends(forking: None, tmp_path: Path, stopped_by: str) -> None:
    cleaned, started = tmp_path / "cleaned", tmp_path / "started"

    def long_work() -> None:
        started.write_text(str(os.getpid()))
        try:
            threading.Event().wait(60)
        finally:
            cleaned.write_text("yes")  # as an atomic write removes its temporary file

    with pytest.raises(ValueError), background.alongside(long_work, "bản tin"):
        child = _pid_written(started)
        if stopped_by == "ctrl-c":  # the terminal interrupts the child too
            os.kill(child, signal.SIGINT)
            wait_until(cleaned.exists, timeout=30)
        raise ValueError("the report failed")
    assert cleaned.read_text() == "yes"
    assert not child_processes()


def test_a_stop_after_ctrl_c_does_not_cut_the_clean_up_short(forking: None, tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches the child, then the parent, interrupted too, stops it: the second signal
    lands while the child removes its temporary file, and must not leave it behind."""
    temporary, started, cleaning = tmp_path / ".bulletin.tmp.pdf", tmp_path / "started", tmp_path / "cleaning"

    def long_work() -> None:
        temporary.write_text("một phần")
        started.write_text(str(os.getpid()))
        try:
            threading.Event().wait(60)
        finally:
            cleaning.write_text("yes")
            time.sleep(0.5)  # the parent's stop arrives now
            temporary.unlink()

    with pytest.raises(ValueError), background.alongside(long_work, "bản tin"):
        child = _pid_written(started)
        os.kill(child, signal.SIGINT)
        wait_until(cleaning.exists, timeout=30)
        raise ValueError("the report was interrupted too")  # leaving the block stops the child (SIGTERM)
    assert not temporary.exists()
    assert not child_processes()


def test_ctrl_c_and_a_stop_arriving_together_print_nothing(
    forking: None, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A terminal's Ctrl-C and the parent's stop reach a busy child at the same moment: it stops once, cleans
    up, and prints nothing (no «Signal 15 ignored due to race condition»)."""
    ready, sent, cleaned = tmp_path / "ready", tmp_path / "sent", tmp_path / "cleaned"
    both = {signal.SIGINT, signal.SIGTERM}

    def busy() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, both)  # both signals wait, then arrive together
        ready.write_text(str(os.getpid()))
        while not sent.exists():
            time.sleep(0.01)
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, both)
            threading.Event().wait(60)
        finally:
            cleaned.write_text("yes")

    with pytest.raises(ValueError), background.alongside(busy, "bản tin"):
        child = _pid_written(ready)
        for number in (signal.SIGINT, signal.SIGTERM):
            os.kill(child, number)
        sent.touch()
        wait_until(cleaned.exists, timeout=30)
        raise ValueError("the report was interrupted too")
    assert cleaned.read_text() == "yes"
    assert not child_processes()
    said = capfd.readouterr()
    assert "race condition" not in said.err + said.out and "Traceback" not in said.err + said.out, said


class _LosesTheStop:
    """Deleted at once: Ctrl-C lands in its `__del__`, where Python cannot raise it (it reports it instead)."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)  # the handler runs here


def test_a_stop_python_could_not_raise_is_not_the_last(forking: None, tmp_path: Path) -> None:
    """A Ctrl-C lost where Python cannot raise it did not stop the child: the parent's stop still does."""
    started, cleaned = tmp_path / "started", tmp_path / "cleaned"

    def work() -> None:
        _LosesTheStop()
        started.write_text(str(os.getpid()))
        try:
            threading.Event().wait(60)
        finally:
            cleaned.write_text("yes")

    with pytest.raises(ValueError), background.alongside(work, "bản tin"):
        child = _pid_written(started)
        os.kill(child, signal.SIGTERM)
        wait_until(cleaned.exists, timeout=30)
        raise ValueError("the report was interrupted too")
    assert cleaned.read_text() == "yes"
    assert not child_processes()


FORK_PROBE = """
import runpy, sys
from pipeline.execution.parallel import children as background

can_fork, said_path = background.can_fork, sys.argv.pop(1)
def probed():
    allowed = can_fork()
    with open(said_path, "a") as said:
        said.write(f"{allowed} {background._thread_count()}\\n")
    return allowed
background.can_fork = probed
sys.argv[0] = "pipeline"
runpy.run_module("pipeline", run_name="__main__")
"""


def test_a_real_report_renders_its_documents_side_by_side(tmp_path: Path) -> None:
    """`python -m pipeline report`, as make runs it: after the cleaning's notebooks ran in the same process,
    it has one thread when it starts the PDF workers (the first of which forks the second), and again when
    the bulletin's child is forked, after the indicators' notebook."""
    said = tmp_path / "forked"
    command = [sys.executable, "-c", FORK_PROBE, str(said), "--raw-dir", str(SAMPLE_RAW)]
    command += ["--processed-dir", str(tmp_path / "processed"), "--reports-dir", str(tmp_path / "reports")]
    command += ["report", "--edition", "2016H1"]
    environment = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    run = subprocess.run(command, cwd=ROOT, env=environment | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert said.read_text().splitlines() == ["True 1"] * 3
    assert (tmp_path / "reports" / "2016H1" / "bulletin.pdf").is_file()
