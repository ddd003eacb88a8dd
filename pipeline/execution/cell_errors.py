"""Whose error a failed notebook run is: the analyst's cell, or the program.

One rule, the same for both engines (it reads the traceback Papermill reports, as IPython wrote it in the
cell's error output): of the traceback's frames in the notebook's cells or in the package `pipeline/`, the
innermost decides. In a cell (the analyst's `NameError`, a pandas error from the analyst's own code): the
notebook's error, reported with the notebook, the cell's number and first line, the line and the error's
last line. In `pipeline/`: a program bug, unless the package raised `CellArgumentError` on purpose for a bad
argument given by the cell, which is the notebook's error too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from pipeline.common.errors import CellArgumentError

PACKAGE = Path(__file__).resolve().parent.parent
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# How IPython names a frame: `Cell In[4], line 2` (a cell) or `File /path/x.py:27, in f(…)` (a module).
_CELL_FRAME = re.compile(r"^\s*Cell In\[(\d+)\], line (\d+)")
_FILE_FRAME = re.compile(r"^\s*File (.+?):(\d+)(?:, in |\s*$)", re.MULTILINE)
FIRST_LINE_WIDTH = 60


@dataclass(frozen=True)
class Frame:
    in_cell: bool
    execution_count: int | None  # a cell's `In[N]`
    line: int
    path: Path | None  # a module's


def plain(traceback: list[str]) -> list[str]:
    """The traceback's entries without their colours."""
    return [_ANSI.sub("", entry) for entry in traceback]


def frames(traceback: list[str]) -> list[Frame]:
    """The frames of an IPython traceback, outermost first (a SyntaxError's cell is its one frame)."""
    found = []
    for entry in plain(traceback):
        if cell := _CELL_FRAME.match(entry):
            found.append(Frame(True, int(cell.group(1)), int(cell.group(2)), None))
        elif module := _FILE_FRAME.match(entry):
            path = Path(os.path.expanduser(module.group(1)))
            found.append(Frame(False, None, int(module.group(2)), path))
    return found


def _in_package(path: Path | None) -> bool:
    try:
        return path is not None and path.resolve().is_relative_to(PACKAGE)
    except OSError:
        return False


def is_cells_error(ename: str, traceback: list[str]) -> bool:
    """Whether the error is the analyst's cell's: raised in a cell (or in a library the cell called itself),
    or a `CellArgumentError`; False when the innermost frame that is a cell's or the package's is the
    package's, and when the traceback names no frame of either (nothing shows it is the cell's)."""
    if ename == CellArgumentError.__name__:
        return True
    decisive = [frame for frame in frames(traceback) if frame.in_cell or _in_package(frame.path)]
    return bool(decisive) and decisive[-1].in_cell


def analysts_number(notebook: Path, cell_index: int, source: str) -> int:
    """The failed cell's number as the analyst counts the cells of `notebook` (1-based, Markdown cells
    included), from its index in the executed copy, where Papermill put its injected-parameters cell just
    after the cell tagged `parameters` (or first, without one)."""
    cells = nbformat.read(notebook, as_version=4).cells
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell.get("metadata", {}).get("tags", [])]
    injected = tagged[0] + 1 if tagged else 0
    index = cell_index - 1 if cell_index > injected else cell_index
    if 0 <= index < len(cells) and cells[index].source == source:
        return index + 1
    same = [i for i, cell in enumerate(cells) if cell.source == source]
    return same[0] + 1 if same else index + 1


def first_line(source: str) -> str:
    """The cell's first line that is not blank, shortened: `charts.composition(…`."""
    line = next((text.strip() for text in source.splitlines() if text.strip()), "")
    return line if len(line) <= FIRST_LINE_WIDTH else line[: FIRST_LINE_WIDTH - 1].rstrip() + "…"


def last_line(ename: str, evalue: str, traceback: list[str]) -> str:
    """What the error says, as its traceback's last line does (`NameError: name 'x' is not defined`); a
    `CellArgumentError`'s message alone (it is written for the analyst)."""
    if ename == CellArgumentError.__name__:
        return evalue
    entries = [line for entry in plain(traceback) for line in entry.splitlines() if line.strip()]
    return entries[-1].strip() if entries else f"{ename}: {evalue}"


def message(
    notebook: Path,
    executed: Path,
    cell_index: int,
    execution_count: int | None,
    source: str,
    ename: str,
    evalue: str,
    traceback: list[str],
) -> str:
    """«Lỗi trong sổ 03_bulletin.ipynb, ô số 12 (bắt đầu bằng `charts.composition(data)`), dòng 1: NameError:
    …», and where the executed notebook is."""
    number = analysts_number(notebook, cell_index, source)
    own = [f for f in frames(traceback) if f.in_cell and f.execution_count in (execution_count, None)]
    where = f", dòng {own[0].line}" if own else ""
    return (
        f"Lỗi trong sổ {notebook.name}, ô số {number} (bắt đầu bằng `{first_line(source)}`){where}: "
        f"{last_line(ename, evalue, traceback)}\nNotebook đã chạy (xem lỗi ở ô đó): {executed}"
    )
