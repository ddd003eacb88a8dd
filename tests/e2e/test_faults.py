"""Faults done for real: runs killed mid-way, hostile text in the returns."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import openpyxl
import pypdf
import pytest

from testdata.workbook import sheet_named
from tests.conftest import ROOT, SAMPLE_RAW, make, make_command

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'


def _run(raw: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return make("report", "PERIOD=2017H1", raw=raw, out=out)


@pytest.mark.parametrize(
    ("stage_line", "delay"),
    [
        ("Làm sạch báo cáo kỳ 2016H2", 0.05),
        ("Tính chỉ tiêu kỳ 2017H1", 0.05),
        ("Lập bản tin, báo cáo và phụ lục số liệu kỳ 2017H1", 1.5),
    ],
    ids=["cleaning", "indicators", "documents"],
)
def test_run_killed_then_rerun_gives_the_same_outputs(
    stage_line: str, delay: float, sample_edition: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run = subprocess.Popen(
        make_command("report", "PERIOD=2017H1", out=out),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert run.stderr is not None
    killed = False
    for line in run.stderr:  # killed once the stage has started, whenever that is on this machine
        if stage_line in line:
            time.sleep(delay)
            os.killpg(run.pid, signal.SIGKILL)  # make and Python: all of it, at once
            killed = True
            break
    run.wait()
    assert killed, f"the run ended before «{stage_line}»"
    _run(SAMPLE_RAW, out)
    for name in ("bulletin.html", "bulletin.pdf", "indicators.csv"):
        assert (out / "reports" / "2017H1" / name).read_bytes() == (sample_edition / name).read_bytes(), name


def test_hostile_text_stays_text(raw_copy: Path, tmp_path: Path) -> None:
    units = raw_copy / "units.csv"
    # A unit called by a formula: the bulletin names units (its appendix), and must show it as text.
    quoted_formula = '"' + FORMULA.replace('"', '""') + '"'
    units.write_text(
        units.read_text(encoding="utf-8")
        .replace("Đảng bộ thành phố Điện Biên Phủ", SCRIPT)
        .replace("Đảng bộ thị xã Mường Lay", quoted_formula),
        encoding="utf-8",
    )
    path = raw_copy / "returns" / "2017H1" / "DBP_2017H1.xlsx"
    book = openpyxl.load_workbook(path)
    info = sheet_named(book, "thongtin")
    info["B2"], info["B5"] = SCRIPT, FORMULA
    info["B5"].data_type = "s"  # typed as text: openpyxl would otherwise store a formula
    book.save(path)
    out = tmp_path / "out"
    _run(raw_copy, out)

    html = (out / "reports" / "2017H1" / "bulletin.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=HYPERLINK(&quot;http://x&quot;)" in html or '=HYPERLINK("http://x")' in html
    assert not re.search(r"""<a [^>]*href=["']?http://x""", html)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(out / "reports" / "2017H1" / "bulletin.pdf").pages)
    compact = re.sub(r"\s+", "", text)  # table cells wrap long text over lines
    assert SCRIPT in compact and FORMULA in compact
    for written in [*(out / "processed").rglob("*.csv"), *(out / "reports").rglob("*.csv")]:
        for line in written.read_text(encoding="utf-8-sig").splitlines():
            for cell in line.split(","):
                assert not re.match(r'^"?[=+@]', cell), (written, line)
    sources = (out / "processed" / "2017H1" / "sources.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in sources
