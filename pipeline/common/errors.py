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
