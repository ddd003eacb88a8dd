"""Errors a user can cause: shown as a Vietnamese message, never as a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or command; the message is in Vietnamese and names the place."""


class StageFailed(Exception):  # noqa: N818 - it is a failure report, not an error class to catch broadly
    """A stage stopped; `str()` is the whole message to print (already in Vietnamese)."""


class Interrupted(StageFailed):
    """The run was stopped by the user (Ctrl-C): neither a bug nor a data problem."""


class CellArgumentError(UserError):
    """A bad argument given to `pipeline/` from a notebook cell (e.g. an unknown chart `window`).

    Raised on purpose, with a Vietnamese message naming what is accepted; a notebook run reports it as an
    error of the analyst's cell (the notebook, the cell's number and first line), never as a program bug.
    """


# What ends a run without being a bug: said in Vietnamese, never with a traceback.
SAID = (StageFailed, UserError, KeyboardInterrupt)


def said(failure: StageFailed | UserError | KeyboardInterrupt) -> tuple[str, int]:
    """What the terminal says of a failure the analyst caused or asked for, and the exit status: a stop
    (Ctrl-C) 130, a refused stage or a bad input 1."""
    if isinstance(failure, Interrupted | KeyboardInterrupt):
        return (str(failure) if isinstance(failure, Interrupted) else "Đã dừng: lần chạy bị ngắt (Ctrl-C)."), 130
    return (str(failure) if isinstance(failure, StageFailed) else f"Lỗi: {failure}"), 1
