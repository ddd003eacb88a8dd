"""Work done in a forked child process while this one goes on.

The bulletin's notebook is run in a child while this process runs the formal report's notebook and writes
the Word file and the annex; the PDF workers (`workers`) are forked children too. A child is a
fork taken after the libraries are loaded, so it starts at once. What the work raises in the child is
raised here, as if it had run in this process: a mistake in a notebook reads the same either way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pipeline.common.errors import StageFailed

STOP_GRACE_SECONDS = 5.0  # a child told to stop may remove its temporary files; then it is killed
_stopping = False  # in a child: a first Ctrl-C or stop has been raised (`_stop_once`)


def _thread_count() -> int:
    """The process's threads as the kernel counts them (a library's native threads too), where it says."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def can_fork() -> bool:
    # A fork copies one thread only: with others running (a kernel's, a library's), their locks could be
    # held forever in the child. `python -m pipeline` keeps OpenBLAS to one thread so that it forks; a
    # Jupyter kernel, with its own threads, does the work in turn instead. macOS's system libraries do not
    # support fork without exec.
    return hasattr(os, "fork") and sys.platform != "darwin" and _thread_count() == 1


@contextmanager
def alongside(work: Callable[[], None], what: str) -> Iterator[None]:
    """Run `work` in a child process while the body runs; on leaving, wait for it and raise what it raised.
    Where a fork is unsafe, `work` runs here first. `what` (Vietnamese) names the work in the message for a
    child that died without a word (killed, out of memory)."""
    if not can_fork():
        work()
        yield
        return
    reading, writing = os.pipe()
    pid = fork_child(lambda: _answer(work, writing), close=[reading])
    os.close(writing)
    status = None
    try:
        with os.fdopen(reading, "rb") as pipe:
            yield
            raised = pipe.read()
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:  # the body failed or was interrupted: the child's work is no longer wanted
            stop(pid)
    _raise_outcome(raised, status, what)


def fork_child(work: Callable[[], None], close: list[int]) -> int:
    """Fork a child that closes the descriptors `close` (this process's ends of its pipes), runs `work`
    and exits; Ctrl-C or a stop reach `work` as KeyboardInterrupt. Returns the child's pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    # Signals wait until the child has its own handlers: a Ctrl-C in between must not unwind the parent's
    # code (its locks, its clean-ups) in the child.
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    pid = -1
    try:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            try:
                for descriptor in close:
                    os.close(descriptor)
                # Ctrl-C (the parent, interrupted too, says so) or a stop from the parent: an interrupt, as a
                # notebook run knows it (runner.Interrupted, not a bug), so that `finally` blocks remove
                # temporary files.
                _stop_on_signals()
                sys.unraisablehook = quiet_about_interrupts
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
                work()
            except KeyboardInterrupt:  # stopped: the parent knows why
                os._exit(1)
            except BaseException:  # a bug outside `work`'s own reporting: said here, the parent reports silence
                traceback.print_exc()
                os._exit(1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)
    finally:
        if pid != 0:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return pid


def _stop_on_signals() -> None:
    """In a new child: Ctrl-C and a stop raise KeyboardInterrupt, once (`_stop_once`)."""
    global _stopping
    _stopping = False  # this child's own stop, whatever the process it was forked from was doing
    signal.signal(signal.SIGINT, _stop_once)
    signal.signal(signal.SIGTERM, _stop_once)


def _stop_once(_signum: int, _frame: object) -> None:
    """In a child: the first Ctrl-C or stop raises KeyboardInterrupt; later ones (a terminal's Ctrl-C and then
    the parent's stop, say) are let pass, so that they do not cut short the clean-up the first one started. A
    child that lingers is killed by whoever stops it (`stop`). (Not by setting the signals to SIG_IGN: one
    already arrived would then be reported by Python as an OSError, «ignored due to race condition».)"""
    global _stopping
    if _stopping:
        return
    _stopping = True
    raise KeyboardInterrupt


def _raise_outcome(raised: bytes, status: int, what: str) -> None:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
        raise KeyboardInterrupt
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and raised:
        reraise(raised, what)
    if code != 0:
        cause = f"bị dừng bởi tín hiệu {-code}" if code < 0 else f"kết thúc với mã {code}"
        raise StageFailed(died_message(what, cause))


def died_message(what: str, cause: str) -> str:
    return (
        f"Lỗi: tiến trình lập {what} {cause} mà không báo lỗi (có thể do thiếu bộ nhớ hoặc bị dừng từ bên "
        "ngoài). Hãy chạy lại lệnh; nếu lặp lại, báo cho người bảo trì."
    )


def reraise(raised: bytes, what: str) -> None:
    """Raise here what a child raised (`outcome_of`)."""
    error = pickle.loads(raised)  # the child checked that it loads
    if isinstance(error, str):  # an exception that could not be pickled: its traceback, as text
        raise RuntimeError(f"{what} (tiến trình con):\n{error}")
    raise error


def quiet_about_interrupts(unraisable: object) -> None:
    """`sys.unraisablehook`: a stop (KeyboardInterrupt) that lands where Python cannot raise it (an import's
    lock callback, while a worker is stopped as it loads WeasyPrint) is the stop itself, not a bug to print.
    It did not stop the child, so the next Ctrl-C or stop raises again (`_stop_once`). Anything else is
    printed as usual."""
    global _stopping
    if issubclass(getattr(unraisable, "exc_type", type(None)), KeyboardInterrupt):
        _stopping = False
        return
    sys.__unraisablehook__(unraisable)  # type: ignore[arg-type]


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and a stop wait until the block is done (a fork and the note of its pid)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def stop(pid: int, grace: float = STOP_GRACE_SECONDS) -> None:
    """Ask the child to stop (it removes its temporary files), then make sure it has; reap it either way."""
    # The child may have ended, and been reaped, on its own (a refused build stops its workers as they end):
    # nothing is left to stop then, and that is no error of the analyst's to print.
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        return


def _answer(work: Callable[[], None], writing: int) -> None:
    """Run `work` (in the child) and write what it raised, if anything, to the parent's pipe."""
    raised = b""
    try:
        work()
    except BaseException as error:
        raised = outcome_of(error)
    answer(writing, raised)


def answer(writing: int, data: bytes) -> None:
    """Write a child's answer to the parent's pipe and close it. A parent that stopped listening (it was
    interrupted, or failed) does not want it."""
    try:
        with os.fdopen(writing, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass


def outcome_of(error: BaseException) -> bytes:
    """What the child raised, pickled for the parent: the exception itself, or its traceback as text."""
    if not isinstance(error, StageFailed):  # a bug: its traceback from here, not from the parent
        error.add_note(traceback.format_exc())
    try:
        raised = pickle.dumps(error)
        pickle.loads(raised)
    except Exception:  # a bug's exception that pickle cannot carry or rebuild: its traceback as text
        raised = pickle.dumps("".join(traceback.format_exception(error)))
    return raised
