"""Work done in a forked child process while this one goes on.

An edition's two PDFs are laid out by WeasyPrint, which uses one core: the bulletin is made in a child while
this process makes the formal report, so the documents take the time of the longer of the two. The child
is a fork taken after the libraries are loaded, so it starts at once. What the work raises in the child is
raised here, as if it had run in this process: a mistake in a notebook reads the same either way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _can_fork() -> bool:
    # A fork copies one thread only: with others running (a kernel's, a library's), their locks could be
    # held forever in the child. macOS's system libraries do not support fork without exec.
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


@contextmanager
def alongside(work: Callable[[], None], what: str) -> Iterator[None]:
    """Run `work` in a child process while the body runs; on leaving, wait for it and raise what it raised.
    Where a fork is unsafe, `work` runs here first. `what` names the work in an error that cannot be
    brought back (one that cannot be pickled, or a child that died)."""
    if not _can_fork():
        work()
        yield
        return
    sys.stdout.flush()
    sys.stderr.flush()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        os.close(reading)
        _run_child(work, writing)
    os.close(writing)
    try:
        yield
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(reading)
        raise
    with os.fdopen(reading, "rb") as pipe:
        raised = pipe.read()
    _, status = os.waitpid(pid, 0)
    if raised:
        raise pickle.loads(raised)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
        raise KeyboardInterrupt
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{what}: its child process ended with status {os.waitstatus_to_exitcode(status)}")


def _run_child(work: Callable[[], None], writing: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly; the parent, interrupted too, says so
    status = 0
    try:
        work()
    except BaseException as error:
        try:
            raised = pickle.dumps(error)
        except Exception:
            traceback.print_exc()
            raised, status = b"", 1
        os.write(writing, raised)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
