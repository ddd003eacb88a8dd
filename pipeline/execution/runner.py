"""Running a stage's notebook with Papermill, and turning its failures into messages an analyst can act on."""

from __future__ import annotations

import os
from pathlib import Path

import papermill
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from pipeline.common import iorw
from pipeline.common.errors import Interrupted, StageFailed, UserError
from pipeline.execution import cell_errors
from pipeline.execution.engine import ENGINE_NAME

KERNEL = "python3"
# `make report ENGINE=kernel`: the same stages in a real Jupyter kernel (Papermill's own engine), for an
# analyst who wants to rule the in-process engine out.
ENGINES = {"in-process": ENGINE_NAME, "kernel": "nbclient"}
DEFAULT_ENGINE = "in-process"


def run_notebook(notebook: Path, output: Path, parameters: dict[str, object], engine: str = DEFAULT_ENGINE) -> None:
    """Execute `notebook` into `output` (the executed copy kept with the report)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    # Papermill saves as it goes; the copy takes the final name only once the run has ended.
    with iorw.atomic_path(output) as partial:
        _execute(notebook, partial, output, parameters, engine)


def _execute(notebook: Path, partial: Path, output: Path, parameters: dict[str, object], engine: str) -> None:
    try:
        papermill.execute_notebook(
            str(notebook),
            str(partial),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(notebook.parent),
            progress_bar=False,
            report_mode=False,
            engine_name=ENGINES[engine],
        )
    except PapermillExecutionError as error:
        if error.ename == UserError.__name__:
            raise StageFailed(f"Lỗi: {error.evalue}") from None
        if error.ename == KeyboardInterrupt.__name__:
            raise Interrupted(f"Đã dừng: lần chạy {notebook.name} bị ngắt (Ctrl-C).") from None
        os.replace(partial, output)  # kept: the record of what failed
        if cell_errors.is_cells_error(error.ename, error.traceback):
            raise StageFailed(
                cell_errors.message(
                    notebook,
                    output,
                    error.cell_index,
                    error.exec_count,
                    error.source,
                    error.ename,
                    error.evalue,
                    error.traceback,
                )
            ) from None
        trace = "\n".join(cell_errors.plain(error.traceback))
        raise StageFailed(
            f"Lỗi chương trình khi chạy {notebook.name} (không phải lỗi số liệu; xin báo cho người bảo trì).\n"
            f"{trace}\nNotebook đã chạy: {output}"
        ) from None
    except CellTimeoutError:
        os.replace(partial, output)
        raise StageFailed(
            f"Lỗi: một ô của {notebook.name} chạy quá thời gian cho phép và đã bị dừng. Notebook đã chạy: {output}"
        ) from None
    except KeyboardInterrupt:
        raise Interrupted(f"Đã dừng: lần chạy {notebook.name} bị ngắt (Ctrl-C).") from None
