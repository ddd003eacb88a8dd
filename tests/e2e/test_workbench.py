"""The analysts' workbench (issue 24): notebooks in git hold sources only while the file on disk keeps its
outputs, `make lab` serves a Vietnamese JupyterLab (as root too), errors in a cell are the notebook's, and
charts an analyst adds have the house style."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from pipeline.common import house_style
from pipeline.common.errors import StageFailed
from pipeline.execution.runner import run_notebook
from tests.conftest import ROOT, copy_of_checkout, make

NOTEBOOK = "notebooks/03_bulletin.ipynb"
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/lab\?token=([0-9a-f]+)$", re.MULTILINE)


def git(checkout: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True)
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- notebooks in git --------------------------------------------------------------------------------------


def test_make_defines_the_notebook_filter_and_drivers_cheaply_and_idempotently(tmp_path: Path) -> None:
    checkout = copy_of_checkout(tmp_path / "checkout")
    environment = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    # A conda environment (where `make venv` never runs): its Python is the filter's.
    environment["CONDA_PREFIX"] = os.environ.get("VIRTUAL_ENV", str(ROOT / ".venv"))
    subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=checkout, env=environment, check=True, capture_output=True
    )
    config = git(checkout, "config", "--local", "--list")
    python = f"{environment['CONDA_PREFIX']}/bin/python"
    assert f"filter.nbstripout.clean='{python}' -m nbstripout" in config
    assert "filter.nbstripout.required=true" in config
    assert "diff.jupyternotebook.command=" in config and "merge.jupyternotebook.driver=" in config
    written = (checkout / ".git" / "config").stat().st_mtime_ns, (checkout / ".git" / "config").read_bytes()
    time.sleep(0.05)
    subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=checkout, env=environment, check=True, capture_output=True
    )
    assert ((checkout / ".git" / "config").stat().st_mtime_ns, (checkout / ".git" / "config").read_bytes()) == written
    assert "*.ipynb filter=nbstripout diff=jupyternotebook" in (checkout / ".gitattributes").read_text()


def test_the_notebooks_in_this_checkout_hold_sources_only() -> None:
    result = subprocess.run(["python3", "tools/check_notebooks.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def with_outputs(path: Path) -> None:
    """`path` as a notebook run in Jupyter leaves it: outputs, execution counts, this machine's language."""
    notebook = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"kết quả {count}\n")]
    notebook.metadata["language_info"] = {"name": "python", "version": "3.99.1", "mimetype": "text/x-python"}
    nbformat.write(notebook, path)


def test_make_test_fails_on_a_committed_notebook_with_outputs(tmp_path: Path) -> None:
    checkout = copy_of_checkout(tmp_path / "checkout")  # committed before any make: no filter yet
    with_outputs(checkout / NOTEBOOK)
    git(checkout, "-c", "user.name=Thử", "-c", "user.email=thu@example.org", "commit", "-qam", "kết quả")
    steps = subprocess.run(["make", "-n", "test"], cwd=checkout, capture_output=True, text=True, check=True).stdout
    assert steps.index("tools/check_notebooks.py") < steps.index("-m pytest")
    failed = subprocess.run(["make", "check-notebooks"], cwd=checkout, capture_output=True, text=True)
    assert failed.returncode != 0
    assert f"{NOTEBOOK} (commit HEAD), ô số 1: còn kết quả chạy" in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr
    # The fix it names works: the filter (defined by that make command) strips what is added again.
    git(checkout, "add", "--renormalize", "--", "*.ipynb")
    git(checkout, "-c", "user.name=Thử", "-c", "user.email=thu@example.org", "commit", "-qm", "chỉ mã nguồn")
    passed = subprocess.run(["make", "check-notebooks"], cwd=checkout, capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert nbformat.reads(git(checkout, "show", f"HEAD:{NOTEBOOK}"), as_version=4).cells[1].outputs == []
    assert nbformat.read(checkout / NOTEBOOK, as_version=4).cells[1].outputs  # the file on disk keeps them


# --- make lab: a real JupyterLab server, as root or user -----------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """`make lab PERIOD=2017H1 LAB_ARGS="--no-browser --port N"` in a copy of the checkout (whoever runs the
    tests, root included); its URL read from what it prints."""
    checkout = copy_of_checkout(tmp_path_factory.mktemp("lab") / "checkout")
    port = free_port()
    log = checkout.parent / "lab.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "lab", "PERIOD=2017H1", f"LAB_ARGS=--no-browser --port {port}"],
            cwd=checkout,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while not (found := URL.search(log.read_text())):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        yield SimpleNamespace(checkout=checkout, port=int(found.group(1)), token=found.group(2), log=log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def request(lab: SimpleNamespace, path: str, method: str = "GET", body: object = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(
        f"http://127.0.0.1:{lab.port}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"token {lab.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(sent, timeout=30) as answer:
        return answer.status, answer.read()


def test_make_lab_serves_a_vietnamese_jupyterlab_on_the_notebooks(lab: SimpleNamespace) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{lab.port}/lab?token={lab.token}", timeout=30) as page:
        assert page.status == 200
        html = page.read().decode()
    assert '"preferredPath": "notebooks"' in html  # the file browser opens on notebooks/
    _, languages = request(lab, "/lab/api/translations/")
    assert "vi_VN" in json.loads(languages)["data"]
    _, settings = request(lab, "/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert json.loads(settings)["schema"]["properties"]["locale"]["default"] == "vi_VN"
    _, notices = request(lab, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
    defaults = {k: v.get("default") for k, v in json.loads(notices)["schema"]["properties"].items()}
    assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False  # no news popup
    assert "Running as root is not recommended" not in lab.log.read_text()


def test_jupyterlab_shows_itself_in_vietnamese_without_a_news_popup(lab: SimpleNamespace) -> None:
    """What an analyst sees in Chromium: the menus in Vietnamese, no toast asking about Jupyter news."""
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    assert Path(chromium).exists(), "make test installs Debian's chromium; run it through make test"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{lab.port}/lab?token={lab.token}")
        page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=60_000)
        page.wait_for_selector(".jp-DirListing-item", timeout=60_000)
        page.wait_for_timeout(3000)  # the time a news toast would take to show
        menus = page.eval_on_selector_all(".lm-MenuBar-itemLabel", "els => els.map(e => e.textContent)")
        listed = page.eval_on_selector_all(".jp-DirListing-itemText", "els => els.map(e => e.textContent)")
        toasts = page.eval_on_selector_all(".Toastify__toast", "els => els.map(e => e.textContent)")
        browser.close()
    assert "Chỉnh sửa" in menus and "Trợ giúp" in menus and "Edit" not in menus, menus
    assert "03_bulletin.ipynb" in listed  # the file browser is on notebooks/
    assert toasts == [], toasts


def test_a_notebook_saved_by_jupyterlab_reaches_git_as_sources_only(lab: SimpleNamespace) -> None:
    checkout = lab.checkout
    _, body = request(lab, f"/api/contents/{NOTEBOOK}?content=1")
    model = json.loads(body)["content"]
    code = [cell for cell in model["cells"] if cell["cell_type"] == "code"]
    edited = next(cell for cell in code if cell["source"] == "charts.composition(data)")
    edited["source"] = 'charts.composition(data, window="period")'
    for count, cell in enumerate(code, start=1):
        cell["execution_count"] = count
        cell["outputs"] = [
            {"output_type": "stream", "name": "stdout", "text": f"đầu ra {count}\n"},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": base64.b64encode(b"png").decode()}},
        ]
    model["metadata"]["language_info"] = {
        "name": "python",
        "version": "3.99.7",
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": 3},
        "pygments_lexer": "ipython3",
    }
    status, _ = request(
        lab, f"/api/contents/{NOTEBOOK}", "PUT", {"type": "notebook", "format": "json", "content": model}
    )
    assert status == 200

    on_disk = nbformat.read(checkout / NOTEBOOK, as_version=4)
    assert all(cell.outputs for cell in on_disk.cells if cell.cell_type == "code")  # the analyst's file keeps them
    assert on_disk.metadata.language_info.version == "3.99.7"

    # What git sees: the one changed source line, nothing else.
    plain = git(checkout, "diff", "--no-ext-diff", "--unified=0", "--", NOTEBOOK)
    changed = [line for line in plain.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ['-    "charts.composition(data)"', '+    "charts.composition(data, window=\\"period\\")"']
    cells = git(checkout, "diff", "--", NOTEBOOK)  # nbdime's driver: cells, not JSON
    assert 'window="period"' in cells and "đầu ra" not in cells and "3.99.7" not in cells
    git(checkout, "add", NOTEBOOK)
    staged = nbformat.reads(git(checkout, "show", f":{NOTEBOOK}"), as_version=4)
    assert all(cell.outputs == [] and cell.execution_count is None for cell in staged.cells if cell.cell_type == "code")
    assert staged.metadata.language_info == {"name": "python"}
    assert any(cell.source == 'charts.composition(data, window="period")' for cell in staged.cells)


# --- errors that speak to the analyst ------------------------------------------------------------------------


def small_notebook(path: Path, failing: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook.metadata.language_info = {"name": "python"}
    parameters = nbformat.v4.new_code_cell("x = 1")
    parameters.metadata.tags = ["parameters"]
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Thử"),
        parameters,
        nbformat.v4.new_code_cell("from types import SimpleNamespace\n\nfrom pipeline.common import fmt"),
        nbformat.v4.new_code_cell(failing),
    ]
    nbformat.write(notebook, path)
    return path


@pytest.mark.parametrize("engine", ["in-process", "kernel"])
@pytest.mark.parametrize(
    ("source", "cells_error"),
    [
        ("y = 2\nprint(undefined_name)", True),  # the analyst's NameError
        ('import pandas as pd\n\npd.DataFrame()["cột"]', True),  # a library the cell called itself
        (
            "from pipeline.documents import charts\n\ncharts.composition(SimpleNamespace(chart_cache=None, "
            'word_pictures=False), window="tuần")',
            True,
        ),  # CellArgumentError: pipeline/ refuses the argument
        ('fmt.number("abc")', False),  # an error inside pipeline/: a program bug
    ],
)
def test_whose_error_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, source: str, cells_error: bool
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout's package
    notebook = small_notebook(tmp_path / "thu.ipynb", source)
    with pytest.raises(StageFailed) as failed:
        run_notebook(notebook, tmp_path / "out" / "thu.ipynb", {"x": 2}, engine)
    said = str(failed.value)
    number = 4  # the Markdown cell, the parameters and the imports before it; Papermill's own cell not counted
    if cells_error:
        first = source.splitlines()[0]
        assert said.startswith(f"Lỗi trong sổ thu.ipynb, ô số {number} (bắt đầu bằng `{first}`)"), said
        assert "Lỗi chương trình" not in said and "Traceback" not in said
        assert str(tmp_path / "out" / "thu.ipynb") in said
    else:
        assert said.startswith("Lỗi chương trình khi chạy thu.ipynb"), said
    if "undefined_name" in source:
        assert ", dòng 2: NameError: name 'undefined_name' is not defined" in said
    if "tuần" in source:
        assert "window='tuần' không hợp lệ" in said and "CellArgumentError" not in said


def added_cell(checkout: Path, after: str, source: str) -> int:
    """A code cell added to 03 after the cell whose source is `after`; its number as the analyst counts."""
    path = checkout / NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if cell.source == after) + 1
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))
    nbformat.write(notebook, path)
    return index + 1


CHART = """import matplotlib.pyplot as plt

figure, axes = plt.subplots()
axes.bar(["Nam", "Nữ"], [1400, 2800])
axes.set_yticks([0, 1400, 2800])
plt.show()"""


def svg_texts(html: str) -> list[str]:
    pictures = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    return [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", base64.b64decode(p).decode())) for p in pictures]


def test_a_bulletin_with_an_analysts_chart_and_then_an_error_in_a_cell(tmp_path: Path) -> None:
    checkout = copy_of_checkout(tmp_path / "checkout")
    out = tmp_path / "out"
    # The chart an analyst adds: the house style's numbers, in the bulletin's SVG, under both engines.
    added_cell(checkout, "charts.composition(data)", CHART)
    for engine in ("in-process", "kernel"):
        make("report", "PERIOD=2017H1", f"ENGINE={engine}", out=out, cwd=checkout)
        texts = svg_texts((out / "reports" / "2017H1" / "bulletin.html").read_text())
        analysts = [t for t in texts if "Nam" in t.split() and "Nữ" in t.split()]
        assert len(analysts) == 1 and "1.400" in analysts[0].split() and "2.800" in analysts[0].split(), texts
        assert "1400" not in analysts[0]
    executed = nbformat.read(out / "reports" / "2017H1" / "notebooks" / "03_bulletin.ipynb", as_version=4)
    assert sum(len(cell.get("outputs", [])) for cell in executed.cells) > 0  # the executed copy keeps its outputs

    number = added_cell(checkout, "charts.by_organization(data)", "charts.by_organization(data)\nundefined_name")
    for engine in ("in-process", "kernel"):
        failed = make("report", "PERIOD=2017H1", f"ENGINE={engine}", out=out, cwd=checkout, check=False)
        said = failed.stdout + failed.stderr
        assert failed.returncode != 0
        expected = (
            f"Lỗi trong sổ 03_bulletin.ipynb, ô số {number} (bắt đầu bằng `charts.by_organization(data)`), "
            "dòng 2: NameError: name 'undefined_name' is not defined"
        )
        assert expected in said, said
        assert "Lỗi chương trình" not in said and "Traceback" not in said
        assert str(out / "reports" / "2017H1" / "notebooks" / "03_bulletin.ipynb") in said


# --- the house style -----------------------------------------------------------------------------------------


def test_the_house_style_numbers_and_look(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context():
        house_style.use()
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
        assert min(matplotlib.rcParams[k] for k in ("xtick.labelsize", "ytick.labelsize", "legend.fontsize")) >= 10
        figure, axes = plt.subplots()
        axes.plot([0, 1, 2], [0, 1250, 2500])
        axes.set_xticks([0, 0.5, 1, 1.5, 2])
        axes.set_yticks([0, 1250, 2500])  # a matplotlib default formatter still: the house one replaces it
        shares = axes.twinx()
        shares.plot([0, 2], [0, 25])
        shares.set_yticks([0, 12.5, 25])
        house_style.percent_axis(shares.yaxis)
        figure.savefig(tmp_path / "chart.svg")
        plt.close(figure)
    text = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", (tmp_path / "chart.svg").read_text()))
    assert text.split() == ["0,0", "0,5", "1,0", "1,5", "2,0", "0", "1.250", "2.500", "0,0%", "12,5%", "25,0%"], text
    assert house_style.formatter().format_ticks([0, 2.5, 12.5]) == ["0,0", "2,5", "12,5"]
    assert house_style.formatter(percent=True).format_ticks([0, 12.5]) == ["0,0%", "12,5%"]
    assert house_style.formatter().format_ticks([1400, 2800]) == ["1.400", "2.800"]
