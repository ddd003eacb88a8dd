"""The PDF workers (execution/parallel/workers.py): started before they are wanted, each lays out the PDF it is
given in its own process, what that raises comes back here, and none is left behind when the report
fails."""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.common.errors import StageFailed
from pipeline.documents.render import pdf
from pipeline.execution.parallel import children as background
from pipeline.execution.parallel import workers as pdf_workers
from tests.conftest import ROOT, child_processes


# The works a worker is given are pickled: functions of this module, with their arguments.
def note_pid(path: Path) -> None:
    path.write_text(str(os.getpid()))


def wait_for(path: Path, then: Path) -> None:
    """Note this process, then wait until `path` appears: two such works end only if both run at once."""
    then.write_text(str(os.getpid()))
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert path.exists(), "the other work never started"


def fail_as_data() -> None:
    raise StageFailed("Lỗi: phông chữ của bản tin không đọc được")


def fail_as_a_bug() -> None:
    raise KeyError("deep inside the layout")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_long(started: Path, cleaned: Path) -> None:
    started.write_text(str(os.getpid()))
    try:
        threading.Event().wait(60)
    finally:
        cleaned.write_text("yes")  # as a PDF's atomic write removes its temporary file


def test_the_two_pdfs_are_laid_out_at_once_in_two_workers(forking: None, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    with pdf.workers() as workers:
        assert isinstance(workers, pdf_workers.Workers)
        workers.submit(functools.partial(wait_for, second, first))
        workers.submit(functools.partial(wait_for, first, second))
        workers.finish()
    pids = {int(first.read_text()), int(second.read_text())}
    assert len(pids) == 2 and os.getpid() not in pids
    assert not child_processes()


def test_a_child_forked_meanwhile_hands_its_pdf_to_the_worker_kept_for_it(forking: None, tmp_path: Path) -> None:
    """As the bulletin's child does: its PDF is laid out by a worker, not in the child."""
    laid_out, child = tmp_path / "laid-out", tmp_path / "child"

    def bulletin_child(lay_out: pdf_workers.LayOut) -> None:
        note_pid(child)
        lay_out(functools.partial(note_pid, laid_out))

    with pdf.workers() as workers:
        with background.alongside(functools.partial(bulletin_child, workers.reserve()), "bản tin"):
            pass
        workers.finish()
    assert int(laid_out.read_text()) not in {os.getpid(), int(child.read_text())}
    assert not child_processes()


def note_loaded(module: str, into: Path) -> None:
    into.write_text(str(module in sys.modules))


def test_the_first_worker_reserved_has_loaded_ahead_what_the_bulletins_work_needs(
    forking: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulletin's work, reserved first, finds nbconvert loaded (here a module of this test's own, which no
    other process has loaded); a module that cannot be loaded is left to the work that needs it."""
    probe = f"loaded_ahead_{os.getpid()}"
    (tmp_path / f"{probe}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(pdf, "AHEAD", ("no_such_module_anywhere", probe))
    first, second = tmp_path / "first", tmp_path / "second"
    with pdf.workers() as workers:
        bulletin = workers.reserve()
        workers.submit(functools.partial(note_loaded, probe, second))
        bulletin(functools.partial(note_loaded, probe, first))
        workers.finish()
    assert (first.read_text(), second.read_text()) == ("True", "False")
    assert probe not in sys.modules  # loaded there, not here


def test_the_bulletins_html_made_in_its_worker_fails_here_with_the_workers_traceback(
    forking: None, tmp_path: Path
) -> None:
    """The bulletin's work converts its notebook to HTML in the worker (nbconvert loaded there): a notebook
    that cannot be read is raised here, as a bug, with where it happened."""
    work = functools.partial(
        pdf.bulletin_from_notebook,
        tmp_path / "missing.ipynb",
        tmp_path / "bulletin.html",
        tmp_path / "bulletin.pdf",
        page={"title": "t", "running_title": "t", "draft": False},
        source_date=dt.date(2017, 6, 30),
    )
    with pytest.raises(FileNotFoundError) as caught, pdf.workers() as workers:
        workers.reserve()(work)
        workers.finish()
    assert "notebook_to_html" in "".join(caught.value.__notes__)
    assert not (tmp_path / "bulletin.html").exists() and not child_processes()


@pytest.mark.parametrize(
    ("work", "raised", "shown"),
    [
        (fail_as_data, StageFailed, "phông chữ của bản tin không đọc được"),
        (fail_as_a_bug, KeyError, "deep inside the layout"),
        (die, StageFailed, "tiến trình lập bản PDF dừng giữa chừng"),
    ],
)
def test_what_a_worker_raises_is_raised_here(forking: None, work: object, raised: type, shown: str) -> None:
    with pytest.raises(raised, match=shown) as caught, pdf.workers() as workers:
        workers.submit(work)  # type: ignore[arg-type]
        workers.finish()
    if raised is KeyError:  # a bug keeps the worker's traceback
        assert "fail_as_a_bug" in "".join(caught.value.__notes__)
    assert not child_processes()


def test_workers_given_nothing_are_let_go(forking: None) -> None:
    started = time.monotonic()
    with pdf.workers() as workers:
        workers.finish()
    with pdf.workers():
        pass  # a report whose documents turned out fresh: the workers are stopped
    assert not child_processes()
    assert time.monotonic() - started < background.STOP_GRACE_SECONDS  # stopped, not waited for


def _gone(pid: int) -> bool:
    """Ended and reaped (a worker's own workers are reaped by the first one)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
        except FileNotFoundError:
            return True
        if state == "Z" and pid not in child_processes():  # a zombie left to init: ended too
            return True
        time.sleep(0.02)
    return False


def test_a_failure_here_stops_every_worker_at_its_work(forking: None, tmp_path: Path) -> None:
    works = [(tmp_path / f"started-{n}", tmp_path / f"cleaned-{n}") for n in (1, 2)]
    with pytest.raises(ValueError, match="the report failed"), pdf.workers() as workers:
        for started, cleaned in works:
            workers.submit(functools.partial(sleep_long, started, cleaned))
        deadline = time.monotonic() + 30
        while not all(s.exists() and s.read_text() for s, _ in works) and time.monotonic() < deadline:
            time.sleep(0.01)
        raise ValueError("the report failed")
    for started, cleaned in works:
        assert cleaned.read_text() == "yes"
        assert _gone(int(started.read_text()))
    assert not child_processes()


def test_a_worker_given_nothing_is_let_go_while_a_fork_holds_its_pipe(forking: None, tmp_path: Path) -> None:
    """A process a notebook forked (and left running) holds the workers' pipes too: the worker given
    nothing is told so, not left waiting for the pipe to close."""
    with pdf.workers() as workers:
        lingering = os.fork()
        if lingering == 0:
            time.sleep(30)
            os._exit(0)
        try:
            workers.submit(functools.partial(note_pid, tmp_path / "one"))
            started = time.monotonic()
            workers.finish()
            assert time.monotonic() - started < 10
        finally:
            os.kill(lingering, signal.SIGKILL)
            os.waitpid(lingering, 0)
    assert (tmp_path / "one").exists()
    assert not child_processes()


def test_weasyprint_that_cannot_load_is_told_to_the_work_only(
    forking: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_pango() -> None:
        raise OSError("cannot load library 'pango-1.0-0'")

    monkeypatch.setattr(pdf, "load_weasyprint", no_pango)
    with pdf.workers() as workers:  # no PDF wanted: nothing to say
        workers.finish()
    with pytest.raises(OSError, match="pango"), pdf.workers() as workers:
        workers.submit(functools.partial(note_pid, tmp_path / "never"))
        workers.finish()
    assert not (tmp_path / "never").exists()
    assert not child_processes()


def test_no_workers_while_another_thread_runs(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with pdf.workers() as workers:
            assert isinstance(workers, pdf_workers.InProcess)
            workers.submit(functools.partial(note_pid, tmp_path / "here"))
            assert int((tmp_path / "here").read_text()) == os.getpid()  # done when submitted
            workers.finish()
    finally:
        stop.set()
        other.join()


STOPPED_AS_IT_IMPORTS = """
import os, signal, sys, time
from pipeline.execution.parallel import children as background

class StoppedInAFinaliser:
    def __del__(self):  # where Python cannot raise: as an import's lock callback is
        raise KeyboardInterrupt

def work():
    StoppedInAFinaliser()
    time.sleep(0.2)

pid = background.fork_child(work, close=[])
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def test_a_worker_stopped_where_python_cannot_raise_prints_nothing() -> None:
    """Stopping a worker while it loads WeasyPrint lands the interrupt in an import's lock callback; Python
    would print it as an "exception ignored" traceback after the analyst's message."""
    run = subprocess.run(
        [sys.executable, "-c", STOPPED_AS_IT_IMPORTS], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stderr == ""


LAID_OUT_BY_A_WORKER = """
import datetime as dt, functools, sys
from pathlib import Path
from pipeline.documents.render import pdf

html = Path(sys.argv[1])
with pdf.workers() as workers:
    work = functools.partial(pdf.html_to_pdf, html, html.with_suffix(".pdf"), source_date=dt.date(2017, 6, 30))
    workers.submit(work)
    workers.finish()
"""


def test_a_pdf_laid_out_by_a_worker_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """WeasyPrint copies the stylesheet's fonts into a folder there, which it removes only when its font
    configuration is freed: never, in a worker, which ends with `os._exit`. The fontconfig file of the
    product's fonts (`pdf.fontconfig_folder`) is kept there on purpose."""
    system_tmp, html = tmp_path / "tmp", tmp_path / "page.html"
    system_tmp.mkdir()
    html.write_text("<!DOCTYPE html><html lang='vi'><body><h1>Bản tin</h1></body></html>", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", LAID_OUT_BY_A_WORKER, str(html)],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(system_tmp)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert html.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in system_tmp.iterdir()) == [pdf.fontconfig_folder(system_tmp).name]
