"""Where the in-process engine's cell outputs go: nbformat outputs in the order they come (streams merged as
Jupyter merges them, displays, results, errors, `clear_output`), and what Papermill's `log_output`,
`stdout_file` and `stderr_file` ask to be passed on meanwhile. The shell (`engine`) routes `sys.stdout`,
`display()` and a cell's last value here."""

from __future__ import annotations

import base64
import io
import logging
from typing import Any, TextIO

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher

_LOG = logging.getLogger("papermill")


class Echo:
    """Papermill's `log_output`, `stdout_file` and `stderr_file`: outputs passed on as they come."""

    def __init__(self, log_output: bool = False, stdout_file: TextIO | None = None, stderr_file: TextIO | None = None):
        self.log_output, self.files = log_output, {"stdout": stdout_file, "stderr": stderr_file}

    def stream(self, name: str, text: str) -> None:
        if self.log_output:
            (_LOG.info if name == "stdout" else _LOG.warning)(text)
        if self.files.get(name) is not None:
            self.files[name].write(text)  # type: ignore[union-attr]
            self.files[name].flush()  # type: ignore[union-attr]

    def data(self, data: dict[str, Any]) -> None:
        if self.log_output and "text/plain" in data:
            _LOG.info(data["text/plain"])


class CellOutputs:
    """The outputs of the cell being run, appended in the order they come, as nbformat nodes."""

    def __init__(self, echo: Echo | None = None) -> None:
        self.items: list[nbformat.NotebookNode] = []
        self._clear_on_next = False
        self.echo = echo or Echo()

    def _append(self, output: nbformat.NotebookNode) -> None:
        if self._clear_on_next:
            self.items.clear()
            self._clear_on_next = False
        self.items.append(output)

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        self.echo.stream(name, text)
        last = self.items[-1] if self.items and not self._clear_on_next else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text  # one output per run of writes, as Jupyter merges them
        else:
            self._append(nbformat.v4.new_output("stream", name=name, text=text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any] | None) -> nbformat.NotebookNode:
        output = nbformat.v4.new_output("display_data", data=jsonable(data), metadata=metadata or {})
        self.echo.data(data)
        self._append(output)
        return output

    def result(self, data: dict[str, Any], metadata: dict[str, Any] | None, count: int) -> None:
        self.echo.data(data)
        self._append(
            nbformat.v4.new_output(
                "execute_result", data=jsonable(data), metadata=metadata or {}, execution_count=count
            )
        )

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self._append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_on_next = True
        else:
            self.items.clear()


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Binary representations (PNG) as base64 text, as a kernel sends them."""
    return {
        mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for mime, value in data.items()
    }


class Stream(io.TextIOBase):
    """`sys.stdout` or `sys.stderr` while a cell runs."""

    def __init__(self, name: str, shell: Any) -> None:
        self.name = name
        self._shell = shell

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._shell.outputs.stream(self.name, text)
        return len(text)


class Publisher(DisplayPublisher):
    """Where `display()` and matplotlib's inline figures go."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False) -> None:
        display_id = (transient or {}).get("display_id")
        if update:  # `handle.update(…)`: every output shown with that id, in any cell, as in Jupyter
            for output in self.shell.displays.get(display_id, []):
                output.data, output.metadata = jsonable(data), metadata or {}
            return
        output = self.shell.outputs.display(data, metadata)
        if display_id:
            self.shell.displays.setdefault(display_id, []).append(output)

    def clear_output(self, wait: bool = False) -> None:
        self.shell.outputs.clear(wait)


class ResultHook(DisplayHook):
    """The value of a cell's last expression (IPython handles `_`, `Out` and a closing semicolon)."""

    def write_output_prompt(self) -> None:
        pass

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.outputs.result(format_dict, md_dict, self.prompt_count)

    def finish_displayhook(self) -> None:
        pass
