"""Running a stage's notebook with Papermill, and turning its failures into messages an analyst can act on."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import papermill
from jupyter_client.manager import AsyncKernelManager
from papermill.exceptions import PapermillExecutionError

from pipeline import iorw
from pipeline.errors import UserError

KERNEL = "python3"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _QuietKernelManager(AsyncKernelManager):
    """Starts the kernel with its own log silenced: ipykernel logs an English warning about its transport
    at every start, which is not for analysts. Errors in cells still come back through Papermill."""

    async def start_kernel(self, **kw: Any) -> None:
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super().start_kernel(**kw)


class StageFailed(Exception):  # noqa: N818 - it is a failure report, not an error class to catch broadly
    """A stage's notebook stopped; `str()` is what to print."""


def run_notebook(notebook: Path, output: Path, parameters: dict[str, object]) -> None:
    """Execute `notebook` into `output` (the executed copy kept with the report)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # Papermill saves as it goes; the copy takes the final name only once the run has ended.
    with iorw.atomic_path(output) as partial:
        _execute(notebook, partial, output, parameters)


def _execute(notebook: Path, partial: Path, output: Path, parameters: dict[str, object]) -> None:
    try:
        papermill.execute_notebook(
            str(notebook),
            str(partial),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(notebook.parent),
            progress_bar=False,
            report_mode=False,
            kernel_manager_class=_QuietKernelManager,
        )
    except PapermillExecutionError as error:
        if error.ename == UserError.__name__:
            raise StageFailed(f"Lỗi: {error.evalue}") from None
        trace = _ANSI.sub("", "\n".join(error.traceback))
        os.replace(partial, output)  # kept: the record of what failed
        raise StageFailed(
            f"Lỗi chương trình khi chạy {notebook.name} (không phải lỗi số liệu; xin báo cho người bảo trì).\n"
            f"{trace}\nNotebook đã chạy: {output}"
        ) from None
