"""Ctrl-C in a terminal: the run stops, says «Đã dừng…» once, and leaves nothing behind.

A terminal's Ctrl-C sends SIGINT to every process of the foreground group: make, the stage make runs
(`python -m pipeline …`), and the stage's own children (PDF workers, the bulletin's child). Each child stops
by itself (`parallel.children.fork_child`); the stage unwinds (its `finally` blocks remove temporary files and stop
the children), says it stopped, and leaves as make needs it to for make to print nothing more: GNU make,
interrupted while a recipe runs, waits for it, then prints «*** [target] Interrupt» if it died of SIGINT,
«Error 130» if it exited 130, and nothing if it exited 0 (make then dies of SIGINT itself, without running
the recipe's next line). So under make the stage exits 0 after making sure make is being interrupted (it
sends make the SIGINT, for a SIGINT sent to the stage alone); run directly, it exits 130.

The first SIGINT raises KeyboardInterrupt; later ones are noted only, so that the clean-up is not cut
short. One that Python could not raise (in a destructor, a callback) still counts: the run is said to
have stopped however it ends (`received`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

STOPPED = 130  # the exit status of a run stopped by Ctrl-C (128 + SIGINT), as a shell shows it
MESSAGE = "Đã dừng: lần chạy bị ngắt (Ctrl-C)."

_received = False


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    global _received
    if _received:  # a second Ctrl-C: the stop is under way, its clean-up goes on
        return
    _received = True
    raise KeyboardInterrupt


def _quiet_about_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """A KeyboardInterrupt raised where Python cannot raise it (a destructor, an import's lock callback) is
    the stop itself, already noted: not printed. Anything else is printed as usual."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def install() -> None:
    """Ctrl-C raises KeyboardInterrupt once and is remembered (the stage's first statement). Started by make
    with Ctrl-C ignored (the interpreter's own start-up cannot be interrupted cleanly), the stage raises it
    here when make has been interrupted meanwhile."""
    sys.unraisablehook = _quiet_about_interrupts
    signal.signal(signal.SIGINT, _on_interrupt)
    if _make_is_stopping():
        _on_interrupt(signal.SIGINT, None)


def _make_is_stopping() -> bool:
    """Whether the parent, make, is dying of SIGINT: on SIGINT it sets the signal back to its default
    action, waits for its recipes, then raises it again. Otherwise make catches SIGINT (or ignores it, as
    a job started in the background does)."""
    if not _parent_is_make():
        return False
    try:
        with open(f"/proc/{os.getppid()}/status", encoding="utf-8") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        handled = int(fields["SigCgt"], 16) | int(fields["SigIgn"], 16)
    except (OSError, KeyError, ValueError):
        return False
    return not handled & (1 << (signal.SIGINT - 1))


def received() -> bool:
    """Whether this process was sent SIGINT since `install`."""
    return _received


def _parent_is_make() -> bool:
    if not os.environ.get("MAKELEVEL"):
        return False
    try:
        with open(f"/proc/{os.getppid()}/comm", encoding="utf-8") as comm:
            return comm.read().strip() in ("make", "gmake")
    except OSError:
        return False


def leave(status: int) -> None:
    """End the process with `status` at once (`os._exit`: the libraries' objects are not freed one by
    one). A stopped run under make exits 0 once make is told to stop too (see above)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # nothing may cut the exit short now
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nobody reads what is left
            stream.flush()
    if status == STOPPED and _parent_is_make():
        try:
            os.kill(os.getppid(), signal.SIGINT)
            status = 0
        except OSError:
            pass
    os._exit(status)
