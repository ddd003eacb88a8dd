"""The warm worker: a process that keeps the libraries (pandas, matplotlib, Papermill, nbconvert, WeasyPrint),
the parsed templates, fonts and chart cache loaded, and runs an edition's stages as `make report` does
(`build.report`: the same stages, keys and stamps, so the same bytes) each time it is asked.

It runs one thread only: the stages fork their PDF workers and the bulletin's child, which they do only from
a process with a single thread (`execution.parallel.can_fork`). It reads one request a line on its standard
input and answers one JSON line on the descriptor that was its standard output; what the stages print goes
to the terminal as in `make report`, and is kept for the preview page. `Worker` is the preview's handle on it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pipeline.common.layout import Folders
    from pipeline.common.periods import Edition

WARM_MODULES = (
    "pandas",
    "matplotlib.pyplot",
    "papermill",
    "nbformat",
    "nbconvert",
    "weasyprint",
    "docx",
    "xlsxwriter",
    "pipeline.intake.clean",
    "pipeline.intake.validation",
    "pipeline.indicators.compute",
    "pipeline.documents.stage",
    "pipeline.documents.render.bulletin_html",
    "pipeline.documents.render.pdf",
    "pipeline.documents.compose.charts",
    "pipeline.documents.render.report_docx",
    "pipeline.documents.render.annex",
    "pipeline.execution.runner",
)
STOP_SECONDS = 10.0  # a worker asked to stop mid-build may finish removing its temporary files


@dataclass(frozen=True)
class Outcome:
    """A build's end: whether the edition's documents are written, and what it printed (Vietnamese)."""

    ok: bool
    messages: str
    program_error: bool = False  # a bug, not the analyst's data: the messages hold the traceback


class _Tee(io.TextIOBase):
    """The terminal's stream, with a copy of what was written (for the page)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def _warm_up() -> None:
    import importlib

    for name in WARM_MODULES:  # every one a dependency: one missing is a broken environment, said loudly
        importlib.import_module(name)
    # A first chart drawn and saved (fonts found and loaded, the SVG and PNG writers imported): the first
    # chart a changed figure redraws costs no more than the next.
    import matplotlib
    from matplotlib.figure import Figure

    from pipeline.documents.compose.charting.svg import STYLE

    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(2, 1))
        axes = figure.subplots()
        axes.bar(["Kết nạp", "Chỉ tiêu"], [1, 2])
        axes.set_title("Đảng viên mới")
        for kind in ("svg", "png"):
            figure.savefig(io.BytesIO(), format=kind)


def _warm_templates(folders: Folders, edition: Edition) -> bool:
    """The bulletin's page templates loaded (nbconvert's, compiled), by converting the edition's executed
    notebook once into a scratch file: the PDF workers forked by each build inherit them. False when there is
    no executed notebook yet (before the first build)."""
    from pipeline.common.layout import TEMPLATE_CACHE_DIR
    from pipeline.documents.render import bulletin_html as render

    executed = folders.executed(edition, "bulletin")
    if not executed.is_file():
        return False
    with tempfile.TemporaryDirectory() as scratch:
        compiled = folders.reports / str(edition) / TEMPLATE_CACHE_DIR  # as pdf.bulletin_from_notebook's
        try:
            render.notebook_to_html(
                executed, Path(scratch) / "warm.html", title="", running_title="", draft=False, compiled=compiled
            )
        except Exception:  # an old or broken executed notebook: the next build converts it, and says what is wrong
            return False
    return True


def build(folders: Folders, edition: Edition, draft: bool, engine: str) -> Outcome:
    """One `make report` of the edition, in this process; the messages as `python -m pipeline` prints them."""
    from pipeline.build import report
    from pipeline.common import version
    from pipeline.common.errors import SAID, said

    version.code.cache_clear()  # a commit made meanwhile is the code version the documents record
    tee = _Tee(sys.stderr)
    sys.stderr = tee
    program_error = False
    try:
        report(folders, edition, draft, engine, bulletin_first=True)
        ok = True
    except SAID as failure:
        print(said(failure)[0], file=sys.stderr)
        ok = False
    except Exception:  # a bug: loudly, with its traceback, on the page as in the terminal
        print("Lỗi chương trình (không phải lỗi số liệu; xin báo cho người bảo trì):", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        ok, program_error = False, True
    finally:
        sys.stderr = tee.stream
        sys.stderr.flush()
    return Outcome(ok, tee.kept.getvalue(), program_error)


def main(argv: list[str] | None = None) -> int:
    """The worker process: `python -m pipeline.preview.worker --edition 2017H1 --raw-dir …`."""
    gc.set_threshold(100_000, 50, 100)  # as `python -m pipeline` (see its __main__)
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    parser = argparse.ArgumentParser(prog="python -m pipeline.preview.worker")
    for name in ("raw-dir", "processed-dir", "reports-dir", "notebooks-dir"):
        parser.add_argument(f"--{name}", type=Path, required=True)
    parser.add_argument("--edition", required=True)
    parser.add_argument("--draft", default="0")
    parser.add_argument("--engine", default="in-process")
    args = parser.parse_args(argv)
    # Answers on a descriptor of their own; whatever a library prints goes to the terminal instead.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from pipeline.common.layout import Folders
    from pipeline.common.periods import parse_edition

    folders = Folders(args.raw_dir, args.processed_dir, args.reports_dir, args.notebooks_dir)
    edition = parse_edition(args.edition)
    draft = args.draft.strip() not in ("", "0")
    _warm_up()
    warm = _warm_templates(folders, edition)
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        if line.strip() != "build":
            continue
        outcome = build(folders, edition, draft, args.engine)
        if outcome.ok and not warm:
            warm = _warm_templates(folders, edition)
        answers.write(json.dumps(outcome.__dict__, ensure_ascii=False) + "\n")
        answers.flush()
    return 0


class WorkerDied(Exception):  # noqa: N818 - a state, reported to the analyst as a message
    """The worker ended without answering (killed, out of memory, or a crash while loading)."""


class Worker:
    """The preview's handle on a worker process: started warm, asked to build, restarted after a change of
    the program's code (a new process imports the new modules), stopped on Ctrl-C."""

    def __init__(self, arguments: list[str], root: Path) -> None:
        self.arguments, self.root = arguments, root
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start a process and wait until it has loaded the libraries."""
        environment = os.environ | {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(self.root), os.environ.get("PYTHONPATH")]))
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.preview.worker", *self.arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=self.root,
            env=environment,
            # Its own process group: Ctrl-C in the terminal reaches the preview, which stops the worker itself.
            start_new_session=True,
        )
        self._answer()

    def _answer(self) -> dict[str, object]:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            status = self.process.wait()
            self.process = None
            raise WorkerDied(f"tiến trình lập bản tin đã dừng bất thường (mã {status})")
        return json.loads(line)

    def build(self) -> Outcome:
        """One build; a worker that died is started again for the next."""
        if self.process is None:
            self.start()
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write("build\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            self.stop()
            raise WorkerDied("tiến trình lập bản tin đã dừng bất thường") from None
        answer = self._answer()
        return Outcome(bool(answer["ok"]), str(answer["messages"]), bool(answer.get("program_error")))

    def stop(self) -> None:
        """Close its input (it leaves when idle); a busy one is interrupted, and killed if it lingers."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            assert process.stdin is not None
            process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGINT)
                process.wait(timeout=STOP_SECONDS)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    raise SystemExit(main())
