"""The in-process engine against a real Jupyter kernel: the same outputs and the same failures, for a
corpus of small notebooks covering what Papermill's own test notebooks cover, and for the shipped stages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest
from nbclient.exceptions import CellTimeoutError
from papermill.exceptions import PapermillExecutionError

from pipeline.execution.engine import ENGINE_NAME
from tests.notebooks import comparable, notebook_with_cells

KERNEL_ENGINE = "nbclient"
TIMEOUT = 3  # seconds: the corpus's slow cell sleeps far longer

# Each case: the code cells of a notebook (after a `parameters` cell), and Papermill options.
CORPUS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "exception": (["print('trước')", "raise ValueError('hỏng')", "print('không chạy')"], {}),
    "sys_exit_0": (["import sys", "sys.exit(0)", "print('không chạy')"], {}),
    "sys_exit_1": (["import sys", "sys.exit(1)", "print('không chạy')"], {}),
    "raise_system_exit": (["raise SystemExit", "print('không chạy')"], {}),
    "line_magic_error": (["%undefined-line-magic", "print('không chạy')"], {}),
    "syntax_error": (["print('trước')", "x = (", "print('không chạy')"], {}),
    "long_stream": (
        [
            "import sys\nfor i in range(3000):\n    print('dòng', i)\n    if i % 500 == 0:\n        print(i, file=sys.stderr)"
        ],
        {},
    ),
    "results_and_displays": (
        [
            "40 + 2",
            "x = 1;",
            "'Điện Biên'",
            "import pandas as pd\npd.DataFrame({'đơn vị': ['DBP', 'MLA'], 'kết nạp': [120, 45]})",
            "pd.DataFrame([[f'giá trị dài {i}-{j}' for j in range(30)] for i in range(80)])",
            "import os\nprint(os.environ.get('TERM'), os.environ.get('PAGER'))",
            "from IPython.display import HTML, Markdown, display\ndisplay(HTML('<b>đậm</b>'), Markdown('*nghiêng*'))",
        ],
        {},
    ),
    "display_updates": (
        [
            "from IPython.display import HTML, clear_output, display, update_display\n"
            "shown = display(HTML('cũ'), display_id=True)\ndisplay(HTML('khác'), display_id='b')",
            "shown.update(HTML('mới'))\nupdate_display(HTML('khác mới'), display_id='b')",
            "print('một')\nclear_output()\nprint('hai')",
            "print('ba')\nclear_output(wait=True)\nprint('bốn')",
        ],
        {},
    ),
    "input_refused": (["name = input('Tên? ')", "print('không chạy')"], {}),
    "plt_show_without_magic": (
        [
            "import matplotlib.pyplot as plt\nplt.bar(['a', 'b'], [3, 5])\nplt.title('Thử')\nplt.show()",
            "plt.plot([1, 2])",
        ],
        {},
    ),
    "fresh_state": (
        [
            "import os, sys, matplotlib, pandas as pd\n"
            "print(os.environ.get('MPLBACKEND'), matplotlib.rcParams['font.size'], pd.get_option('display.precision'))",
        ],
        {},
    ),
    "cell_timeout": (
        ["print('bắt đầu')", "import time\nprint('chờ')\ntime.sleep(60)\nprint('không tới')"],
        {"execution_timeout": TIMEOUT},
    ),
}


def _notebook(path: Path, sources: list[str]) -> Path:
    return notebook_with_cells(path, *sources)


def run(source: Path, output: Path, engine: str, options: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The failure Papermill raised (its type and, for a cell's error, the error's name) and the outputs."""
    try:
        papermill.execute_notebook(
            str(source), str(output), engine_name=engine, kernel_name="python3", progress_bar=False, **options
        )
        failure = "none"
    except PapermillExecutionError as error:
        failure = f"PapermillExecutionError:{error.ename}"
    except CellTimeoutError:
        failure = "CellTimeoutError"
    return failure, comparable(nbformat.read(output, as_version=4))


def run_both(name: str, folder: Path) -> tuple[tuple[str, list], tuple[str, list]]:
    sources, options = CORPUS[name]
    source = _notebook(folder / f"{name}.ipynb", sources)
    return (
        run(source, folder / f"{name}-in-process.ipynb", ENGINE_NAME, options),
        run(source, folder / f"{name}-kernel.ipynb", KERNEL_ENGINE, options),
    )


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_in_process_engine_gives_what_a_kernel_gives(name: str, tmp_path: Path) -> None:
    in_process, kernel = run_both(name, tmp_path)
    assert in_process == kernel


def test_a_figure_is_shown_below_its_cell_when_pyplot_was_loaded_before(tmp_path: Path) -> None:
    """Code run earlier in the same process (a stage, another test) may have loaded pyplot non-interactive;
    a notebook still sees a kernel's pyplot, which shows a figure drawn without `plt.show()`."""
    import matplotlib
    import matplotlib.pyplot  # loaded before the notebook runs, as by code run earlier

    was_interactive = matplotlib.is_interactive()
    matplotlib.interactive(False)
    try:
        in_process, kernel = run_both("plt_show_without_magic", tmp_path)
    finally:
        matplotlib.interactive(was_interactive)
    assert in_process == kernel


def test_a_notebook_leaves_nothing_to_the_next(tmp_path: Path) -> None:
    """rcParams, pandas options, environment, working directory, argv and figures set by one notebook are
    gone for the next one run in the same process: it sees what a fresh kernel sees."""
    polluter = _notebook(
        tmp_path / "polluter.ipynb",
        [
            "import os, sys, matplotlib, pandas as pd, matplotlib.pyplot as plt\n"
            "matplotlib.rcParams['font.size'] = 31\nmatplotlib.use('agg')\n"
            "pd.set_option('display.precision', 1)\nos.environ['MPLBACKEND'] = 'agg'\n"
            "os.environ['SOURCE_DATE_EPOCH'] = '0'\nos.chdir('/')\nsys.argv.append('--thừa')\nplt.figure()",
        ],
    )
    run(polluter, tmp_path / "polluter-out.ipynb", ENGINE_NAME, {})
    sources, options = CORPUS["fresh_state"]
    source = _notebook(tmp_path / "fresh.ipynb", [*sources, "import os, sys\nprint(os.getcwd())\nprint(sys.argv)"])
    after = run(source, tmp_path / "fresh-in-process.ipynb", ENGINE_NAME, options)
    kernel = run(source, tmp_path / "fresh-kernel.ipynb", KERNEL_ENGINE, options)
    assert after[1][1] == kernel[1][1]  # the state a fresh kernel shows
    cwd, argv = after[1][2]["stdout"].splitlines()
    assert cwd == os.getcwd() != "/" and "--thừa" not in argv
    assert os.environ.get("SOURCE_DATE_EPOCH") != "0" and os.environ.get("MPLBACKEND") != "agg"


def test_papermill_options_are_honoured_or_refused(tmp_path: Path) -> None:
    import io

    source = _notebook(tmp_path / "streams.ipynb", ["import sys\nprint('ra')\nprint('lỗi', file=sys.stderr)"])
    stdout, stderr = io.StringIO(), io.StringIO()
    quiet = {"engine_name": ENGINE_NAME, "progress_bar": False}
    papermill.execute_notebook(
        str(source), str(tmp_path / "out.ipynb"), stdout_file=stdout, stderr_file=stderr, **quiet
    )
    assert (stdout.getvalue(), stderr.getvalue()) == ("ra\n", "lỗi\n")
    with pytest.raises(TypeError, match="allow_errors"):
        papermill.execute_notebook(str(source), str(tmp_path / "o.ipynb"), allow_errors=True, **quiet)
    with pytest.raises(ValueError, match="ir"):
        papermill.execute_notebook(str(source), str(tmp_path / "o.ipynb"), kernel_name="ir", **quiet)


def test_the_engine_is_registered_through_papermills_entry_point(tmp_path: Path) -> None:
    """Papermill's own command line finds the engine by name, in a process that never imported `pipeline`."""
    source = _notebook(tmp_path / "in.ipynb", ["import sys\nprint(type(get_ipython()).__module__)"])
    command = [sys.executable, "-m", "papermill", "--engine", ENGINE_NAME, str(source), str(tmp_path / "out.ipynb")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (shell_module,) = comparable(nbformat.read(tmp_path / "out.ipynb", as_version=4))[1:]
    assert shell_module["stdout"] == "pipeline.execution.engine\n"
