"""The in-process Papermill engine: a notebook run in the stage's own process keeps what a kernel gives."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from pathlib import Path

import nbformat
import pytest

from pipeline.common.errors import StageFailed
from pipeline.execution.runner import run_notebook
from tests.conftest import ROOT
from tests.notebooks import notebook_with_cells


def _outputs(path: Path) -> list[list[dict]]:
    return [cell.get("outputs", []) for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def test_outputs_come_back_in_order_as_a_kernel_gives_them(tmp_path: Path) -> None:
    source = notebook_with_cells(
        tmp_path / "in.ipynb",
        'import sys\nprint("một")\nprint("hai", file=sys.stderr)\nprint("ba")\nname',
        "from IPython.display import HTML, display\ndisplay(HTML('<b>đậm</b>'))\n40 + 2",
        "x = 1;",
        "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
    )
    run_notebook(source, tmp_path / "out.ipynb", {"name": "Điện Biên"})
    defaults, injected, first, second, quiet, chart = _outputs(tmp_path / "out.ipynb")
    assert defaults == injected == []
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in first[:3]] == [
        ("stream", "stdout", "một\n"),
        ("stream", "stderr", "hai\n"),
        ("stream", "stdout", "ba\n"),
    ]
    assert first[3]["output_type"] == "execute_result" and first[3]["data"]["text/plain"] == "'Điện Biên'"
    assert second[0]["output_type"] == "display_data" and second[0]["data"]["text/html"] == "<b>đậm</b>"
    assert second[1]["data"]["text/plain"] == "42" and second[1]["execution_count"] == 4
    assert quiet == []  # a closing semicolon shows nothing, as in Jupyter
    assert any("image/png" in o.get("data", {}) for o in chart)


def test_a_bug_stops_the_run_with_its_traceback(tmp_path: Path) -> None:
    # Raised inside pipeline/ (an error in the analyst's own cell is the notebook's: tests/e2e/test_workbench.py).
    source = notebook_with_cells(
        tmp_path / "in.ipynb", 'from pipeline.common import fmt\n\nfmt.number("abc")', "print('never')"
    )
    with pytest.raises(StageFailed) as failure:
        run_notebook(source, tmp_path / "out.ipynb", {})
    assert "ValueError" in str(failure.value) and "không phải lỗi số liệu" in str(failure.value)
    assert "pipeline/common/fmt.py" in str(failure.value)  # the traceback, for the maintainer
    *_, failed, after = _outputs(tmp_path / "out.ipynb")  # the executed copy is kept, for the record
    assert failed[-1]["output_type"] == "error" and failed[-1]["ename"] == "ValueError"
    assert after == []


def test_a_user_error_is_its_message_and_each_notebook_starts_empty(tmp_path: Path) -> None:
    first = notebook_with_cells(tmp_path / "a.ipynb", "left_over = 1")
    run_notebook(first, tmp_path / "a-out.ipynb", {})
    second = notebook_with_cells(
        tmp_path / "b.ipynb",
        "from pipeline.common.errors import UserError\n"
        "if 'left_over' not in globals():\n    raise UserError('Thiếu tệp units.csv')",
    )
    with pytest.raises(StageFailed, match=r"^Lỗi: Thiếu tệp units\.csv$"):
        run_notebook(second, tmp_path / "b-out.ipynb", {})


def test_each_notebook_starts_as_in_a_fresh_kernel(tmp_path: Path) -> None:
    """Warnings shown again, pandas' display options back to their defaults, display ids of its own."""
    cells = (
        "import warnings\nwarnings.warn('cẩn thận')",
        "import pandas as pd\nprint(pd.get_option('display.max_colwidth'))\npd.set_option('display.max_colwidth', 80)",
        "from IPython.display import HTML, display\nshown = display(HTML('cũ'), display_id=True)",
        "shown.update(HTML('mới'))",
    )
    for name in ("first", "second"):
        run_notebook(notebook_with_cells(tmp_path / f"{name}.ipynb", *cells), tmp_path / f"{name}-out.ipynb", {})
        *_, warned, option, displayed, updated = _outputs(tmp_path / f"{name}-out.ipynb")
        assert "cẩn thận" in warned[0]["text"], name
        assert option[0]["text"] == "50\n", name
        assert displayed[0]["data"]["text/html"] == "mới" and updated == [], name


# Filled by the notebooks of the test below: weak references to their shell and to an object of their namespace.
LEFT_BEHIND: list[weakref.ref] = []
PROBE = (
    "from pipeline.common import house_style\nhouse_style.use()\n"  # nothing of it may stay either
    "import weakref\nfrom IPython import get_ipython\nfrom tests.integration import test_engine\n"
    "class Table:\n    pass\n\ntable = Table()\n"
    "test_engine.LEFT_BEHIND += [weakref.ref(get_ipython()), weakref.ref(table)]\ntable"
)


def test_a_notebook_leaves_nothing_of_itself_in_the_process(tmp_path: Path) -> None:
    """The warm worker of `make preview` runs the notebooks of build after build in one process: each one's
    shell, namespace and outputs are freed once it has run, and `__main__` is the process's own again."""
    from IPython.core.history import HistoryManager

    main = sys.modules["__main__"]
    # The first notebook of a process may stay: a library imported while it runs can keep what it finds then
    # (IPython's completer imports `__main__`, the notebook's module at that moment). Once, not per notebook.
    run_notebook(notebook_with_cells(tmp_path / "first.ipynb", PROBE), tmp_path / "first-out.ipynb", {})
    LEFT_BEHIND.clear()
    for name in ("second", "third", "fourth"):
        run_notebook(notebook_with_cells(tmp_path / f"{name}.ipynb", PROBE), tmp_path / f"{name}-out.ipynb", {})
        assert sys.modules["__main__"] is main, name
    gc.collect()
    # The last may stay until the next one replaces it (matplotlib's inline backend keeps the shell it was
    # set up for, when a test before has loaded pyplot); none before it.
    alive = [number for number, ref in enumerate(LEFT_BEHIND) if ref() is not None]
    assert len(LEFT_BEHIND) == 6 and alive in ([], [4, 5]), alive
    assert not HistoryManager.outputs  # IPython's class-wide history of outputs


def test_an_interrupt_is_an_interrupt_not_a_bug(tmp_path: Path) -> None:
    """Ctrl-C during a stage: the run says it was interrupted, with no traceback and no «program error»."""
    import os
    import signal
    import subprocess
    import sys
    import time

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    from tests.conftest import SAMPLE_RAW

    marker = tmp_path / "sleeping"
    code = f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(120)"
    slow = notebook_with_cells(notebooks / "01_clean.ipynb", code)
    assert slow.is_file()
    command = [sys.executable, "-m", "pipeline", "clean", "--period", "2016H1", "--raw-dir", str(SAMPLE_RAW)]
    command += ["--processed-dir", str(tmp_path / "p"), "--reports-dir", str(tmp_path / "r")]
    command += ["--notebooks-dir", str(notebooks)]
    # As from a terminal: pytest-xdist's workers ignore SIGINT, and a child would inherit that.
    default_interrupt = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, preexec_fn=default_interrupt)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:  # the cell is running: now interrupt it
        time.sleep(0.1)
    assert marker.exists(), "the notebook never reached its slow cell"
    os.kill(run.pid, signal.SIGINT)
    said = run.stderr.read()  # type: ignore[union-attr]
    assert run.wait(timeout=60) == 130, said
    assert "bị ngắt (Ctrl-C)" in said and "Traceback" not in said and "Lỗi chương trình" not in said


def test_input_fails_as_under_papermill(tmp_path: Path) -> None:
    source = notebook_with_cells(tmp_path / "in.ipynb", "input('Tên? ')")
    with pytest.raises(StageFailed, match="StdinNotImplementedError"):
        run_notebook(source, tmp_path / "out.ipynb", {})


USE_HOUSE_STYLE = "from pipeline.common import house_style\nhouse_style.use()"
LOADED = "import sys\nprint('matplotlib' in sys.modules)"
DRAW = (
    "import matplotlib.pyplot as plt\nprint(plt.rcParams['font.family'])\n"
    "plt.plot([0, 1], [0, 1500])\nplt.yticks([0, 1500])\nplt.show()"
)
# Each notebook of a script is run in order by the in-process engine, in a new process where matplotlib is not loaded.
RUN_IN_ORDER = (
    "import sys\nfrom pathlib import Path\nfrom pipeline.execution.runner import run_notebook\n"
    "for path in sys.argv[1:]:\n    run_notebook(Path(path), Path(path).with_suffix('.out.ipynb'), {})"
)


def _printed(path: Path) -> list[str]:
    outputs = _outputs(path.with_suffix(".out.ipynb"))
    return ["".join(o.get("text", "") for o in cell if o["output_type"] == "stream").strip() for cell in outputs]


def _chart_text(path: Path) -> str:
    svgs = [
        o["data"]["image/svg+xml"]
        for cell in _outputs(path.with_suffix(".out.ipynb"))
        for o in cell
        if "data" in o and "image/svg+xml" in o["data"]
    ]
    return " ".join(svgs)


def test_the_house_style_waits_for_matplotlib_and_stays_in_its_notebook(tmp_path: Path) -> None:
    """`house_style.use()` loads nothing: a notebook that draws nothing (a commentary rebuild, its charts from
    the cache) does not load matplotlib; the first chart drawn gets the house style; a later notebook that did
    not ask for it draws with matplotlib's defaults, as in a fresh kernel."""
    asks_draws_nothing = notebook_with_cells(tmp_path / "a.ipynb", USE_HOUSE_STYLE, LOADED)
    does_not_ask = notebook_with_cells(tmp_path / "b.ipynb", DRAW)
    asks_then_draws = notebook_with_cells(tmp_path / "c.ipynb", USE_HOUSE_STYLE, LOADED, DRAW)
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_IN_ORDER, *map(str, notebooks)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for notebooks in ((asks_draws_nothing, does_not_ask), (asks_then_draws,))
    ]
    for run in runs:
        _, said = run.communicate(timeout=300)
        assert run.returncode == 0, said
    assert _printed(asks_draws_nothing)[-1] == "False"
    assert _printed(does_not_ask)[-1] == "['sans-serif']" and "1.500" not in _chart_text(does_not_ask)
    assert _printed(asks_then_draws)[-2:] == ["False", "['DejaVu Sans']"]
    assert "1.500" in _chart_text(asks_then_draws)  # the house style's vi-VN numbers, in the SVG it is shown as


# One chart of the sample drawn through the edition's cache by a new process, which prints whether it loaded
# matplotlib and what its cache folder then holds. argv: the sample's build, the cache, how it asks for the style.
DRAW_ONE_CHART = """
import json
import sys
from pathlib import Path
from pipeline.common import house_style
from pipeline.documents.compose import charts, edition
from testdata import SAMPLE_RAW
build, cache, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if how == "loaded, then asks":
    import matplotlib
if how != "does not ask":
    house_style.use()
if how == "asks, then loaded":
    import matplotlib
data = edition.load("2017H1", SAMPLE_RAW, build / "processed", build / "reports")
data.chart_cache = cache
charts.composition(data, "period")
print(json.dumps(["matplotlib" in sys.modules, sorted(p.name for p in cache.iterdir())]))
"""


def test_a_chart_drawn_under_the_house_style_is_found_before_matplotlib_is_loaded(
    sample_build: Path, tmp_path: Path
) -> None:
    """The chart cache's key counts the house style alike whether matplotlib is loaded (the style applied) or
    not yet (applied when it is): a commentary rebuild, which asks for the style and draws nothing, finds the
    charts a cold report drew, without loading matplotlib. Without the style, a chart is another entry."""
    cache = tmp_path / "charts"

    def draw(how: str) -> tuple[bool, list[str]]:
        command = [sys.executable, "-c", DRAW_ONE_CHART, str(sample_build), str(cache), how]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        loaded, entries = json.loads(run.stdout)
        return loaded, entries

    loaded, drawn = draw("loaded, then asks")  # as `make preview`'s worker, which has matplotlib loaded
    assert loaded and len(drawn) == 1
    assert draw("asks, then loaded") == (True, drawn)  # as a cold report: loaded when its first chart is drawn
    assert draw("asks") == (False, drawn)  # as a commentary rebuild
    loaded, without_style = draw("does not ask")
    assert loaded and len(without_style) == 2 and set(drawn) < set(without_style)
