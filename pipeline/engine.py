"""A Papermill engine that runs a notebook's cells in this process, with IPython, instead of in a kernel.

A stage then costs what its cells cost: no kernel process to start, no second import of pandas and
matplotlib, no messages between two processes. The notebooks do not change: analysts open them in Jupyter
with the usual kernel, and nbval checks them that way. The executed copy has the outputs a kernel would
have given (streams, displays, results and errors, in the order they came), so Papermill's error report
and nbconvert read it as usual.

Registered with Papermill as the engine `in-process` when this module is imported.
"""

from __future__ import annotations

import base64
import io
import platform
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines
from traitlets import Type
from traitlets.config import Config

ENGINE_NAME = "in-process"
LANGUAGE_INFO = {
    "name": "python",
    "version": platform.python_version(),
    "mimetype": "text/x-python",
    "file_extension": ".py",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
}


class _CellOutputs:
    """The outputs of the cell being run, appended in the order they come, as nbformat nodes."""

    def __init__(self) -> None:
        self.items: list[nbformat.NotebookNode] = []
        self._clear_on_next = False

    def _append(self, output: nbformat.NotebookNode) -> None:
        if self._clear_on_next:
            self.items.clear()
            self._clear_on_next = False
        self.items.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.items[-1] if self.items and not self._clear_on_next else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # one output per run of writes, as Jupyter merges them
        else:
            self._append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> nbformat.NotebookNode:
        output = nbformat.v4.new_output("display_data", data=_jsonable(data), metadata=metadata or {})
        self._append(output)
        return output

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None, count: int) -> None:
        self._append(
            nbformat.v4.new_output(
                "execute_result", data=_jsonable(data), metadata=metadata or {}, execution_count=count
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_on_next = True
        else:
            self.items.clear()


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Binary representations (PNG) as base64 text, as a kernel sends them."""
    return {
        mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for mime, value in data.items()
    }


class _Stream(io.TextIOBase):
    """`sys.stdout` or `sys.stderr` while a cell runs."""

    def __init__(self, name: str, shell: _Shell) -> None:
        self.name = name
        self._shell = shell

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._shell.outputs.stream(self.name, text)
        return len(text)


class _Publisher(DisplayPublisher):
    """Where `display()` and matplotlib's inline figures go."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False) -> None:
        display_id = (transient or {}).get("display_id")
        if update:  # `handle.update(…)`: every output shown with that id, in any cell, as in Jupyter
            for output in self.shell.displays.get(display_id, []):
                output.data, output.metadata = _jsonable(data), metadata or {}
            return
        output = self.shell.outputs.display(data, metadata)
        if display_id:
            self.shell.displays.setdefault(display_id, []).append(output)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear(wait)


class _ResultHook(DisplayHook):
    """The value of a cell's last expression (IPython handles `_`, `Out` and a closing semicolon)."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.result(format_dict, md_dict, self.prompt_count)

    def finish_displayhook(self) -> None:
        pass


class _Shell(InteractiveShell):
    displayhook_class = Type(_ResultHook)
    display_pub_class = Type(_Publisher)
    outputs = _CellOutputs()  # the running cell's
    displays: dict[str, list[nbformat.NotebookNode]] = {}  # noqa: RUF012 - replaced for each notebook

    def _showtraceback(self, etype, evalue, stb: list[str]) -> None:
        self.outputs.error(etype.__name__, str(evalue), stb)

    def enable_gui(self, gui: str | None = None) -> None:
        """No event loop to run: figures are shown inline (`%matplotlib inline`), as in a notebook."""


def _shell() -> _Shell:
    """The process's IPython shell, as a fresh kernel would be for the notebook about to run: an empty
    namespace, no display ids, and pandas' display options at their defaults (a notebook may set them)."""
    if not _Shell.initialized():
        config = Config()
        config.HistoryManager.hist_file = ":memory:"  # no history database written in the user's home
        shell = _Shell.instance(config=config)
    else:
        shell = _Shell.instance()
        shell.reset(new_session=True)
    shell.displays = {}
    if "pandas" in sys.modules:
        sys.modules["pandas"].reset_option(r"^display\.")
    return shell


def run_cell(shell: _Shell, cell: nbformat.NotebookNode) -> bool:
    """Run one code cell, its outputs replacing the old ones. False if it raised."""
    shell.outputs = _CellOutputs()
    with redirect_stdout(_Stream("stdout", shell)), redirect_stderr(_Stream("stderr", shell)):
        result = shell.run_cell(cell.source, store_history=True)
    cell.outputs = shell.outputs.items
    cell.execution_count = result.execution_count
    return result.success


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


class InProcessEngine(Engine):
    @classmethod
    def execute_managed_notebook(cls, nb_man: NotebookExecutionManager, kernel_name: str, **kwargs: Any) -> None:
        # Entering catch_warnings forgets which warnings were shown: each notebook shows its own, in the
        # output of the cell that raised them (whoever ran this process may have redirected them).
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            cls._execute(nb_man, _shell())
        nb_man.nb.metadata["language_info"] = LANGUAGE_INFO

    @staticmethod
    def _execute(nb_man: NotebookExecutionManager, shell: _Shell) -> None:
        # Papermill saves the notebook before and after every cell, for watching a kernel at work. Here the
        # copy is only read once complete: it is saved once, when Papermill completes the notebook.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            # As Papermill's own client does: every cell gets its timing metadata; execution stops at the
            # first error, and Papermill then reports it from the error output.
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                try:
                    if cell.cell_type == "code" and not run_cell(shell, cell):
                        nb_man.cell_exception(cell, cell_index=index)
                        break
                finally:
                    nb_man.cell_complete(cell, cell_index=index)
        finally:
            nb_man.output_path = output_path


papermill_engines.register(ENGINE_NAME, InProcessEngine)
