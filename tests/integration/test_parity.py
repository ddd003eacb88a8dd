"""What `make` publishes is what Jupyter shows, on any machine: the real kernel gives the same documents as the
in-process engine; a notebook cannot change the next one's output; an analyst's chart reaches the bulletin
with Vietnamese alt text; the PDF does not depend on the system's HarfBuzz or fonts (a new commit shows: test_publishing)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from pipeline.common.layout import NOTEBOOKS
from pipeline.documents.content.model import FALLBACK_ALT
from tests.conftest import ROOT, SAMPLE_RAW, make
from tests.notebooks import comparable

DOCUMENTS = ("bulletin.html", "bulletin.pdf", "indicators.csv")
HARFBUZZ_SUBSET = Path("/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0")


def _same(first: Path, second: Path, names: tuple[str, ...] = DOCUMENTS) -> list[str]:
    return [name for name in names if (first / name).read_bytes() != (second / name).read_bytes()]


def test_a_real_kernel_gives_the_same_documents(sample_build: Path, tmp_path: Path) -> None:
    make("report", "PERIOD=2017H1", "ENGINE=kernel", out=tmp_path)
    ours, kernel = sample_build / "reports" / "2017H1", tmp_path / "reports" / "2017H1"
    assert _same(ours, kernel) == []
    assert json.loads((kernel / "manifest.json").read_text(encoding="utf-8"))["parameters"]["engine"] == "kernel"
    for name in NOTEBOOKS.values():
        executed = [comparable(nbformat.read(folder / "notebooks" / name, as_version=4)) for folder in (ours, kernel)]
        assert executed[0] == executed[1], name


def _pipeline(notebooks: Path, out: Path, *, env: dict[str, str] | None = None) -> None:
    """What `make report PERIOD=2017H1` runs, with the notebooks of `notebooks`."""
    command = [sys.executable, "-m", "pipeline", "report", "--edition", "2017H1", "--raw-dir", str(SAMPLE_RAW)]
    command += ["--processed-dir", str(out / "processed"), "--reports-dir", str(out / "reports")]
    command += ["--notebooks-dir", str(notebooks)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr


def _notebooks_with(tmp_path: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    nb = nbformat.read(folder / name, as_version=4)
    edit(nb)
    nbformat.write(nb, folder / name)
    return folder


def _cleaned_copy(sample_build: Path, tmp_path: Path) -> Path:
    """The sample's cleaned half-years (up to date by content wherever they are): only the report reruns."""
    out = tmp_path / "out"
    shutil.copytree(sample_build / "processed", out / "processed")
    return out


def test_a_notebook_that_changes_settings_does_not_change_the_bulletin(sample_build: Path, tmp_path: Path) -> None:
    def pollute(nb: nbformat.NotebookNode) -> None:
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "import os, matplotlib, pandas as pd\n"
                "matplotlib.rcParams.update({'font.size': 23, 'axes.facecolor': 'yellow', 'figure.dpi': 40})\n"
                "pd.set_option('display.precision', 1)\npd.set_option('display.max_colwidth', 5)\n"
                "os.environ['MPLBACKEND'] = 'agg'\nos.environ['TZ'] = 'America/Lima'\nos.chdir('/')"
            )
        )

    out = _cleaned_copy(sample_build, tmp_path)
    _pipeline(_notebooks_with(tmp_path, NOTEBOOKS["indicators"], pollute), out)
    assert _same(sample_build / "reports" / "2017H1", out / "reports" / "2017H1") == []


def test_what_an_analyst_adds_to_the_report_notebook_reaches_the_report(sample_build: Path, tmp_path: Path) -> None:
    """A chart and a DataFrame shown by cells added to 04_report.ipynb: a picture and a table in Word and PDF."""

    def add(nb: nbformat.NotebookNode) -> None:
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "import matplotlib.pyplot as plt\nplt.bar(['Nữ', 'Nam'], [1381, 2341])\nplt.title('Thêm')\nplt.show()"
            )
        )
        nb.cells.append(
            nbformat.v4.new_code_cell("import pandas as pd\npd.DataFrame({'Đơn vị': ['Khối mới'], 'Số': [12]})")
        )

    out = _cleaned_copy(sample_build, tmp_path)
    _pipeline(_notebooks_with(tmp_path, NOTEBOOKS["report"], add), out)
    from docx import Document

    document = Document(out / "reports" / "2017H1" / "report.docx")
    assert len(document.inline_shapes) == 6
    assert document.inline_shapes[-1]._inline.docPr.get("descr") == FALLBACK_ALT
    assert any(cell.text == "Khối mới" for table in document.tables for row in table.rows for cell in row.cells)
    assert _same(sample_build / "reports" / "2017H1", out / "reports" / "2017H1", ("bulletin.html",)) == []


def test_a_chart_an_analyst_adds_appears_with_vietnamese_alt_text(sample_build: Path, tmp_path: Path) -> None:
    def add_chart(nb: nbformat.NotebookNode) -> None:
        for cell in nb.cells:  # no magic anywhere: the inline backend is on as in a fresh kernel
            cell.source = cell.source.replace("%matplotlib inline\n", "")
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "import matplotlib.pyplot as plt\nplt.bar(['Nữ', 'Nam'], [1381, 2341])\nplt.title('Thử')\nplt.show()"
            )
        )

    notebooks = _notebooks_with(tmp_path, NOTEBOOKS["bulletin"], add_chart)
    assert "%matplotlib" not in (notebooks / NOTEBOOKS["bulletin"]).read_text(encoding="utf-8")
    out = _cleaned_copy(sample_build, tmp_path)
    _pipeline(notebooks, out)
    html = (out / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8")
    ours = (sample_build / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8")
    assert html.count("<img ") == ours.count("<img ") + 1
    assert html.count(f'alt="{FALLBACK_ALT}"') == 1 and "No description" not in html


def test_pdf_bytes_do_not_depend_on_harfbuzz_or_the_system_fonts(sample_build: Path, tmp_path: Path) -> None:
    """`libharfbuzz-subset0` (which Chromium brings) hidden in a mount namespace, and fontconfig given no font
    at all: the same PDF as on this machine as it is."""
    assert HARFBUZZ_SUBSET.exists(), "make test installs libharfbuzz-subset0: run through make test"
    assert shutil.which("unshare"), "util-linux's unshare is needed"
    empty = tmp_path / "empty-fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    out = _cleaned_copy(sample_build, tmp_path)
    hidden = (
        f"mount --bind /dev/null {HARFBUZZ_SUBSET} && "
        f"python3 -c \"import ctypes, sys; ctypes.CDLL('{HARFBUZZ_SUBSET.name}')\" 2>/dev/null && exit 3; "
        f'exec "$@"'
    )
    command = ["unshare", "-m", "bash", "-c", hidden, "hide", sys.executable, "-m", "pipeline", "report"]
    command += ["--edition", "2017H1", "--raw-dir", str(SAMPLE_RAW), "--processed-dir", str(out / "processed")]
    command += ["--reports-dir", str(out / "reports")]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "FONTCONFIG_FILE": str(empty)})
    assert result.returncode == 0, result.stderr
    assert _same(sample_build / "reports" / "2017H1", out / "reports" / "2017H1", ("bulletin.pdf",)) == []
